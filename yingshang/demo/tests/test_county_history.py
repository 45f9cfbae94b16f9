"""The loaded demo county looks like a county: three months of cases and 12345 orders, every unit
with routed work has a KPI sample this month, smart dispatch is trained and measured on enough
history and sends a plain 市场监管 complaint to 市场监督管理局, ledger problems belong to units
that own such problems, and the town heads have their own titles.

The demo is loaded once for the module (it takes a while) and rolled back afterwards."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from yingshang import processcache
from yingshang.cases.models import Case
from yingshang.demo.loaders import supervision as ledger
from yingshang.demo.registry import DemoContext, load_demo
from yingshang.hotline import kpis, smart_dispatch
from yingshang.hotline.models import KpiConfig, WorkOrder
from yingshang.knowledge.models import DispatchModel
from yingshang.org.models import Unit
from yingshang.ratings.models import Rating
from yingshang.supervision.models import Problem
from yingshang.testing.seeds import ensure_migration_rows
from yingshang.workcal import calendar, periods


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        # a module fixture runs before the per-test reseeding (conftest): a browser test earlier
        # on this worker may have flushed the calendar, and a calendar without its holidays
        # would put demo cases on 国庆 days the test then finds closed
        ensure_migration_rows()
        processcache.clear_all()  # role grants cached by an earlier test under reused user ids
        load_demo(DemoContext())
        counts = (Case.objects.count(), WorkOrder.objects.count(), Rating.objects.count())
        load_demo(DemoContext())  # a second `yingshang demo` adds nothing
        again = (Case.objects.count(), WorkOrder.objects.count(), Rating.objects.count())
        yield {"counts": counts, "again": again}
        transaction.set_rollback(True)


@pytest.fixture
def demo(county, db):
    return county


def test_a_second_load_adds_nothing(demo):
    assert demo["again"] == demo["counts"]


def test_every_unit_with_routed_work_has_the_kpi_sample_this_month(demo):
    start, end = kpis.month_bounds(periods.current("month").key)
    result = kpis.compute(WorkOrder.objects.all(), start, end)
    minimum = KpiConfig.get().min_sample
    routed = {row.unit_id: row for row in result["rows"]}
    departments = set(
        WorkOrder.objects.filter(main_unit__kind=Unit.Kind.DEPARTMENT).values_list(
            "main_unit_id", flat=True
        )
    )
    assert len(departments) >= 10
    short = {
        Unit.objects.get(pk=u).name: routed[u].sample if u in routed else 0
        for u in departments
        if u not in routed or routed[u].sample < minimum
    }
    assert short == {}
    ranked = [row for row in result["rows"] if row.rank is not None]
    assert len(ranked) > 1 and len({row.score for row in ranked}) > 1


def test_smart_dispatch_is_measured_on_history_and_sends_market_complaints_to_scjg(demo):
    model = DispatchModel.objects.order_by("-pk").first()
    assert model.evaluated_on >= 200 and model.top1_accuracy > 0.8
    for text in (
        "投诉县城一家超市销售过期食品，商家拒不退换",
        "我要投诉一家商店虚假宣传、缺斤少两，请市场监管部门查处",
        "市场监管投诉：商家不给退款",
        "市场监管投诉",
        "投诉商家缺斤少两",
        "超市卖假货",
    ):
        best, _p = smart_dispatch.suggest(text)[0]
        assert best.code == "scjg", text


def test_three_months_of_cases_and_orders_with_clocks_that_hold(demo):
    now = timezone.now()
    since = now - dt.timedelta(days=95)
    cases = Case.objects.filter(received_at__gte=since)
    assert cases.count() >= 300
    assert cases.values("matter_id").distinct().count() >= 30
    cal = calendar.get_calendar()
    days = {calendar.local_date(t) for t in cases.values_list("received_at", flat=True)}
    assert [d for d in sorted(days) if d < timezone.localdate() and not cal.is_workday(d)] == []
    orders = WorkOrder.objects.filter(registered_at__gte=since)
    assert orders.count() >= 2000
    for field in ("registered_at", "dispatched_at", "signed_at", "replied_at", "closed_at"):
        assert not orders.filter(**{f"{field}__gt": now}).exists(), field
    assert not orders.filter(dispatched_at__lt=F("registered_at")).exists()
    assert not orders.filter(signed_at__lt=F("dispatched_at")).exists()
    assert not orders.filter(replied_at__lt=F("signed_at")).exists()
    replied = orders.filter(replied_on_time__isnull=False)
    late = replied.filter(replied_on_time=False).count()
    assert 0 < late < replied.count() * 0.3  # some late, most on time
    assert orders.filter(status="in_progress", handle_due_at__lt=now).exists()  # some overdue
    assert Case.objects.filter(clock_state="overdue").exists()


def test_most_finished_items_are_rated(demo):
    closed = WorkOrder.objects.filter(status="closed", satisfied__isnull=False)
    rated = closed.filter(pk__in=Rating.objects.values("work_order_id"))
    assert rated.count() >= 0.9 * closed.count() > 1000
    delivered = Case.objects.filter(status__in=("delivered", "closed"), delivered_at__isnull=False)
    rated_cases = delivered.filter(pk__in=Rating.objects.values("case_id"))
    assert rated_cases.count() > 0.5 * delivered.count()


def test_no_ledger_problem_is_owned_by_an_implausible_unit(demo):
    problems = Problem.objects.filter(source_type="demo").select_related("owner_unit")
    assert problems.count() == 72
    wrong = []
    for p in problems:
        subject = ledger.subject_of(p.description)
        owners = ledger.owners_of(subject) if subject else []
        units = [p.owner_unit, *p.co_units.all()]
        wrong += [(p.description, u.name) for u in units if u.code not in owners]
    assert wrong == []
    assert not problems.filter(description__contains="施工许可", owner_unit__code="jtj").exists()
    assert problems.values("owner_unit").distinct().count() >= 12


def test_town_heads_and_leaders_have_their_own_titles(demo):
    for town in Unit.objects.filter(kind=Unit.Kind.TOWN):
        title = "街道办事处主任" if town.name.endswith("街道") else town.name[-1] + "长"
        assert town.responsible_name.endswith(f"（{title}）"), town.name
    for p in Problem.objects.filter(source_type="demo", owner_unit__kind=Unit.Kind.TOWN):
        assert p.leader_name.startswith(("副镇长", "副乡长", "街道办事处副主任")), p.leader_name
    assert not Problem.objects.filter(
        source_type="demo", owner_unit__kind=Unit.Kind.DEPARTMENT, leader_name__contains="镇"
    ).exists()
