import datetime as dt

import pytest
from django.utils import timezone

from yingshang.audit.models import AuditEvent
from yingshang.supervision import services
from yingshang.supervision.models import InspectionForm, Problem

pytestmark = pytest.mark.django_db


def test_create_page_keeps_what_was_typed_on_error(personas, login):
    client = login(personas.supervisor)
    resp = client.post(
        "/staff/supervision/new/",
        {"description": "窗口推诿扯皮问题", "unit": "", "leader_name": "王副县长"},
    )
    assert resp.status_code == 400
    body = resp.content.decode()
    assert "请指定责任单位" in body and "窗口推诿扯皮问题" in body and "王副县长" in body
    assert Problem.objects.count() == 0
    resp = client.post(
        "/staff/supervision/new/",
        {
            "description": "窗口推诿扯皮问题",
            "unit": personas.unit_a.pk,
            "ms_title": ["制定方案"],
            "ms_due": ["2026-13-45"],
        },
    )
    assert resp.status_code == 400 and "节点完成时限不是有效日期" in resp.content.decode()
    resp = client.post(
        "/staff/supervision/new/",
        {
            "description": "窗口推诿扯皮问题",
            "unit": personas.unit_a.pk,
            "co_units": [personas.unit_b.pk],
            "source": "media",
        },
    )
    p = Problem.objects.get()
    assert (
        resp.status_code == 302
        and p.source == "media"
        and list(p.co_units.all()) == [personas.unit_b]
    )


def test_unit_staff_cannot_open_the_create_page(personas, login):
    assert login(personas.handler_a).get("/staff/supervision/new/").status_code == 403


def test_detail_action_error_is_shown_and_keeps_input(personas, problem_factory, login):
    p = problem_factory()
    client = login(personas.handler_a)
    client.post(f"/staff/supervision/p/{p.pk}/claim/", {"measures": "细化清单"})
    resp = client.post(
        f"/staff/supervision/p/{p.pk}/report/", {"text": "完成一半", "percent": "150"}
    )
    assert resp.status_code == 400
    body = resp.content.decode()
    assert "完成比例应为0到100之间的整数" in body and "完成一半" in body
    assert p.progress_reports.count() == 0


def test_timeline_shows_the_moves(personas, problem_factory, login):
    p = problem_factory()
    services.problem_claim(actor=personas.handler_a, problem=p)
    body = login(personas.supervisor).get(f"/staff/supervision/p/{p.pk}/").content.decode()
    assert "登记问题" in body and "认领问题" in body


def test_weekly_dispatch_counts_changes_per_unit(personas, problem_factory, login):
    p = problem_factory(unit=personas.unit_a)
    problem_factory(unit=personas.unit_b)
    services.problem_claim(actor=personas.handler_a, problem=p)
    services.problem_report_progress(actor=personas.handler_a, problem=p, text="推进中", percent=30)
    resp = login(personas.supervisor).get("/staff/supervision/weekly/")
    rows = {r["unit"].pk: r for r in resp.context["rows"]}
    assert rows[personas.unit_a.pk]["new"] == 1 and rows[personas.unit_a.pk]["claimed"] == 1
    assert rows[personas.unit_a.pk]["progress"] == 1 and rows[personas.unit_b.pk]["claimed"] == 0
    # a unit sees only its own row
    resp = login(personas.handler_b).get("/staff/supervision/weekly/")
    assert [r["unit"].pk for r in resp.context["rows"]] == [personas.unit_b.pk]
    last_week = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert (
        login(personas.supervisor)
        .get(f"/staff/supervision/weekly/?week={last_week}")
        .context["rows"]
        == []
    )


def test_calendar_shows_milestones_of_the_month(personas, problem_factory, login):
    due = timezone.localdate() + dt.timedelta(days=10)
    problem_factory(milestones=[("修订办事指南", due)])
    resp = login(personas.handler_a).get(f"/staff/supervision/calendar/?month={due:%Y-%m}")
    assert "修订办事指南" in resp.content.decode()
    other = login(personas.handler_b).get(f"/staff/supervision/calendar/?month={due:%Y-%m}")
    assert "修订办事指南" not in other.content.decode()


def test_unit_summary_and_home_card(personas, problem_factory, login):
    problem_factory(unit=personas.unit_a)
    problem_factory(unit=personas.unit_a, deadline=dt.date(2020, 1, 6))  # long overdue
    resp = login(personas.supervisor).get("/staff/supervision/units/")
    row = next(r for r in resp.context["rows"] if r["unit"] == personas.unit_a)
    assert row["open"] == 2 and row["overdue"] == 1
    home = login(personas.handler_a).get("/staff/").content.decode()
    assert 'data-testid="supervision-card"' in home and "本单位整改问题" in home
    from yingshang.supervision.selectors import home_card

    card = home_card(personas.handler_a)
    assert card["open"] == 2 and card["overdue"] == 1 and card["assigned"] == 2
    assert home_card(personas.handler_b)["open"] == 0


def test_self_inspection_form_reports_land_in_the_ledger(personas, login):
    sup = login(personas.supervisor)
    resp = sup.post(
        "/staff/supervision/forms/",
        {
            "title": "不诚信、不规范、不担当问题自查表",
            "deadline_days": "20",
            "cat_1": "buchengxin",
            "q_1": "是否存在承诺不兑现",
            "cat_2": "budandang",
            "q_2": "是否存在推诿扯皮",
        },
    )
    form = InspectionForm.objects.get()
    assert resp.status_code == 302 and form.items.count() == 2 and form.status == "published"
    items = list(form.items.all())
    client = login(personas.handler_a)
    resp = client.post(
        f"/staff/supervision/forms/{form.pk}/",
        {
            "unit": personas.unit_a.pk,
            f"item_{items[0].pk}": "奖补资金兑现不及时\n招商承诺未落实",
            f"item_{items[1].pk}": "",
        },
    )
    assert resp.status_code == 302
    made = Problem.objects.filter(source="self_inspection")
    assert made.count() == 2
    assert {p.owner_unit for p in made} == {personas.unit_a}
    assert {p.category.name for p in made} == {"不诚信"}
    assert AuditEvent.objects.filter(action="inspection.submit").count() == 1
    # a unit reports only for itself
    resp = login(personas.handler_b).post(
        f"/staff/supervision/forms/{form.pk}/",
        {"unit": personas.unit_a.pk, f"item_{items[0].pk}": "冒名填报"},
    )
    assert "请选择填报单位" in resp.content.decode()
    assert Problem.objects.filter(source="self_inspection").count() == 2


def test_problems_from_overdue_work_orders_once_per_unit_topic_month(personas, login):
    from yingshang.hotline.models import Supervision, Topic, WorkOrder

    topic = Topic.objects.create(code="permit", name="施工许可")
    now = timezone.now()
    for i in range(3):
        order = WorkOrder.objects.create(
            number=f"GD-{i}", content="办理施工许可超时", registered_at=now, topic=topic
        )
        Supervision.objects.create(
            order=order,
            kind="overdue",
            unit=personas.unit_b,
            created_at=now,
            dedup_key=f"overdue:{i}",
        )
    client = login(personas.supervisor)
    month = timezone.localdate().strftime("%Y-%m")
    client.post("/staff/supervision/units/from-overdue-orders/", {"month": month, "threshold": "3"})
    client.post("/staff/supervision/units/from-overdue-orders/", {"month": month, "threshold": "3"})
    p = Problem.objects.get()
    assert p.owner_unit == personas.unit_b and p.category.name == "中梗阻" and p.source == "hotline"
    assert "施工许可" in p.description and "超期3件" in p.description
    assert (
        login(personas.handler_a)
        .post("/staff/supervision/units/from-overdue-orders/", {"month": month})
        .status_code
        == 403
    )


def test_pages_render_in_english(personas, problem_factory, login, settings):
    """The .po is compiled by the build; here every page must at least render in English."""
    p = problem_factory(milestones=[("修订办事指南", timezone.localdate() + dt.timedelta(days=5))])
    client = login(personas.supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in [
        "/staff/supervision/",
        "/staff/supervision/list/",
        "/staff/supervision/units/",
        "/staff/supervision/calendar/",
        "/staff/supervision/weekly/",
        f"/staff/supervision/p/{p.pk}/",
        "/staff/supervision/new/",
        "/staff/supervision/import/",
        "/staff/supervision/forms/",
        "/staff/",
    ]:
        assert client.get(url).status_code == 200, url
