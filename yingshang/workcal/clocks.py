"""Deadline clocks any module attaches to its items (DESIGN.md §3).

A clock starts with a limit (amount + unit), can pause (补正, 特别程序, 挂起) and resume, be
extended (延期), and stops (met / missed). Pauses are measured in the clock's own calendar:
the limit left at the pause is carried to the resume. Every change persists due_at and warn_at
(indexed) and writes a ClockEvent. The periodic sweep moves clocks to warning/overdue with a
conditional UPDATE, so two workers never fire the same transition twice, and hands the moved
clocks to the owning module's handler (reminders, 催办).

Functions here must be called inside the owning service's transaction.
"""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from yingshang.rowload import RowInserter
from yingshang.workcal import calendar
from yingshang.workcal.models import Clock, ClockEvent

State = Clock.State


@dataclass(frozen=True)
class Moved:
    clock_id: int
    owner_id: str
    purpose: str


Handler = Callable[[str, list[Moved]], None]
_handlers: dict[str, list[Handler]] = defaultdict(list)


def on_transition(owner_type: str, handler: Handler) -> None:
    """Register `handler(new_state, moved)` for clocks of `owner_type` moved by the sweep.
    It runs inside the sweep's transaction, once per batch."""
    _handlers[owner_type].append(handler)


def _thresholds() -> tuple[float, int]:
    """Loaded with the calendar (schedule changes bump its version)."""
    return calendar.get_calendar().warning


def _warn_at(cal: calendar.WorkCalendar, due: dt.datetime, limit: float, unit: str) -> dt.datetime:
    """Warning (黄牌) begins when what is left is ≤ ratio × limit or, for day limits,
    ≤ `warning_days` working days — whichever comes first."""
    ratio, days = _thresholds()
    if unit in ("working_days", "natural_days"):
        k: float = min(max(math.ceil(ratio * limit - 1e-9), days), max(int(limit), 1))
    else:
        k = ratio * limit
    return cal.subtract(due, k, unit)


def _state_at(clock: Clock, now: dt.datetime) -> str:
    if clock.due_at is not None and now > clock.due_at:
        return State.OVERDUE
    if clock.warn_at is not None and now >= clock.warn_at:
        return State.WARNING
    return State.RUNNING


def _from_remaining(cal, at: dt.datetime, remaining: float, unit: str) -> dt.datetime:
    if unit == "working_days":
        return calendar.end_of_day(
            cal.add_working_days(calendar.local_date(at), int(round(remaining)))
        )
    if unit == "working_hours":
        return cal.add_working_hours(at, remaining)
    if unit == "natural_days":
        return calendar.end_of_day(
            calendar.local_date(at) + dt.timedelta(days=int(round(remaining)))
        )
    return at + dt.timedelta(hours=remaining)


def _extend_due(cal, due: dt.datetime, amount: float, unit: str) -> dt.datetime:
    if unit == "working_days":
        return calendar.end_of_day(cal.add_working_days(calendar.local_date(due), int(amount)))
    if unit == "working_hours":
        return cal.add_working_hours(due, amount)
    if unit == "natural_days":
        return due + dt.timedelta(days=amount)
    return due + dt.timedelta(hours=amount)


def _event(
    clock: Clock, kind: str, at: dt.datetime, due_before, detail: dict | None = None
) -> ClockEvent:
    event = ClockEvent(
        clock=clock,
        kind=kind,
        at=at,
        due_before=due_before,
        due_after=clock.due_at,
        detail=detail or {},
    )
    _EVENTS.insert(event)
    return event


# a clock and its start event are written by every case submission and work-order dispatch:
# SQL built once (yingshang.rowload)
_CLOCKS = RowInserter(Clock)
_EVENTS = RowInserter(ClockEvent)


def _check_unit(unit: str) -> None:
    if unit not in calendar.UNITS:
        raise ValueError(f"unknown limit unit {unit!r}")


def owner_key(owner) -> tuple[str, str]:
    return owner._meta.label_lower, str(owner.pk)


def clock_start(
    *, owner, purpose: str, amount, unit: str, started_at: dt.datetime | None = None
) -> Clock:
    _check_unit(unit)
    if Decimal(str(amount)) <= 0:
        raise ValueError("a clock needs a positive limit")
    started_at = started_at or timezone.now()
    cal = calendar.get_calendar()
    result = cal.deadline(started_at, amount, unit)
    owner_type, owner_id = owner_key(owner)
    clock = Clock(
        owner_type=owner_type,
        owner_id=owner_id,
        purpose=purpose,
        limit_amount=Decimal(str(amount)),
        limit_unit=unit,
        started_at=started_at,
        due_at=result.due_at,
        calendar_incomplete=result.calendar_incomplete,
    )
    clock.warn_at = _warn_at(cal, result.due_at, float(amount), unit)
    clock.state = _state_at(clock, timezone.now())
    _CLOCKS.insert(clock)
    _event(clock, ClockEvent.Kind.START, started_at, None, {"amount": str(amount), "unit": unit})
    return clock


def clock_start_many(
    *,
    specs: list[tuple[object, str, Decimal | float | str, str, dt.datetime]],
    now: dt.datetime | None = None,
) -> list[Clock]:
    """Start many clocks at once (bulk imports): specs are (owner, purpose, amount, unit,
    started_at). Computed exactly as clock_start (one calendar lookup per distinct limit and
    start), bulk-inserted with their start events."""
    now = now or timezone.now()
    cal = calendar.get_calendar()
    plans: dict = {}
    made = []
    for owner, purpose, amount, unit, started_at in specs:
        _check_unit(unit)
        key = (started_at, str(amount), unit)
        if key not in plans:
            result = cal.deadline(started_at, amount, unit)
            plans[key] = (result, _warn_at(cal, result.due_at, float(amount), unit))
        result, warn_at = plans[key]
        owner_type, owner_id = owner_key(owner)
        clock = Clock(
            owner_type=owner_type,
            owner_id=owner_id,
            purpose=purpose,
            limit_amount=Decimal(str(amount)),
            limit_unit=unit,
            started_at=started_at,
            due_at=result.due_at,
            warn_at=warn_at,
            calendar_incomplete=result.calendar_incomplete,
        )
        clock.state = _state_at(clock, now)
        made.append(clock)
    Clock.objects.bulk_create(made, batch_size=1000)
    if made and made[0].pk is None:  # a backend that returns no ids from bulk inserts
        raise RuntimeError("clock_start_many needs a database that returns inserted ids")
    ClockEvent.objects.bulk_create(
        [
            ClockEvent(
                clock=c,
                kind=ClockEvent.Kind.START,
                at=c.started_at,
                due_after=c.due_at,
                detail={"amount": str(c.limit_amount), "unit": c.limit_unit},
            )
            for c in made
        ],
        batch_size=1000,
    )
    return made


def _lock(clock: Clock) -> Clock:
    return Clock.objects.select_for_update().get(pk=clock.pk)


def clock_pause(
    *, clock: Clock, kind: str, at: dt.datetime | None = None, reason: str = ""
) -> Clock:
    clock = _lock(clock)
    if clock.state in (State.PAUSED, State.STOPPED):
        return clock
    at = at or timezone.now()
    cal = calendar.get_calendar()
    assert clock.due_at is not None, "a running clock always has due_at"
    before = clock.due_at
    clock.remaining_at_pause = Decimal(
        str(round(cal.remaining(at, clock.due_at, clock.limit_unit), 4))
    )
    clock.paused_at = at
    clock.pause_kind = kind
    clock.state = State.PAUSED
    clock.due_at = None
    clock.warn_at = None
    clock.save()
    _event(
        clock,
        ClockEvent.Kind.PAUSE,
        at,
        before,
        {"kind": kind, "reason": reason, "remaining": str(clock.remaining_at_pause)},
    )
    return clock


def clock_resume(*, clock: Clock, at: dt.datetime | None = None) -> Clock:
    clock = _lock(clock)
    if clock.state != State.PAUSED:
        return clock
    at = at or timezone.now()
    cal = calendar.get_calendar()
    # a paused clock always has what was left and when it paused (clock_pause sets both)
    assert clock.remaining_at_pause is not None and clock.paused_at is not None
    due = _from_remaining(cal, at, float(clock.remaining_at_pause), clock.limit_unit)
    clock.due_at = due
    clock.warn_at = _warn_at(
        cal, due, float(clock.limit_amount + clock.extended_amount), clock.limit_unit
    )
    clock.calendar_incomplete = not cal.covers(
        calendar.local_date(clock.started_at), calendar.local_date(clock.due_at)
    )
    paused_for = {"paused_at": clock.paused_at.isoformat(), "kind": clock.pause_kind}
    clock.paused_at = None
    clock.pause_kind = ""
    clock.remaining_at_pause = None
    clock.state = _state_at(clock, at)
    clock.save()
    _event(clock, ClockEvent.Kind.RESUME, at, None, paused_for)
    return clock


def clock_extend(*, clock: Clock, amount, reason: str = "", at: dt.datetime | None = None) -> Clock:
    clock = _lock(clock)
    if clock.state == State.STOPPED:
        raise ValueError("a stopped clock cannot be extended")
    if Decimal(str(amount)) <= 0:
        raise ValueError("an extension must be positive")
    at = at or timezone.now()
    amount_d = Decimal(str(amount))
    cal = calendar.get_calendar()
    before = clock.due_at
    clock.extended_amount += amount_d
    if clock.state == State.PAUSED:
        assert clock.remaining_at_pause is not None, "a paused clock always has what was left"
        clock.remaining_at_pause += amount_d
    else:
        assert before is not None, "a running clock always has due_at"
        due = _extend_due(cal, before, float(amount_d), clock.limit_unit)
        clock.due_at = due
        clock.warn_at = _warn_at(
            cal, due, float(clock.limit_amount + clock.extended_amount), clock.limit_unit
        )
        clock.calendar_incomplete = not cal.covers(
            calendar.local_date(clock.started_at), calendar.local_date(clock.due_at)
        )
        clock.state = _state_at(clock, at)
    clock.save()
    _event(clock, ClockEvent.Kind.EXTEND, at, before, {"amount": str(amount_d), "reason": reason})
    return clock


def clock_stop(*, clock: Clock, at: dt.datetime | None = None) -> Clock:
    clock = _lock(clock)
    if clock.state == State.STOPPED:
        return clock
    at = at or timezone.now()
    if clock.state == State.PAUSED:
        met = clock.remaining_at_pause is not None and clock.remaining_at_pause >= 0
    else:
        assert clock.due_at is not None, "a running clock always has due_at"
        met = at <= clock.due_at
    clock.outcome = Clock.Outcome.MET if met else Clock.Outcome.MISSED
    clock.state = State.STOPPED
    clock.stopped_at = at
    clock.save()
    _event(clock, ClockEvent.Kind.STOP, at, clock.due_at, {"outcome": clock.outcome})
    return clock


def remaining(clock: Clock, now: dt.datetime | None = None) -> float | None:
    """Limit units left (negative when overdue), in the clock's unit."""
    if clock.state == State.STOPPED:
        return None
    if clock.state == State.PAUSED:
        assert clock.remaining_at_pause is not None, "a paused clock always has what was left"
        return float(clock.remaining_at_pause)
    assert clock.due_at is not None, "a running clock always has due_at"
    return calendar.get_calendar().remaining(now or timezone.now(), clock.due_at, clock.limit_unit)


def clocks_of(owner, purpose: str | None = None):
    owner_type, owner_id = owner_key(owner)
    qs = Clock.objects.filter(owner_type=owner_type, owner_id=owner_id)
    return qs.filter(purpose=purpose) if purpose else qs


def clock_open(owner, purpose: str) -> Clock | None:
    """The newest clock of `owner` for `purpose` that has not stopped (None if none)."""
    return clocks_of(owner, purpose).exclude(state=Clock.State.STOPPED).order_by("-id").first()


def clock_stop_open(owner, purpose: str, *, at: dt.datetime | None = None) -> Clock | None:
    """Stop `owner`'s open clock for `purpose`, if it has one; returns it (stopped) or None."""
    clock = clock_open(owner, purpose)
    return clock_stop(clock=clock, at=at) if clock is not None else None


def _aware(value):
    """A datetime read by raw SQL: SQLite returns it naive (stored in UTC)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value


# --- the sweep ---------------------------------------------------------------------------
_SWEEPS = (
    # (new state, current state, the time column that must have passed). One current state per
    # pass: "state = x AND due_at <= now ORDER BY due_at LIMIT n" is a range scan of the
    # (state, due_at) index that stops after n rows; with two states the database would have to
    # collect and sort every due row for every batch.
    (State.OVERDUE, (State.RUNNING,), "due_at"),
    (State.OVERDUE, (State.WARNING,), "due_at"),
    (State.WARNING, (State.RUNNING,), "warn_at"),
)


_SWEEP_LOCK_KEY = 7_120_345_002  # arbitrary constant: the sweep's advisory lock


def _claim_postgres(
    table, events, new_state, sources, column, now, batch, share=None
) -> list[tuple]:
    """One statement per batch: claim, move and write the clock events (data-modifying CTE),
    so 1M open clocks sweep in seconds. No SELECT … FOR UPDATE (it would write every row twice):
    two concurrent sweeps may pick the same rows, but the UPDATE re-checks `state` after waiting
    for the other's row lock (read committed), so each clock moves — and its event and handler
    fire — exactly once; the advisory lock keeps two sweeps from deadlocking each other."""
    placeholders = ",".join(["%s"] * len(sources))
    kind = ClockEvent.Kind.OVERDUE if new_state == State.OVERDUE else ClockEvent.Kind.WARN
    in_share = "AND id %% %s = %s " if share else ""
    sql = (
        f"WITH picked AS (SELECT id FROM {table} WHERE state IN ({placeholders}) AND {column} <= %s "
        f"{in_share}ORDER BY {column} LIMIT %s), "
        f"moved AS (UPDATE {table} AS c SET state = %s, updated_at = %s FROM picked "
        f"WHERE c.id = picked.id AND c.state IN ({placeholders}) "
        f"RETURNING c.id, c.owner_type, c.owner_id, c.purpose, c.due_at), "
        f"ev AS (INSERT INTO {events} (clock_id, kind, at, due_before, due_after, detail) "
        f"SELECT id, %s, %s, due_at, due_at, '{{}}'::jsonb FROM moved) "
        f"SELECT id, owner_type, owner_id, purpose, due_at FROM moved"
    )
    share_params = [share[1], share[0]] if share else []
    params = [*sources, now, *share_params, batch, new_state, now, *sources, kind, now]
    with connection.cursor() as cursor:
        # One sweeper per share at a time: two batch UPDATEs locking rows in different orders
        # could deadlock. A whole sweep holds the sweep lock alone; the shares of a parallel
        # sweep hold it together (shared) and each its own share's lock, always in this order.
        # A second sweeper waits for the batch in progress, then finds what is left: leaving
        # the work to the lock's holder lost clocks when the holder was in another pass of the
        # sweep (test_two_concurrent_sweeps_move_each_clock_exactly_once, 2,200 of 3,000).
        if share is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SWEEP_LOCK_KEY])
        else:
            cursor.execute(
                "SELECT pg_advisory_xact_lock_shared(%s), pg_advisory_xact_lock(%s)",
                [_SWEEP_LOCK_KEY, _SWEEP_LOCK_KEY + 1 + share[0]],
            )
        cursor.fetchone()
        cursor.execute(sql, params)
        return cursor.fetchall()


def _claim_sqlite(table, new_state, sources, column, now, batch) -> list[tuple]:
    placeholders = ",".join(["%s"] * len(sources))
    sql = (
        f"UPDATE {table} SET state = %s, updated_at = %s "
        f"WHERE id IN (SELECT id FROM {table} WHERE state IN ({placeholders}) AND {column} <= %s"
        f" ORDER BY {column} LIMIT %s) AND state IN ({placeholders}) "
        f"RETURNING id, owner_type, owner_id, purpose, due_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [new_state, now, *sources, now, batch, *sources])
        rows = cursor.fetchall()
    kind = ClockEvent.Kind.OVERDUE if new_state == State.OVERDUE else ClockEvent.Kind.WARN
    ClockEvent.objects.bulk_create(
        [
            ClockEvent(
                clock_id=r[0], kind=kind, at=now, due_before=_aware(r[4]), due_after=_aware(r[4])
            )
            for r in rows
        ],
        batch_size=1000,
    )
    return rows


def sweep(
    now: dt.datetime | None = None, *, batch: int | None = None, parallel: int | None = None
) -> dict[str, int]:
    """Move due clocks to warning/overdue. Safe to run concurrently: each row is claimed by a
    conditional UPDATE … WHERE state IN (…), so only one worker sees it move; the owning
    module's handlers run in the same transaction, once per batch.

    On PostgreSQL, outside a transaction, the clocks are split by id into `parallel` shares
    (default settings.CLOCK_SWEEP_PARALLEL) swept at the same time on their own connections:
    the shares never overlap, so each clock still moves once and no two updates wait for each
    other."""
    now = now or timezone.now()
    calendar.refresh_if_stale()
    postgres = connection.vendor == "postgresql"
    batch = batch or (100000 if postgres else 5000)
    default_parallel: int = getattr(settings, "CLOCK_SWEEP_PARALLEL", 2)
    parallel = parallel or default_parallel
    if not postgres or connection.in_atomic_block or parallel < 2:
        return _sweep_share(now, batch, None)
    from concurrent.futures import ThreadPoolExecutor

    def share(k: int) -> dict[str, int]:
        try:
            return _sweep_share(now, batch, (k, parallel))
        finally:
            connections.close_all()  # this thread's connection

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        results = list(pool.map(share, range(parallel)))
    return {
        State.OVERDUE: sum(r[State.OVERDUE] for r in results),
        State.WARNING: sum(r[State.WARNING] for r in results),
    }


def _sweep_share(now, batch: int, share: tuple[int, int] | None) -> dict[str, int]:
    postgres = connection.vendor == "postgresql"
    counts: dict[str, int] = {State.OVERDUE: 0, State.WARNING: 0}
    # table/column names come from the models and _SWEEPS, never from input
    table = connection.ops.quote_name(Clock._meta.db_table)
    events = connection.ops.quote_name(ClockEvent._meta.db_table)
    for new_state, sources, column in _SWEEPS:
        while True:
            with transaction.atomic():
                if postgres:
                    rows = _claim_postgres(
                        table, events, new_state, sources, column, now, batch, share
                    )
                else:
                    rows = _claim_sqlite(table, new_state, sources, column, now, batch)
                if not rows:
                    break
                by_owner: dict[str, list[Moved]] = defaultdict(list)
                for clock_id, owner_type, owner_id, purpose, _due in rows:
                    by_owner[owner_type].append(Moved(clock_id, owner_id, purpose))
                for owner_type, moved in by_owner.items():
                    for handler in _handlers.get(owner_type, ()):
                        handler(new_state, moved)
                counts[new_state] += len(rows)
            if len(rows) < batch:
                break
    return counts
