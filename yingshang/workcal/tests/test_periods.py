import datetime as dt

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from yingshang.workcal import periods
from yingshang.workcal.calendar import TZ


@pytest.mark.parametrize(
    ("key", "kind", "first", "last", "label"),
    [
        ("2026-11", "month", "2026-11-01", "2026-11-30", "2026年11月"),
        ("2024-02", "month", "2024-02-01", "2024-02-29", "2024年2月"),
        ("2026-Q4", "quarter", "2026-10-01", "2026-12-31", "2026年第4季度"),
        ("2026-W49", "week", "2026-11-30", "2026-12-06", "2026年第49周"),
        ("2027-W01", "week", "2027-01-04", "2027-01-10", "2027年第1周"),
        ("2026", "year", "2026-01-01", "2026-12-31", "2026年"),
        ("2026-12-06", "day", "2026-12-06", "2026-12-06", "2026年12月6日"),
    ],
)
def test_period_keys(key, kind, first, last, label):
    p = periods.parse(key)
    assert (p.kind, p.first.isoformat(), p.last.isoformat(), p.label) == (kind, first, last, label)
    assert periods.parse(p.key) == p


def test_bounds_are_local_midnights():
    p = periods.parse("2026-12")
    assert p.start == dt.datetime(2026, 12, 1, tzinfo=TZ)
    assert p.end == dt.datetime(2027, 1, 1, tzinfo=TZ)
    assert p.start.astimezone(dt.UTC) == dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC)


@pytest.mark.parametrize("bad", ["", "2026-13", "2026-W54", "2026-Q5", "1e300", "abc", "0000-01"])
def test_malformed_keys_are_refused_or_fall_back(bad):
    with pytest.raises(ValueError):
        periods.parse(bad)
    with time_machine.travel(dt.datetime(2026, 12, 6, 20, tzinfo=TZ)):
        assert periods.parse_or_current(bad).key == "2026-12"


def test_current_period_is_the_countys_not_utcs():
    # 31 Dec 17:00 UTC is already 1 January in Asia/Shanghai
    with time_machine.travel(dt.datetime(2026, 12, 31, 17, tzinfo=dt.UTC)):
        assert periods.current("year").key == "2027"
        assert periods.current("quarter").key == "2027-Q1"
        assert [p.key for p in periods.recent("month", 3)] == ["2026-11", "2026-12", "2027-01"]


def test_ranges_longer_than_two_years_or_reversed_are_refused():
    assert periods.between(dt.date(2026, 1, 1), dt.date(2026, 3, 31)).days == 90
    with pytest.raises(ValueError):
        periods.between(dt.date(2026, 3, 1), dt.date(2026, 1, 1))
    with pytest.raises(ValueError):
        periods.between(dt.date(2020, 1, 1), dt.date(2026, 1, 1))


@settings(deadline=None)  # pure arithmetic; a loaded machine must not fail it on time
@given(
    st.sampled_from(periods.KINDS),
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2900, 12, 31)),
)
def test_periods_tile_the_calendar(kind, day):
    p = periods.period_of(kind, day)
    assert p.contains(day)
    assert p.next().first == p.last + dt.timedelta(days=1)
    assert p.previous().last == p.first - dt.timedelta(days=1)
    assert periods.parse(p.key) == p
