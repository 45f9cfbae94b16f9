"""The calendar against an independent oracle: chinese_calendar.is_workday, day by day."""

import datetime as dt
from functools import cache

import chinese_calendar
import pytest
from chinese_calendar.constants import holidays, workdays
from hypothesis import given, settings
from hypothesis import strategies as st

from yingshang.workcal.calendar import TZ, WorkCalendar, end_of_day

CAL = WorkCalendar(
    holidays=set(holidays), makeup_workdays=set(workdays), known_years=set(range(2004, 2027))
)
FIRST, LAST = dt.date(2004, 1, 1), dt.date(2026, 12, 31)
dates = st.dates(min_value=FIRST, max_value=LAST)
amounts = st.integers(min_value=-60, max_value=60)


def oracle_add(d: dt.date, n: int) -> dt.date | None:
    """n-th working day after d (n > 0) / before d (n < 0), walking one day at a time."""
    step = 1 if n > 0 else -1
    left = abs(n)
    day = d
    while left:
        day += dt.timedelta(days=step)
        if day < FIRST or day > LAST:
            return None
        if chinese_calendar.is_workday(day):
            left -= 1
    return day


@cache
def oracle_prefix() -> dict[dt.date, int]:
    counts, running, day = {}, 0, FIRST
    while day <= LAST:
        running += chinese_calendar.is_workday(day)
        counts[day] = running
        day += dt.timedelta(days=1)
    return counts


def test_every_day_2004_to_2026_matches_the_oracle():
    day = FIRST
    while day <= LAST:
        assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


@settings(max_examples=1500, deadline=None)
@given(dates, amounts)
def test_add_working_days_matches_oracle(d, n):
    expected = d if n == 0 else oracle_add(d, n)
    if expected is None:
        return  # the walk left the oracle's data range
    assert CAL.add_working_days(d, n) == expected


@settings(max_examples=1500, deadline=None)
@given(dates, dates)
def test_working_days_between_matches_oracle(a, b):
    prefix = oracle_prefix()
    assert CAL.working_days_between(a, b) == prefix[b] - prefix[a]


@settings(max_examples=500, deadline=None)
@given(dates, st.integers(min_value=1, max_value=60))
def test_adding_then_counting_gives_back_n(d, n):
    end = CAL.add_working_days(d, n)
    if end <= LAST:
        assert CAL.working_days_between(d, end) == n


def test_2026_spring_festival():
    # 2026: 2.15–2.23 off; 2.14 (Sat) and 2.28 (Sat) worked
    assert CAL.is_workday(dt.date(2026, 2, 14))
    assert not any(CAL.is_workday(dt.date(2026, 2, d)) for d in range(15, 24))
    assert CAL.is_workday(dt.date(2026, 2, 28))
    # 5 working days from Friday 13 Feb: 14 (Sat, worked), 24, 25, 26, 27
    assert CAL.add_working_days(dt.date(2026, 2, 13), 5) == dt.date(2026, 2, 27)


def test_2026_national_day():
    # 10.1–10.7 off; 9.20 (Sun) and 10.10 (Sat) worked
    assert CAL.is_workday(dt.date(2026, 9, 20)) and CAL.is_workday(dt.date(2026, 10, 10))
    assert not any(CAL.is_workday(dt.date(2026, 10, d)) for d in range(1, 8))
    assert CAL.add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert CAL.add_working_days(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)


def test_n_working_days_counts_from_the_next_working_day_and_ends_at_day_end():
    accepted = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)  # Friday
    result = CAL.deadline(accepted, 3, "working_days")
    assert result.due_at == end_of_day(dt.date(2026, 11, 25))  # Mon, Tue, Wed
    assert not result.calendar_incomplete


def test_event_at_2330_beijing_is_on_that_beijing_date():
    # 15:30 UTC on Friday 20 Nov is 23:30 Friday in Beijing: the next working day is Monday
    event = dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC)
    assert CAL.deadline(event, 1, "working_days").due_at == end_of_day(dt.date(2026, 11, 23))
    # 16:30 UTC is already Saturday 00:30 in Beijing: still Monday
    late = dt.datetime(2026, 11, 20, 16, 30, tzinfo=dt.UTC)
    assert CAL.deadline(late, 1, "working_days").due_at == end_of_day(dt.date(2026, 11, 23))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        CAL.deadline(dt.datetime(2026, 11, 20, 10, 0), 1, "working_days")


def test_working_hours_skip_lunch_nights_and_holidays():
    start = dt.datetime(2026, 9, 30, 16, 0, tzinfo=TZ)  # Wed before National Day
    # 1.5 h left that day (16:00–17:30), then next working day is 10-08 from 09:00
    assert CAL.add_working_hours(start, 2) == dt.datetime(2026, 10, 8, 9, 30, tzinfo=TZ)
    morning = dt.datetime(2026, 11, 23, 11, 0, tzinfo=TZ)
    assert CAL.add_working_hours(morning, 2) == dt.datetime(2026, 11, 23, 14, 30, tzinfo=TZ)
    assert CAL.working_hours_between(morning, dt.datetime(2026, 11, 23, 14, 30, tzinfo=TZ)) == 2


def test_a_limit_that_ends_at_closing_time_ends_at_closing_time():
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
    assert CAL.add_working_hours(start, 7) == dt.datetime(2026, 11, 23, 17, 30, tzinfo=TZ)


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(2004, 1, 2), max_value=dt.datetime(2026, 12, 1)),
    st.integers(min_value=1, max_value=200),
)
def test_working_hours_round_trip(naive, quarter_hours):
    start = naive.replace(tzinfo=TZ)
    hours = quarter_hours / 4
    end = CAL.add_working_hours(start, hours)
    assert abs(CAL.working_hours_between(start, end) - hours) < 1e-6
    assert CAL.is_workday(end.date())


def test_natural_units():
    start = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
    assert CAL.deadline(start, 2, "natural_days").due_at == end_of_day(dt.date(2026, 11, 22))
    assert CAL.deadline(start, 30, "natural_hours").due_at == dt.datetime(
        2026, 11, 21, 16, 0, tzinfo=TZ
    )


def test_year_without_calendar_uses_weekends_only_and_is_flagged():
    start = dt.datetime(2026, 12, 28, 10, 0, tzinfo=TZ)
    result = CAL.deadline(start, 5, "working_days")
    # 2027-01-01 is a Friday: with weekends only it counts as a working day
    assert result.due_at == end_of_day(dt.date(2027, 1, 4))
    assert result.calendar_incomplete
    assert not CAL.deadline(
        dt.datetime(2026, 11, 2, 9, tzinfo=TZ), 5, "working_days"
    ).calendar_incomplete


def test_unknown_unit_is_an_error():
    with pytest.raises(ValueError):
        CAL.deadline(dt.datetime(2026, 11, 2, 9, tzinfo=TZ), 1, "fortnights")
