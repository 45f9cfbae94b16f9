import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yingshang.org import scope
from yingshang.supervision import services
from yingshang.supervision.models import Problem
from yingshang.supervision.tests.sample import png

pytestmark = pytest.mark.django_db


def test_a_unit_sees_its_own_and_co_owned_problems_only(personas, problem_factory):
    own = problem_factory(unit=personas.unit_a, description="市场监管自己的问题")
    co = problem_factory(
        unit=personas.unit_b, description="住建牵头、市场监管配合", co_units=[personas.unit_a]
    )
    other = problem_factory(unit=personas.unit_b, description="住建自己的问题")
    seen_a = set(scope.visible_to(personas.handler_a, Problem).values_list("pk", flat=True))
    assert seen_a == {own.pk, co.pk}
    seen_b = set(scope.visible_to(personas.handler_b, Problem).values_list("pk", flat=True))
    assert seen_b == {co.pk, other.pk}
    assert scope.visible_to(personas.supervisor, Problem).count() == 3
    assert scope.visible_to(personas.leader, Problem).count() == 3
    assert scope.visible_to(personas.outsider, Problem).count() == 0


def test_another_unit_gets_404_on_page_api_and_evidence(
    personas, problem_factory, login, api_client
):
    p = problem_factory(unit=personas.unit_a)
    services.problem_claim(actor=personas.handler_a, problem=p)
    report = services.problem_report_progress(
        actor=personas.handler_a,
        problem=p,
        text="进展",
        percent=10,
        files=[SimpleUploadedFile("现场.png", png())],
    )
    ev = report.evidence.get()
    client = login(personas.handler_b)
    assert client.get(f"/staff/supervision/p/{p.pk}/").status_code == 404
    assert client.get(f"/staff/supervision/evidence/{ev.pk}/").status_code == 404
    assert client.post(f"/staff/supervision/p/{p.pk}/close/").status_code == 404
    assert (
        api_client(personas.handler_b).get(f"/api/v1/supervision/problems/{p.pk}").status_code
        == 404
    )
    own = login(personas.handler_a)
    resp = own.get(f"/staff/supervision/evidence/{ev.pk}/")
    assert resp.status_code == 200 and resp["Content-Type"] == "image/png"


def test_co_unit_may_report_progress_but_not_claim(personas, problem_factory):
    from yingshang.errors import PermissionDeniedError

    p = problem_factory(unit=personas.unit_b, co_units=[personas.unit_a])
    with pytest.raises(PermissionDeniedError):
        services.problem_claim(actor=personas.handler_a, problem=p)
    services.problem_claim(actor=personas.handler_b, problem=p)
    services.problem_report_progress(
        actor=personas.handler_a, problem=p, text="配合单位完成联合检查", percent=30
    )
    assert Problem.objects.get(pk=p.pk).status == "rectifying"


def test_board_and_list_show_only_what_is_in_scope(personas, problem_factory, login):
    problem_factory(unit=personas.unit_a, description="甲单位问题AAA")
    problem_factory(unit=personas.unit_b, description="乙单位问题BBB")
    body = login(personas.handler_a).get("/staff/supervision/list/").content.decode()
    assert "甲单位问题AAA" in body and "乙单位问题BBB" not in body
    board = login(personas.supervisor).get("/staff/supervision/")
    assert board.status_code == 200
    assert 'data-testid="count-assigned">2<' in board.content.decode()


def test_unit_filter_with_co_owned_lists_each_problem_once(personas, problem_factory, login):
    from yingshang.supervision import selectors

    own = problem_factory(unit=personas.unit_a, co_units=[personas.unit_b, personas.county])
    co = problem_factory(unit=personas.unit_b, co_units=[personas.unit_a])
    problem_factory(unit=personas.unit_b)
    ids = list(
        selectors.filtered(
            personas.supervisor, {"unit": str(personas.unit_a.pk), "co": "1"}
        ).values_list("pk", flat=True)
    )
    assert sorted(ids) == sorted([own.pk, co.pk])
