"""A city with two counties on one deployment (issue 24, org.tenancy): each county's staff —
its 营商办 and leaders included — see only their county's records; the city's staff see both;
the catalogue the city publishes is seen by every county."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from yingshang.cases import services as case_services
from yingshang.cases import stats
from yingshang.cases.models import Case
from yingshang.cases.tests.conftest import pdf
from yingshang.catalog.models import Matter
from yingshang.catalog.tests.factories import MatterFactory
from yingshang.errors import DomainError
from yingshang.hotline import services as hotline_services
from yingshang.hotline.models import WorkOrder
from yingshang.org import scope, services
from yingshang.org.models import Unit
from yingshang.supervision.models import Problem
from yingshang.supervision.tests.factories import ProblemFactory
from yingshang.testing.city import make_city

pytestmark = pytest.mark.django_db

K = Unit.Kind


@pytest.fixture
def city():
    return make_city()


def _submit(c, matter) -> Case:
    return case_services.case_submit(
        actor=c.applicant,
        matter=matter,
        form_data={"firm.name": "老街小馆", "shop.address": "人民路1号"},
        files={"application_form": [pdf("a.pdf")], "business_licence": [pdf("b.pdf")]},
        channel="online",
    )


@pytest.fixture
def records(city):
    c = city
    r = SimpleNamespace()
    r.matter_a = MatterFactory(actor=c.admin, unit=c.dept_a)
    r.matter_b = MatterFactory(actor=c.admin, unit=c.dept_b)
    r.matter_city = MatterFactory(actor=c.admin, unit=c.city_office, name="市级统一事项")
    r.case_a = _submit(c, r.matter_a)
    r.case_b = _submit(c, r.matter_b)
    r.problem_a = ProblemFactory(unit=c.dept_a)
    r.problem_b = ProblemFactory(unit=c.dept_b)
    r.order_a = hotline_services.workorder_register(
        actor=c.operator_a,
        content="A县某饭店油烟扰民，请处理。",
        category="complaint",
        caller_name="李四",
        caller_phone="13812345678",
    )
    r.order_b = hotline_services.workorder_register(
        actor=c.operator_b,
        content="B县某工地夜间施工扰民，请处理。",
        category="complaint",
        caller_name="王五",
        caller_phone="13812345679",
    )
    return r


def test_units_carry_their_county(city):
    c = city
    assert c.root.tenant == "" and c.city_office.tenant == ""
    assert c.county_a.tenant == c.county_a.path
    assert Unit.objects.get(pk=c.section_a.pk).tenant == c.county_a.path
    assert Unit.objects.get(pk=c.dept_b.pk).tenant == c.county_b.path


def test_a_county_sits_under_the_city_only(city):
    with pytest.raises(DomainError) as exc:
        services.unit_create(
            actor=city.admin, parent=city.dept_a, kind=K.COUNTY, code="x", name="镇下县"
        )
    assert exc.value.code == "UNIT_COUNTY_PARENT"


def test_reach(city):
    c = city
    assert scope.grants(c.leader_a).reach == (c.county_a.path,)
    assert scope.grants(c.handler_b).reach == (c.county_b.path,)
    assert scope.grants(c.city_leader).reach is None
    assert scope.grants(c.admin).reach is None
    assert scope.grants(c.applicant).reach is None


def _numbers(user, model, field="number"):
    return set(scope.visible_to(user, model).values_list(field, flat=True))


def test_countywide_roles_stop_at_their_county(city, records):
    c, r = city, records
    assert _numbers(c.leader_a, Case) == {r.case_a.number}
    assert _numbers(c.supervisor_b, Case) == {r.case_b.number}
    assert _numbers(c.supervisor_a, Problem) == {r.problem_a.number}
    assert _numbers(c.leader_b, Problem) == {r.problem_b.number}
    # work orders not dispatched yet belong to the county of the operator who took the call
    assert _numbers(c.supervisor_a, WorkOrder) == {r.order_a.number}
    assert _numbers(c.operator_b, WorkOrder) == {r.order_b.number}


def test_city_staff_see_every_county(city, records):
    c, r = city, records
    for user in (c.city_leader, c.city_supervisor, c.admin):
        assert _numbers(user, Case) == {r.case_a.number, r.case_b.number}
        assert _numbers(user, Problem) == {r.problem_a.number, r.problem_b.number}
        assert _numbers(user, WorkOrder) == {r.order_a.number, r.order_b.number}


def test_the_city_catalogue_is_shared_and_each_county_keeps_its_own(city, records):
    c, r = city, records
    seen = set(scope.visible_to(c.supervisor_a, Matter).values_list("pk", flat=True))
    assert seen == {r.matter_a.pk, r.matter_city.pk}
    # the public catalogue (portal) lists every county's matters
    assert r.matter_b.pk in set(scope.visible_to(None, Matter).values_list("pk", flat=True))


def test_online_cases_go_to_their_county_centre(city, records):
    assert records.case_a.centre_id == city.centre_a.pk
    assert records.case_b.centre_id == city.centre_b.pk


def test_statistics_count_the_county_only(city, records):
    c = city
    assert {row["name"] for row in stats.report(c.leader_a, {})["rows"]} == {c.dept_a.name}
    both = {row["name"] for row in stats.report(c.city_leader, {})["rows"]}
    assert both == {c.dept_a.name, c.dept_b.name}


def test_pages_show_one_county(client, city, records):
    c, r = city, records
    client.force_login(c.supervisor_b)
    body = client.get(reverse("cases:queue") + "?q=to_accept").content.decode()
    assert r.case_b.number in body and r.case_a.number not in body
    body = client.get(reverse("supervision:list")).content.decode()
    assert r.problem_b.number in body and r.problem_a.number not in body
    body = client.get(reverse("hotline:orders")).content.decode()
    assert r.order_b.number in body and r.order_a.number not in body
    # another county's record by its address: not found, as if it did not exist
    assert client.get(reverse("hotline:order_detail", args=[r.order_a.pk])).status_code == 404


def test_api_lists_one_county(client, city, records):
    c, r = city, records
    client.force_login(c.leader_a)
    body = client.get("/api/v1/cases").json()
    assert body["count"] == 1
    assert {row["number"] for row in body["results"]} == {r.case_a.number}
    client.force_login(c.city_leader)
    body = client.get("/api/v1/cases").json()
    assert {row["number"] for row in body["results"]} == {r.case_a.number, r.case_b.number}


def _staff_pages():
    """Every staff page that takes no argument (GET), from the URL configuration."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix="", ns=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = f"{ns}{p.namespace}:" if p.namespace else ns
                yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
            elif isinstance(p, URLPattern) and p.name and not p.pattern.converters:
                route = prefix + str(p.pattern)
                if route.startswith("staff/") and "<" not in route and "(?P" not in route:
                    yield f"{ns}{p.name}"

    return sorted(set(walk(get_resolver().url_patterns)))


def test_no_staff_page_shows_another_county(client, city, records):
    """A county's supervisor opens every staff page: none names the other county's units or
    records (the units' names are "A县…", "B县…")."""
    c, r = city, records
    client.force_login(c.supervisor_b)
    opened, leaks = [], {}
    for name in _staff_pages():
        response = client.get(reverse(name))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        opened.append(name)
        leaked = [
            s for s in ("A县", r.case_a.number, r.order_a.number, r.problem_a.number) if s in body
        ]
        if leaked:
            leaks[name] = leaked
    assert not leaks, "\n".join(f"{k}: {v}" for k, v in leaks.items())
    assert len(opened) > 30  # the sweep reached the workbench, not a login page
