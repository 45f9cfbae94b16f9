"""Evaluation rounds as per-unit clocks. Opening a round gives each lead unit a task with a
working-day deadline (a workcal clock, purpose SUBMIT); the unit's task is done when none of its
leaves waits for entry (draft or returned); the clock sweep marks a task overdue, and a task done
after its deadline stays late on the unit's record (UnitTask.late, the dispatch view, metrics)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.indicators import transitions as t
from yingshang.indicators.models import Period, Source, UnitTask, Value
from yingshang.notify import services as notify
from yingshang.org.roles import Role
from yingshang.org.staff import staff_of
from yingshang.workcal import clocks
from yingshang.workcal.models import Clock

SUBMIT = "indicators.submit"
RESUBMIT_WORKING_DAYS = 3  # a returned value is corrected within three working days
OWNER_TYPE = "indicators.unittask"


def tasks_open(period: Period, units, days: int, at: dt.datetime) -> list[UnitTask]:
    """One task per lead unit, each with its clock (called inside period_open)."""
    made = []
    for unit_id in sorted(units):
        task = UnitTask.objects.create(period=period, unit_id=unit_id)
        clock = clocks.clock_start(
            owner=task, purpose=SUBMIT, amount=days, unit="working_days", started_at=at
        )
        task.mirror(clock)
        task.save(update_fields=["due_at", "clock_state"])
        made.append(task)
    return made


def task_of(value: Value) -> UnitTask | None:
    unit = value.indicator.lead_unit_id
    if unit is None:
        return None
    return (
        UnitTask.objects.select_for_update().filter(period_id=value.period_id, unit_id=unit).first()
    )


def task_check(actor, value: Value, at: dt.datetime) -> UnitTask | None:
    """After a value of the unit moved: the task is done once nothing waits for entry."""
    task = task_of(value)
    if task is None or task.submitted_at is not None:
        return task
    waiting = (
        Value.objects.filter(
            period_id=value.period_id,
            indicator__lead_unit_id=task.unit_id,
            status__in=t.EDITABLE,
        )
        .exclude(indicator__source=Source.MEASURED)
        .exists()
    )
    if waiting:
        return task
    clock = clocks.clock_stop_open(task, SUBMIT, at=at)
    before = workflow.snapshot(task, "submitted_at", "late")
    task.submitted_at = at
    # a late first submission stays late after a return answered in time
    task.late = task.late or bool(clock and clock.outcome == Clock.Outcome.MISSED) or task.overdue
    task.mirror(clock)
    task.save(update_fields=["submitted_at", "late", "due_at", "clock_state"])
    workflow.record(
        actor,
        "indicator.task_done",
        task,
        before={k: None if v is None else str(v) for k, v in before.items()},
        after={"submitted_at": at.isoformat(), "late": task.late},
    )
    return task


def task_reopen(actor, value: Value, at: dt.datetime) -> UnitTask | None:
    """A value returned (or its approval withdrawn) after the unit's task was done: the task is
    open again, with a new clock of RESUBMIT_WORKING_DAYS for the correction. Lateness already
    on the record stays."""
    task = task_of(value)
    if task is None or task.submitted_at is None:
        return task
    before = workflow.snapshot(task, "submitted_at", "due_at")
    clock = clocks.clock_start(
        owner=task, purpose=SUBMIT, amount=RESUBMIT_WORKING_DAYS, unit="working_days", started_at=at
    )
    task.submitted_at = None
    task.overdue = False
    task.mirror(clock)
    task.save(update_fields=["submitted_at", "overdue", "due_at", "clock_state"])
    workflow.record(
        actor,
        "indicator.task_reopen",
        task,
        before={k: None if v is None else str(v) for k, v in before.items()},
        after={"due_at": task.due_at.isoformat() if task.due_at else None},
        reason=value.indicator.name,
    )
    return task


def on_task_clock(new_state: str, moved) -> None:
    """The sweep moved task clocks: copy the state; overdue tasks are marked and the unit told."""
    ids = [int(m.owner_id) for m in moved if m.purpose == SUBMIT]
    tasks = list(
        UnitTask.objects.filter(pk__in=ids, submitted_at__isnull=True).select_related(
            "period", "unit"
        )
    )
    if new_state == Clock.State.WARNING:
        UnitTask.objects.filter(pk__in=[x.pk for x in tasks]).update(clock_state=new_state)
        return
    if new_state != Clock.State.OVERDUE:
        return
    UnitTask.objects.filter(pk__in=[x.pk for x in tasks]).update(
        overdue=True, clock_state=new_state
    )
    for task in tasks:
        workflow.record(
            workflow.SYSTEM,
            "indicator.task_overdue",
            task,
            before={"overdue": False},
            after={"overdue": True},
        )
        notify.send_to(
            staff_of(task.unit_id, (Role.DEPT_HANDLER, Role.DEPT_HEAD)),
            subject=_("营商环境评价报送逾期"),
            body=_("%(p)s：%(u)s牵头的指标未在%(d)s前报送完毕，已记为逾期。")
            % {
                "p": task.period.name,
                "u": task.unit.display_name,
                "d": timezone.localtime(task.due_at).date().isoformat() if task.due_at else "",
            },
            link=reverse("indicators:lead"),
            related=task,
        )


clocks.on_transition(OWNER_TYPE, on_task_clock)
