import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from yingshang.audit.models import AuditEvent
from yingshang.workcal import calendar, clocks, services
from yingshang.workcal.calendar import TZ, end_of_day
from yingshang.workcal.models import ClockEvent

pytestmark = pytest.mark.django_db


def at(y, m, d, h=10, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


@pytest.fixture
def owner(personas):
    return personas.unit_a  # any model instance can own a clock


def start(owner, amount=5, unit="working_days", when=None):
    with transaction.atomic():
        return clocks.clock_start(
            owner=owner,
            purpose="test",
            amount=amount,
            unit=unit,
            started_at=when or at(2026, 11, 2),
        )


def test_start_persists_due_and_warning_and_writes_an_event(owner):
    clock = start(owner, 10, when=at(2026, 11, 2))  # Monday
    assert clock.due_at == end_of_day(dt.date(2026, 11, 16))
    # warning from ≤ 20% of 10 = 2 working days left: after the end of 12 Nov
    assert clock.warn_at == end_of_day(dt.date(2026, 11, 12))
    assert list(clock.events.values_list("kind", flat=True)) == ["start"]


def test_clock_started_on_a_holiday_counts_from_the_next_working_day(owner):
    clock = start(owner, 1, when=at(2026, 10, 3))  # National Day holiday
    assert clock.due_at == end_of_day(dt.date(2026, 10, 8))


def test_pause_over_a_weekend_costs_no_working_days(owner):
    clock = start(owner, 5, when=at(2026, 11, 2))  # due Mon 9 Nov
    with transaction.atomic():
        clock = clocks.clock_pause(clock=clock, kind="correction", at=at(2026, 11, 6, 17))  # Friday
    assert (
        clock.state == "paused"
        and clock.due_at is None
        and clock.remaining_at_pause == Decimal("1")
    )
    with transaction.atomic():
        clock = clocks.clock_resume(clock=clock, at=at(2026, 11, 9, 9))  # Monday
    # paused Friday→Monday: one working day (Friday's remainder was already counted) is given back
    assert clock.due_at == end_of_day(dt.date(2026, 11, 10))


def test_pause_across_national_day_is_measured_in_the_same_calendar(owner):
    clock = start(owner, 5, when=at(2026, 9, 28))  # due: 29, 30, 8, 9, 10 (Sat, worked) → 10 Oct
    assert clock.due_at == end_of_day(dt.date(2026, 10, 10))
    with transaction.atomic():
        clock = clocks.clock_pause(clock=clock, kind="special_procedure", at=at(2026, 9, 30, 15))
    assert clock.remaining_at_pause == Decimal("3")
    with transaction.atomic():
        clock = clocks.clock_resume(clock=clock, at=at(2026, 10, 8, 9))
    # three working days after 8 Oct: 9, 10 (Sat worked), 12
    assert clock.due_at == end_of_day(dt.date(2026, 10, 12))


def test_working_hour_pause_excludes_lunch_and_night(owner):
    clock = start(owner, 2, "working_hours", when=at(2026, 11, 23, 11, 0))  # due 14:30
    assert clock.due_at == at(2026, 11, 23, 14, 30)
    with transaction.atomic():
        clock = clocks.clock_pause(clock=clock, kind="suspension", at=at(2026, 11, 23, 11, 30))
    with transaction.atomic():
        clock = clocks.clock_resume(clock=clock, at=at(2026, 11, 24, 9, 0))
    assert clock.due_at == at(2026, 11, 24, 10, 30)  # 1.5 working hours were left


def test_extension_while_paused_is_added_to_what_is_left(owner):
    clock = start(owner, 5, when=at(2026, 11, 2))
    with transaction.atomic():
        clock = clocks.clock_pause(clock=clock, kind="correction", at=at(2026, 11, 4))
        clock = clocks.clock_extend(clock=clock, amount=3, reason="特别程序延期")
    assert clock.remaining_at_pause == Decimal("6")  # 3 left (5, 6, 9 Nov) + 3
    with transaction.atomic():
        clock = clocks.clock_resume(clock=clock, at=at(2026, 11, 4))
    assert clock.due_at == end_of_day(dt.date(2026, 11, 12))
    assert [e.kind for e in clock.events.all()] == ["start", "pause", "extend", "resume"]


def test_extension_of_a_running_clock_moves_due_by_working_days(owner):
    clock = start(owner, 5, when=at(2026, 11, 2))
    with transaction.atomic():
        clock = clocks.clock_extend(clock=clock, amount=2)
    assert clock.due_at == end_of_day(dt.date(2026, 11, 11))


def test_stop_records_met_or_missed(owner):
    clock = start(owner, 1, when=at(2026, 11, 2))
    with transaction.atomic():
        assert clocks.clock_stop(clock=clock, at=at(2026, 11, 3, 20)).outcome == "met"
    late = start(owner, 1, when=at(2026, 11, 2))
    with transaction.atomic():
        assert clocks.clock_stop(clock=late, at=at(2026, 11, 4, 9)).outcome == "missed"


def test_sweep_moves_to_warning_then_overdue_once_and_calls_handlers(owner):
    import time_machine

    seen = []
    clocks.on_transition(
        "org.unit", lambda state, moved: seen.append((state, [m.owner_id for m in moved]))
    )
    try:
        with time_machine.travel(at(2026, 11, 2)):
            clock = start(owner, 10, when=at(2026, 11, 2))
        assert clock.state == "running"
        assert clocks.sweep(now=at(2026, 11, 13, 8))["warning"] == 1
        assert clocks.sweep(now=at(2026, 11, 13, 9))["warning"] == 0  # not twice
        assert clocks.sweep(now=at(2026, 11, 17, 0, 1))["overdue"] == 1
        assert clocks.sweep(now=at(2026, 11, 18))["overdue"] == 0
        clock.refresh_from_db()
        assert clock.state == "overdue"
        assert seen == [("warning", [str(owner.pk)]), ("overdue", [str(owner.pk)])]
        overdue_event = ClockEvent.objects.get(clock=clock, kind="overdue")
        assert overdue_event.due_before == clock.due_at  # the instant it was due, time zone intact
        assert list(ClockEvent.objects.filter(clock=clock).values_list("kind", flat=True)) == [
            "start",
            "warn",
            "overdue",
        ]
    finally:
        clocks._handlers.pop("org.unit", None)


def test_sweep_ignores_paused_and_stopped_clocks(owner):
    paused = start(owner, 1, when=at(2026, 11, 2))
    with transaction.atomic():
        clocks.clock_pause(clock=paused, kind="correction", at=at(2026, 11, 2, 11))
    stopped = start(owner, 1, when=at(2026, 11, 2))
    with transaction.atomic():
        clocks.clock_stop(clock=stopped, at=at(2026, 11, 2, 12))
    assert clocks.sweep(now=at(2026, 12, 1)) == {"overdue": 0, "warning": 0}


def test_entering_a_missing_year_recomputes_open_clocks_that_cross_into_it(owner, personas):
    clock = start(owner, 5, when=at(2026, 12, 28))  # runs into 2027, not yet entered
    assert clock.calendar_incomplete
    # provisional: 1 January is a holiday by the law → 29, 30, 31, 4, 5
    assert clock.due_at == end_of_day(dt.date(2027, 1, 5))
    services.calendar_enter_year(
        actor=personas.admin, year=2027, text="2027-01-01 休 元旦\n", source="国办发明电"
    )
    clock.refresh_from_db()
    assert not clock.calendar_incomplete
    assert clock.due_at == end_of_day(dt.date(2027, 1, 5))
    assert clock.events.filter(kind="recompute").count() == 1
    event = AuditEvent.objects.get(action="clock.recompute", object_id=str(clock.pk))
    assert event.actor == personas.admin and "2027" in event.reason
    assert 2027 not in calendar.missing_years(around=2026)


def test_clock_start_many_matches_clock_start(owner, personas):
    single = start(owner, 5, when=at(2026, 11, 2))
    with transaction.atomic():
        many = clocks.clock_start_many(
            specs=[
                (personas.unit_b, "test", 5, "working_days", at(2026, 11, 2)),
                (personas.county, "test", 2, "working_hours", at(2026, 11, 2)),
            ]
        )
    assert (many[0].due_at, many[0].warn_at, many[0].state) == (
        single.due_at,
        single.warn_at,
        single.state,
    )
    assert many[1].due_at == at(2026, 11, 2, 12, 0)
    assert all(c.events.filter(kind="start").count() == 1 for c in many)


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "postgresql", reason="PostgreSQL only"
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("shares", [(2, 2), (1, 3)])
def test_two_concurrent_sweeps_move_each_clock_exactly_once(personas, shares):
    """Two workers sweep at once — each in parallel shares, or one whole and one in shares."""
    import threading

    import time_machine
    from django.db import connections

    with time_machine.travel(at(2026, 11, 2)), transaction.atomic():
        made = clocks.clock_start_many(
            specs=[
                (personas.unit_a, f"p{i}", 1, "working_days", at(2026, 11, 2)) for i in range(3000)
            ]
        )
    counts, errors = [], []

    def run(parallel):
        try:
            counts.append(clocks.sweep(now=at(2026, 12, 1), batch=700, parallel=parallel))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in shares]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(c["overdue"] for c in counts) == len(made)
    assert ClockEvent.objects.filter(clock__in=made, kind="overdue").count() == len(made)
