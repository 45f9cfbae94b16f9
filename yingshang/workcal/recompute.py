"""Recomputing open clocks when the working calendar changes (a year entered, a day edited, the
provisional calendar replaced): each clock is replayed from its event history on the new
calendar. Called inside the calendar services' transaction (workcal.services)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from yingshang.workcal import calendar
from yingshang.workcal.clocks import (
    State,
    _event,
    _extend_due,
    _from_remaining,
    _state_at,
    _warn_at,
)
from yingshang.workcal.models import Clock, ClockEvent


# --- recomputation when the calendar changes ---------------------------------------------
@dataclass(frozen=True)
class Replayed:
    due_at: dt.datetime | None
    remaining_at_pause: Decimal | None
    # the latest deadline the history reached (a paused clock's last one before pausing)
    reached: dt.datetime | None


def replay(clock: Clock, cal: calendar.WorkCalendar) -> Replayed:
    """Recompute (due_at, remaining_at_pause) of a clock from its event history on `cal`."""
    # a clock's history starts with START, and it pauses only while running and resumes only
    # while paused: due is set at every PAUSE and remaining_left at every RESUME (or paused EXTEND)
    due: dt.datetime | None = None
    reached: dt.datetime | None = None
    remaining_left: float | None = None
    for event in clock.events.order_by("id"):  # the order they happened in
        if event.kind == ClockEvent.Kind.START:
            due = cal.deadline(clock.started_at, clock.limit_amount, clock.limit_unit).due_at
        elif event.kind == ClockEvent.Kind.PAUSE:
            assert due is not None
            remaining_left = cal.remaining(event.at, due, clock.limit_unit)
            due = None
        elif event.kind == ClockEvent.Kind.RESUME:
            assert remaining_left is not None
            due = _from_remaining(cal, event.at, remaining_left, clock.limit_unit)
            remaining_left = None
        elif event.kind == ClockEvent.Kind.EXTEND:
            amount = float(event.detail.get("amount", 0))
            if due is None:
                assert remaining_left is not None
                remaining_left += amount
            else:
                due = _extend_due(cal, due, amount, clock.limit_unit)
        if due is not None:
            reached = due
    left = None if remaining_left is None else Decimal(str(round(remaining_left, 4)))
    return Replayed(due, left, reached)


def _provisional(cal, clock: Clock, reached: dt.datetime | None) -> bool:
    if reached is None or clock.limit_unit not in ("working_days", "working_hours"):
        return False
    return not cal.covers(calendar.local_date(clock.started_at), calendar.local_date(reached))


def recompute_open(*, actor, first: dt.date, last: dt.date, reason: str, detail: dict) -> int:
    """After the calendar changed on the days first..last (a year entered, a day edited):
    replay every open clock those days can touch on the new calendar. A clock whose deadline,
    time left at pause or provisional flag changes gets a RECOMPUTE event and an audit event;
    the others are left alone. Returns how many changed."""
    from yingshang import audit

    cal = calendar.get_calendar()
    now = timezone.now()
    changed = 0
    start_bound = calendar.end_of_day(last)
    candidates = (
        Clock.objects.exclude(state=State.STOPPED)
        .filter(started_at__lte=start_bound)
        .filter(
            models.Q(state=State.PAUSED)
            | models.Q(calendar_incomplete=True)
            | models.Q(due_at__gte=dt.datetime.combine(first, dt.time.min, calendar.TZ))
        )
        .order_by("id")
    )
    for clock_id in list(candidates.values_list("id", flat=True)):
        with transaction.atomic():
            clock = Clock.objects.select_for_update().get(pk=clock_id)
            if clock.state == State.STOPPED:
                continue
            result = replay(clock, cal)
            paused = clock.state == State.PAUSED
            flag = _provisional(cal, clock, result.reached)
            before = clock.due_at
            before_left = clock.remaining_at_pause
            if paused:
                if result.remaining_at_pause == clock.remaining_at_pause and (
                    flag == clock.calendar_incomplete
                ):
                    continue
                clock.remaining_at_pause = result.remaining_at_pause
            else:
                if result.due_at == clock.due_at and flag == clock.calendar_incomplete:
                    continue
                assert result.due_at is not None, "a running clock replays to a deadline"
                clock.due_at = result.due_at
                clock.warn_at = _warn_at(
                    cal,
                    result.due_at,
                    float(clock.limit_amount + clock.extended_amount),
                    clock.limit_unit,
                )
                clock.state = _state_at(clock, now)
            was_provisional = clock.calendar_incomplete
            clock.calendar_incomplete = flag
            clock.save()
            _event(clock, ClockEvent.Kind.RECOMPUTE, now, before, detail)
            audit.record(
                actor=actor,
                action="clock.recompute",
                obj=clock,
                before={
                    "due_at": before,
                    "remaining_at_pause": before_left,
                    "provisional": was_provisional,
                },
                after={
                    "due_at": clock.due_at,
                    "remaining_at_pause": clock.remaining_at_pause,
                    "provisional": clock.calendar_incomplete,
                },
                reason=reason,
            )
            _sync_mirror(clock, before)
            changed += 1
    return changed


def _sync_mirror(clock: Clock, before: dt.datetime | None) -> None:
    """Copy a moved deadline onto the owning row where the row shows the old one (ClockMirror's
    due_at, or a `…_due_at` stage deadline), so queues sort and show the recomputed one."""
    from django.apps import apps

    from yingshang.workcal.models import ClockMirror

    if before is None or clock.due_at == before:
        return
    try:
        model = apps.get_model(clock.owner_type)
    except (LookupError, ValueError):
        return
    rows = model._default_manager.filter(pk=clock.owner_id)
    if issubclass(model, ClockMirror):
        rows.filter(due_at=before).update(due_at=clock.due_at, clock_state=clock.state)
    # the stage deadlines some rows keep besides (hotline sign_due_at / handle_due_at)
    for field in model._meta.concrete_fields:
        if field.name.endswith("_due_at") and isinstance(field, models.DateTimeField):
            rows.filter(**{field.name: before}).update(**{field.name: clock.due_at})


def recompute_incomplete(*, actor, years: list[int]) -> int:
    """After `years` were entered: recompute the open clocks they touch."""
    return recompute_open(
        actor=actor,
        first=dt.date(min(years), 1, 1),
        last=dt.date(max(years), 12, 31),
        reason=f"录入{'、'.join(map(str, years))}年工作日历后重算",
        detail={"years": years},
    )
