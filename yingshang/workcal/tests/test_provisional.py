"""Years whose arrangement is not entered: a provisional calendar from the holiday law."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from yingshang.audit.models import AuditEvent
from yingshang.workcal import calendar, clocks, services
from yingshang.workcal.calendar import TZ, end_of_day
from yingshang.workcal.models import Clock
from yingshang.workcal.provisional import statutory_holidays

pytestmark = pytest.mark.django_db


def at(y, m, d, h=10, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


def start(owner, amount, when):
    with transaction.atomic():
        return clocks.clock_start(
            owner=owner, purpose="test", amount=amount, unit="working_days", started_at=when
        )


def test_the_law_gives_the_statutory_days_of_a_year():
    days = statutory_holidays(2027)
    assert days[dt.date(2027, 1, 1)] == "元旦"
    # 春节: 除夕 (5 Feb 2027) to 初三
    assert [d for d, n in sorted(days.items()) if n == "春节"] == [
        dt.date(2027, 2, 5),
        dt.date(2027, 2, 6),
        dt.date(2027, 2, 7),
        dt.date(2027, 2, 8),
    ]
    assert days[dt.date(2027, 4, 5)] == "清明节"  # the solar term
    assert days[dt.date(2027, 6, 9)] == "端午节"
    assert days[dt.date(2027, 9, 15)] == "中秋节"
    assert {d for d, n in days.items() if n == "劳动节"} == {
        dt.date(2027, 5, 1),
        dt.date(2027, 5, 2),
    }
    assert {d for d, n in days.items() if n == "国庆节"} == {
        dt.date(2027, 10, 1),
        dt.date(2027, 10, 2),
        dt.date(2027, 10, 3),
    }
    assert len(days) == 13


def test_the_law_agrees_with_the_published_2025_and_2026_arrangements():
    """Every statutory day the law gives is a holiday in the State Council's notice."""
    from chinese_calendar.constants import holidays

    for year in (2025, 2026):
        assert set(statutory_holidays(year)) <= set(holidays), year


def test_a_20_working_day_clock_from_6_december_is_not_due_on_new_years_day(personas):
    with time_machine.travel(at(2026, 12, 6, 9), tick=False):
        clock = start(personas.unit_a, 20, at(2026, 12, 6, 9))
    # 7 Dec … 31 Dec are 19 working days; 1 Jan 2027 is 元旦 by the law; 2 and 3 Jan a weekend
    assert clock.due_at == end_of_day(dt.date(2027, 1, 4))
    assert clock.calendar_incomplete and clock.due_provisional
    assert calendar.is_provisional(clock.due_at)
    assert not calendar.is_workday(dt.date(2027, 2, 5))  # 除夕
    # no guessed make-up working day: a weekend stays a weekend
    assert not calendar.is_workday(dt.date(2027, 2, 20))


def test_a_deadline_inside_an_entered_year_is_not_provisional(personas):
    clock = start(personas.unit_a, 5, at(2026, 11, 2))
    assert not clock.calendar_incomplete
    assert not calendar.is_provisional(clock.due_at)


def test_entering_the_year_replaces_the_provisional_calendar_and_recomputes(personas):
    with time_machine.travel(at(2026, 12, 6, 9), tick=False):
        clock = start(personas.unit_a, 20, at(2026, 12, 6, 9))
        assert clock.due_at == end_of_day(dt.date(2027, 1, 4))
        # the notice for 2027 makes Monday 4 January a holiday too
        services.calendar_enter_year(
            actor=personas.admin,
            year=2027,
            text="2027-01-01 休 元旦\n2027-01-04 休 元旦\n2027-02-05 休 春节\n",
            source="国办发明电",
        )
    clock.refresh_from_db()
    assert clock.due_at == end_of_day(dt.date(2027, 1, 5))
    assert not clock.calendar_incomplete
    assert not calendar.is_provisional(clock.due_at)
    # the official arrangement replaces the law's days: 初一 is not in this (made-up) notice
    assert calendar.is_workday(dt.date(2027, 2, 8))
    ev = AuditEvent.objects.get(action="clock.recompute", object_id=str(clock.pk))
    assert ev.changes["provisional"] == [True, False]


def test_editing_a_single_day_recomputes_open_clocks(personas):
    with time_machine.travel(at(2026, 12, 6, 9), tick=False):
        clock = start(personas.unit_a, 20, at(2026, 12, 6, 9))
        other = start(personas.unit_a, 2, at(2026, 11, 2))  # due before the edited day
        services.calendar_set_day(
            actor=personas.admin,
            day=dt.date(2026, 12, 31),
            kind="holiday",
            name="临时休假",
            reason="县政府通知",
        )
    clock.refresh_from_db()
    assert clock.due_at == end_of_day(dt.date(2027, 1, 5))
    assert clock.events.filter(kind="recompute").count() == 1
    assert other.events.filter(kind="recompute").count() == 0
    assert AuditEvent.objects.filter(action="clock.recompute", object_id=str(clock.pk)).exists()
    # restoring the weekday rule moves it back
    with time_machine.travel(at(2026, 12, 7, 9), tick=False):
        services.calendar_set_day(
            actor=personas.admin, day=dt.date(2026, 12, 31), kind=None, reason="撤销"
        )
    clock.refresh_from_db()
    assert clock.due_at == end_of_day(dt.date(2027, 1, 4))


def test_a_day_stored_for_a_year_not_entered_overrides_the_law(personas):
    services.calendar_set_day(
        actor=personas.admin, day=dt.date(2027, 1, 1), kind=None, reason="示例：按周规则"
    )
    assert calendar.is_workday(dt.date(2027, 1, 1))
    assert not calendar.is_workday(dt.date(2027, 5, 1))


def test_a_paused_clock_gets_its_time_left_and_flag_updated(personas):
    with time_machine.travel(at(2026, 12, 6, 9), tick=False):
        clock = start(personas.unit_a, 20, at(2026, 12, 6, 9))
    with time_machine.travel(at(2026, 12, 28, 10), tick=False), transaction.atomic():
        clock = clocks.clock_pause(clock=clock, kind="correction", at=at(2026, 12, 28, 10))
    # left at the pause: 29, 30, 31 Dec and 4 Jan (1 Jan a statutory holiday)
    assert float(clock.remaining_at_pause) == 4
    assert clock.calendar_incomplete
    with time_machine.travel(at(2026, 12, 29, 9), tick=False):
        services.calendar_enter_year(
            actor=personas.admin, year=2027, text="2027-01-01 休 元旦\n", source="国办发明电"
        )
    clock.refresh_from_db()
    assert clock.state == Clock.State.PAUSED
    assert float(clock.remaining_at_pause) == 4
    assert not clock.calendar_incomplete  # the flag follows the entered year
    # a day made a holiday before the pause was not a working day used: one more day left
    with time_machine.travel(at(2026, 12, 29, 10), tick=False):
        services.calendar_set_day(
            actor=personas.admin, day=dt.date(2026, 12, 10), kind="holiday", reason="补录临时休假"
        )
    clock.refresh_from_db()
    assert float(clock.remaining_at_pause) == 5
    assert clock.events.filter(kind="recompute").count() == 2


def test_calendar_recompute_fixes_clocks_computed_before_the_provisional_calendar(personas):
    from django.core.management import call_command

    with time_machine.travel(at(2026, 12, 6, 9), tick=False):
        clock = start(personas.unit_a, 20, at(2026, 12, 6, 9))
        # as the weekend-only calendar of the previous version left it: due on New Year's Day
        Clock.objects.filter(pk=clock.pk).update(
            due_at=end_of_day(dt.date(2027, 1, 1)), calendar_incomplete=False
        )
        call_command("calendar_recompute")
    clock.refresh_from_db()
    assert clock.due_at == end_of_day(dt.date(2027, 1, 4)) and clock.calendar_incomplete
    assert clock.events.filter(kind="recompute").count() == 1
