"""Rounds as per-unit clocks: a task per lead unit with a working-day deadline, the sweep marks
it overdue, a late submission stays on the unit's record; the weekly dispatch view."""

import datetime as dt

import pytest
import time_machine

from yingshang.audit.models import AuditEvent
from yingshang.indicators import selectors, services
from yingshang.indicators.models import Source, UnitTask, Value
from yingshang.indicators.tests.factories import workbook
from yingshang.notify.models import Message
from yingshang.workcal import calendar, clocks

pytestmark = pytest.mark.django_db

OPEN = dt.datetime(2026, 10, 9, 9, 0, tzinfo=calendar.TZ)  # a Friday


def _open(personas, tree, days=10):
    with time_machine.travel(OPEN, tick=False):
        return services.period_open(
            actor=personas.supervisor,
            tree=tree,
            code="2026Q3",
            name="2026年第三季度",
            starts_on=dt.date(2026, 7, 1),
            ends_on=dt.date(2026, 9, 30),
            due_working_days=days,
        )


def _fill_all(personas, period, at):
    """handler_a submits every leaf of 市场监管局 by one import."""
    rows = [
        [v.indicator.code, v.indicator.name, "", None, None, v.indicator.best, None, ""]
        for v in Value.objects.filter(period=period, indicator__lead_unit=personas.unit_a)
        .exclude(indicator__source=Source.MEASURED)
        .select_related("indicator")
    ]
    with time_machine.travel(at, tick=False):
        return services.values_import(
            actor=personas.handler_a, period=period, upload=workbook(rows)
        )


def test_each_lead_unit_gets_a_task_with_a_working_day_clock(personas, tree):
    period = _open(personas, tree)
    task = UnitTask.objects.get(period=period, unit=personas.unit_a)
    # 10 working days after Friday 2026-10-09 (the calendar's holidays counted), end of day
    assert task.due_at == calendar.end_of_day(calendar.add_working_days(dt.date(2026, 10, 9), 10))
    assert calendar.local_date(task.due_at) == period.due_on
    assert task.clock_state == "running" and not task.overdue
    clock = clocks.clock_open(task, "indicators.submit")
    assert clock.limit_unit == "working_days" and clock.limit_amount == 10
    # one task per unit that fills leaves in by hand
    units = set(
        Value.objects.filter(period=period)
        .exclude(indicator__source=Source.MEASURED)
        .values_list("indicator__lead_unit", flat=True)
    ) - {None}
    assert set(period.tasks.values_list("unit_id", flat=True)) == units


def test_on_time_submission_closes_the_task(personas, tree):
    period = _open(personas, tree)
    n = _fill_all(personas, period, OPEN + dt.timedelta(days=3))
    assert n > 1
    task = UnitTask.objects.get(period=period, unit=personas.unit_a)
    assert task.submitted_at is not None and not task.late and not task.overdue
    assert task.clock_state == "stopped"
    assert AuditEvent.objects.filter(action="indicator.task_done", object_id=str(task.pk)).exists()


def test_the_sweep_marks_a_task_overdue_and_a_late_submission_stays_on_record(personas, tree):
    period = _open(personas, tree)
    task = UnitTask.objects.get(period=period, unit=personas.unit_a)
    after = task.due_at + dt.timedelta(hours=1)
    clocks.sweep(now=after)
    task.refresh_from_db()
    assert task.overdue and task.clock_state == "overdue" and task.submitted_at is None
    ev = AuditEvent.objects.get(action="indicator.task_overdue", object_id=str(task.pk))
    assert ev.changes["overdue"] == [False, True]
    told = Message.objects.filter(subject="营商环境评价报送逾期", related_id=str(task.pk))
    assert set(told.values_list("recipient__username", flat=True)) >= {"handler_a"}
    # a second sweep does not tell them twice
    clocks.sweep(now=after + dt.timedelta(hours=1))
    assert (
        AuditEvent.objects.filter(action="indicator.task_overdue", object_id=str(task.pk)).count()
        == 1
    )
    # the unit submits two days late: done, late, still overdue on its record
    _fill_all(personas, period, after + dt.timedelta(days=2))
    task.refresh_from_db()
    assert task.submitted_at is not None and task.late and task.overdue
    rows = {r.unit.pk: r for r in selectors.dispatch(personas.supervisor, period, OPEN.date())}
    assert rows[personas.unit_a.pk].task.late


def test_weekly_dispatch_view_per_lead_unit(personas, tree):
    period = _open(personas, tree)
    v = Value.objects.filter(period=period, indicator__lead_unit=personas.unit_a).exclude(
        indicator__source=Source.MEASURED
    )[0]
    with time_machine.travel(OPEN + dt.timedelta(days=3), tick=False):  # Monday 10-12
        services.value_enter(actor=personas.handler_a, value=v, number=str(v.indicator.best))
    week = calendar.local_date(OPEN + dt.timedelta(days=3))
    rows = selectors.dispatch(personas.supervisor, period, week)
    mine = next(r for r in rows if r.unit == personas.unit_a)
    assert (
        mine.leaves
        == Value.objects.filter(period=period, indicator__lead_unit=personas.unit_a).count()
    )
    assert mine.counts["draft"] == mine.leaves  # entered, not yet submitted
    assert mine.moved_this_week == 1
    # unit staff see their own unit's row only
    own = selectors.dispatch(personas.handler_a, period, week)
    assert [r.unit for r in own] == [personas.unit_a]


def test_the_assessment_reads_each_units_on_time_record(personas, tree):
    """报送及时率 per unit over the tasks due in the month: 市场监管局 submitted late (0 of 1),
    the others have not submitted and are overdue (0 of 1); a task due in another month is not
    counted."""
    from yingshang.assessment.registry import discover
    from yingshang.workcal import periods

    period = _open(personas, tree)
    task = UnitTask.objects.get(period=period, unit=personas.unit_a)
    clocks.sweep(now=task.due_at + dt.timedelta(hours=1))
    _fill_all(personas, period, task.due_at + dt.timedelta(days=1))
    metric = discover()["indicator_on_time"]
    month = periods.period_of("month", calendar.local_date(task.due_at))
    figures = metric.compute(month, {})
    assert figures[personas.unit_a.pk].value == 0 and figures[personas.unit_a.pk].den == 1
    assert metric.compute(periods.period_of("month", dt.date(2026, 7, 1)), {}) == {}
    assert "dispatch" in metric.drill(personas.unit_a.pk, month)


def test_a_return_reopens_the_task_with_three_working_days_and_lateness_stays(personas, tree):
    """市场监管局 submits everything on Monday 10-12 (task done). The 营商办 returns one value on
    Tuesday 10-13: the task is open again, due at the end of Friday 10-16 (3 working days). A
    correction on Thursday closes it on time; a second return answered after its deadline makes
    the task late, and stays late."""
    from yingshang.indicators.tests.factories import entered

    period = _open(personas, tree)
    _fill_all(personas, period, OPEN + dt.timedelta(days=3))
    task = UnitTask.objects.get(period=period, unit=personas.unit_a)
    assert task.submitted_at is not None and not task.late
    value = (
        Value.objects.filter(period=period, indicator__lead_unit=personas.unit_a)
        .exclude(indicator__source=Source.MEASURED)
        .first()
    )
    returned_at = dt.datetime(2026, 10, 13, 10, 0, tzinfo=calendar.TZ)
    with time_machine.travel(returned_at, tick=False):
        services.value_return(actor=personas.supervisor, value=value, reason="缺少证明材料")
    task.refresh_from_db()
    assert task.submitted_at is None and task.clock_state == "running"
    assert task.due_at == calendar.end_of_day(dt.date(2026, 10, 16))
    assert AuditEvent.objects.filter(
        action="indicator.task_reopen", object_id=str(task.pk)
    ).exists()

    def correct(at):
        value.refresh_from_db()
        with time_machine.travel(at, tick=False):
            v = entered(value, actor=personas.handler_a, number=value.indicator.best)
            services.value_submit(actor=personas.handler_a, value=v)

    correct(dt.datetime(2026, 10, 15, 10, 0, tzinfo=calendar.TZ))
    task.refresh_from_db()
    assert task.submitted_at is not None and not task.late and task.clock_state == "stopped"
    with time_machine.travel(dt.datetime(2026, 10, 19, 10, 0, tzinfo=calendar.TZ), tick=False):
        services.value_return(actor=personas.supervisor, value=value, reason="数据口径不一致")
    task.refresh_from_db()
    clocks.sweep(now=task.due_at + dt.timedelta(hours=1))
    correct(task.due_at + dt.timedelta(days=1))
    task.refresh_from_db()
    assert task.submitted_at is not None and task.late
