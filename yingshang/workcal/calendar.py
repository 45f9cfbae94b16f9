"""Working-day and working-hour arithmetic on China's calendar (DESIGN.md §3).

The only place in Yingshang that does date arithmetic on deadlines.

Representation: the sorted list of ordinals (date.toordinal()) of every working day from
1990 to 2100, built from the weekday rule plus the exceptions in CalendarDay. Then
- add_working_days(d, n) is one bisect + one index: O(log n);
- working_days_between(a, b) is two bisects;
- working hours map an instant to its "working-second position" (working days before it ×
  seconds per working day + seconds worked that day), so adding and measuring working hours
  is the same bisect arithmetic.

Years without an entered arrangement (no CalendarYear row) are computed on a provisional
calendar: weekends plus the statutory holidays of the national holiday law (workcal.provisional),
no guessed make-up working days. Single days stored for such a year override it. Results touching
such a year are flagged `calendar_incomplete` — shown as provisional (“预计”) — until the year is
entered and open clocks are recomputed.

Conventions (cn_rules.md §6, DESIGN.md §3):
- "N working days from an event" counts from the next working day; the event's own day is
  not counted. The deadline is the end of the N-th working day (23:59:59.999999 Beijing time,
  the legal end of a period's last day).
- Every instant is taken in Asia/Shanghai: an event at 23:30 Beijing time is on that date.
"""

import datetime as dt
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
FIRST_DATE = dt.date(1990, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
_FIRST = FIRST_DATE.toordinal()
_LAST = LAST_DATE.toordinal()
DAY_END = dt.time.max

UNITS = ("working_days", "working_hours", "natural_days", "natural_hours")
_DATE = dt.date
_FROMORD = dt.date.fromordinal


class CalendarRangeError(ValueError):
    pass


@dataclass(frozen=True)
class Schedule:
    morning_start: dt.time = dt.time(9, 0)
    morning_end: dt.time = dt.time(12, 0)
    afternoon_start: dt.time = dt.time(13, 30)
    afternoon_end: dt.time = dt.time(17, 30)

    def segments(self) -> list[tuple[int, int]]:
        def s(t: dt.time) -> int:
            return t.hour * 3600 + t.minute * 60 + t.second

        return [
            (s(self.morning_start), s(self.morning_end)),
            (s(self.afternoon_start), s(self.afternoon_end)),
        ]


@dataclass(frozen=True)
class Deadline:
    due_at: dt.datetime
    calendar_incomplete: bool

    @property
    def provisional(self) -> bool:
        return self.calendar_incomplete


def _secs(t: dt.time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


class WorkCalendar:
    def __init__(
        self,
        *,
        holidays: set[dt.date] | frozenset[dt.date] = frozenset(),
        makeup_workdays: set[dt.date] | frozenset[dt.date] = frozenset(),
        known_years: set[int] | frozenset[int] = frozenset(),
        schedule: Schedule | None = None,
        provisional_years: set[int] | frozenset[int] = frozenset(),
    ):
        self.known_years = frozenset(known_years)
        # years whose statutory holidays are in `holidays` by the law, not by an entered notice
        self.provisional_years = frozenset(provisional_years)
        self.schedule = schedule or Schedule()
        self.warning: tuple[float, int] = (0.2, 1)  # clock warning: ratio of limit, working days
        hol = {d.toordinal() for d in holidays}
        mk = {d.toordinal() for d in makeup_workdays}
        work = []
        # date.fromordinal(o).weekday() == (o + 6) % 7
        for o in range(_FIRST, _LAST + 1):
            if o in hol:
                continue
            if o in mk or (o + 6) % 7 < 5:
                work.append(o)
        self.work = work
        self.workset = frozenset(work)
        self.segments = self.schedule.segments()
        self.day_seconds = sum(e - s for s, e in self.segments)

    @property
    def hours_per_day(self) -> float:
        """Working hours in a working day of the schedule (7 with the default 9–12, 13:30–17:30):
        what a limit in working days is worth in working hours."""
        return self.day_seconds / 3600

    # --- days -------------------------------------------------------------------------
    @staticmethod
    def _ord(d: dt.date) -> int:
        if isinstance(d, dt.datetime):
            d = local_date(d)
        o = d.toordinal()
        if o < _FIRST or o > _LAST:
            raise CalendarRangeError(f"{d} is outside the supported range {FIRST_DATE}–{LAST_DATE}")
        return o

    def is_workday(self, d: dt.date) -> bool:
        return self._ord(d) in self.workset

    def add_working_days(self, d: dt.date, n: int) -> dt.date:
        """The n-th working day after d (n > 0), or before d (n < 0); d itself for n == 0."""
        # hot path (≥ 300,000 calls/s): a plain date, no helper calls
        o = d.toordinal() if d.__class__ is _DATE else self._ord(d)
        if not _FIRST <= o <= _LAST:
            self._ord(d)  # raises CalendarRangeError
        work = self.work
        if n > 0:
            i = bisect_right(work, o) + n - 1
        elif n < 0:
            i = bisect_left(work, o) + n
        else:
            return _FROMORD(o)
        if i < 0 or i >= len(work):
            raise CalendarRangeError(f"{n} working days from {d} leaves the supported range")
        return _FROMORD(work[i])

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]; negative when b is before a."""
        oa = a.toordinal() if a.__class__ is _DATE else self._ord(a)
        ob = b.toordinal() if b.__class__ is _DATE else self._ord(b)
        if not (_FIRST <= oa <= _LAST and _FIRST <= ob <= _LAST):
            self._ord(a), self._ord(b)  # raises CalendarRangeError
        work = self.work
        return bisect_right(work, ob) - bisect_right(work, oa)

    def working_days_in(self, a: dt.date, b: dt.date) -> list[dt.date]:
        oa, ob = self._ord(a), self._ord(b)
        return [
            dt.date.fromordinal(o)
            for o in self.work[bisect_left(self.work, oa) : bisect_right(self.work, ob)]
        ]

    # --- hours ------------------------------------------------------------------------
    def _seconds_into_day(self, local_t: dt.time) -> float:
        s = _secs(local_t)
        worked = 0.0
        for start, end in self.segments:
            if s <= start:
                break
            worked += min(s, end) - start
        return worked

    def position(self, at: dt.datetime) -> float:
        """Working seconds from the start of the table to `at`."""
        local = to_local(at)
        o = self._ord(local.date())
        i = bisect_left(self.work, o)
        pos: float = i * self.day_seconds
        if i < len(self.work) and self.work[i] == o:
            pos += self._seconds_into_day(local.time())
        return pos

    def from_position(self, pos: float) -> dt.datetime:
        day_index, rem = divmod(pos, self.day_seconds)
        day_index = int(day_index)
        if rem == 0 and day_index > 0:
            # exactly at a day boundary: the end of the previous working day, not the start
            # of the next one (a limit that ends at 17:30 ends at 17:30)
            day_index -= 1
            rem = self.day_seconds
        if day_index < 0 or day_index >= len(self.work):
            raise CalendarRangeError("working-hour arithmetic left the supported range")
        day = dt.date.fromordinal(self.work[day_index])
        for start, end in self.segments:
            length = end - start
            if rem <= length:
                secs = start + rem
                break
            rem -= length
        whole = int(secs)
        micro = round((secs - whole) * 1_000_000)
        if micro == 1_000_000:
            whole, micro = whole + 1, 0
        return dt.datetime.combine(
            day, dt.time(whole // 3600, whole % 3600 // 60, whole % 60, micro), TZ
        )

    def add_working_hours(self, at: dt.datetime, hours: float | Decimal) -> dt.datetime:
        return self.from_position(self.position(at) + float(hours) * 3600)

    def working_hours_between(self, a: dt.datetime, b: dt.datetime) -> float:
        return (self.position(b) - self.position(a)) / 3600

    # --- coverage and deadlines -----------------------------------------------------
    def covers(self, a: dt.date, b: dt.date) -> bool:
        lo, hi = (a, b) if a <= b else (b, a)
        return all(y in self.known_years for y in range(lo.year, hi.year + 1))

    def is_provisional(self, due: dt.datetime | dt.date | None) -> bool:
        """Whether a working-time deadline on `due` rests on a year not yet entered (shown as
        “预计”). For rows that only keep the due date (ClockMirror): the start of such a clock is
        never in a later year than its deadline, and entered years come first."""
        if due is None:
            return False
        day = local_date(due)
        return FIRST_DATE <= day <= LAST_DATE and day.year not in self.known_years

    def deadline(self, start: dt.datetime, amount, unit: str) -> Deadline:
        start_local = to_local(start)
        if unit == "working_days":
            n = _whole(amount)
            day = self.add_working_days(start_local.date(), n)
            due = end_of_day(day)
        elif unit == "working_hours":
            due = self.add_working_hours(start_local, amount)
        elif unit == "natural_days":
            n = _whole(amount)
            due = end_of_day(start_local.date() + dt.timedelta(days=n))
        elif unit == "natural_hours":
            due = start_local + dt.timedelta(hours=float(amount))
        else:
            raise ValueError(f"unknown limit unit {unit!r}; use one of {UNITS}")
        incomplete = unit in ("working_days", "working_hours") and not self.covers(
            start_local.date(), due.date()
        )
        return Deadline(due_at=due, calendar_incomplete=incomplete)

    def remaining(self, now: dt.datetime, due: dt.datetime, unit: str) -> float:
        """Limit units left from `now` until `due`, measured in the clock's own calendar."""
        if unit == "working_days":
            return float(self.working_days_between(local_date(now), local_date(due)))
        if unit == "working_hours":
            return self.working_hours_between(now, due)
        if unit == "natural_days":
            return float((local_date(due) - local_date(now)).days)
        if unit == "natural_hours":
            return (due - now).total_seconds() / 3600
        raise ValueError(unit)

    def subtract(self, due: dt.datetime, amount: float, unit: str) -> dt.datetime:
        """The instant `amount` units before `due` (used for warning thresholds)."""
        if unit == "working_days":
            return (
                end_of_day(self.add_working_days(local_date(due), -int(amount)))
                if amount >= 1
                else due
            )
        if unit == "working_hours":
            return self.from_position(self.position(due) - amount * 3600)
        if unit == "natural_days":
            return due - dt.timedelta(days=amount)
        return due - dt.timedelta(hours=amount)


def _whole(amount) -> int:
    n = int(amount)
    if n != amount:
        raise ValueError("day limits must be whole days")
    return n


def to_local(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        raise ValueError("naive datetime: every instant in Yingshang is timezone-aware")
    return at.astimezone(TZ)


def local_date(at: dt.datetime | dt.date) -> dt.date:
    if isinstance(at, dt.datetime):
        return to_local(at).date()
    return at


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, DAY_END, TZ)


# --- the process-wide calendar, rebuilt when the stored calendar changes -----------------
_current: WorkCalendar | None = None
_version: int | None = None
_checked_at = 0.0
RECHECK_SECONDS = 5.0


def _load() -> tuple[WorkCalendar, int]:
    from django.db import DatabaseError

    from yingshang.workcal.models import CalendarDay, CalendarYear, WorkSchedule

    try:
        schedule_row = WorkSchedule.objects.filter(pk=1).first()
        days = list(CalendarDay.objects.values_list("date", "kind"))
        years = set(CalendarYear.objects.values_list("year", flat=True))
    except DatabaseError:  # tables not migrated yet (first migrate, checks)
        return WorkCalendar(), -1
    schedule = Schedule()
    version = 0
    warning = (0.2, 1)
    if schedule_row is not None:
        warning = (float(schedule_row.warning_ratio), int(schedule_row.warning_days))
        schedule = Schedule(
            schedule_row.morning_start,
            schedule_row.morning_end,
            schedule_row.afternoon_start,
            schedule_row.afternoon_end,
        )
        version = schedule_row.version
    holidays, provisional_years = provisional_holidays(years)
    for day, kind in days:  # a day stored for a year not yet entered overrides the law
        holidays.discard(day)
        if kind == "holiday":
            holidays.add(day)
    cal = WorkCalendar(
        holidays=holidays,
        makeup_workdays={d for d, k in days if k == "workday"},
        known_years=years,
        schedule=schedule,
        provisional_years=provisional_years,
    )
    cal.warning = warning  # clocks' warning thresholds: ratio of the limit, working days
    return cal, version


def provisional_holidays(known_years: set[int], today: dt.date | None = None):
    """The statutory holidays of the years from the law's first year up to HORIZON years past
    this year and the last entered year, except the entered ones: (dates, years)."""
    from yingshang.workcal import provisional

    this_year = (today or dt.datetime.now(TZ).date()).year
    last = min(max([this_year, *known_years]) + provisional.HORIZON, LAST_DATE.year)
    years = {y for y in range(provisional.FIRST_YEAR, last + 1) if y not in known_years}
    days: set[dt.date] = set()
    for year in years:
        days.update(provisional.statutory_holidays(year))
    return days, years


def _stored_version() -> int:
    from django.db import DatabaseError

    from yingshang.workcal.models import WorkSchedule

    try:
        return WorkSchedule.objects.filter(pk=1).values_list("version", flat=True).first() or 0
    except DatabaseError:
        return -1


def get_calendar() -> WorkCalendar:
    """The current calendar of this process. Its own changes apply at once (services call
    invalidate()); other processes' changes are picked up by refresh_if_stale(), which runs at
    the start of every request and every background task (workcal.apps), at most once per
    RECHECK_SECONDS — so the arithmetic itself never touches the database or the clock."""
    global _current, _version, _checked_at
    if _current is None:
        _current, _version = _load()
        _checked_at = time.monotonic()
    return _current


def refresh_if_stale(**_signal_kwargs) -> None:
    global _current, _version, _checked_at
    now = time.monotonic()
    if _current is None or now - _checked_at < RECHECK_SECONDS:
        return
    _checked_at = now
    if _stored_version() != _version:
        _current, _version = _load()


def invalidate() -> None:
    global _current, _checked_at
    _current = None
    _checked_at = 0.0


# --- module-level API (what every other module calls) ----------------------------------
def is_workday(d: dt.date) -> bool:
    return (_current or get_calendar()).is_workday(d)


def add_working_days(d: dt.date, n: int) -> dt.date:
    return (_current or get_calendar()).add_working_days(d, n)


def working_days_between(a: dt.date, b: dt.date) -> int:
    return (_current or get_calendar()).working_days_between(a, b)


def add_working_hours(at: dt.datetime, hours) -> dt.datetime:
    return (_current or get_calendar()).add_working_hours(at, hours)


def working_hours_between(a: dt.datetime, b: dt.datetime) -> float:
    return (_current or get_calendar()).working_hours_between(a, b)


def deadline(start: dt.datetime, amount, unit: str) -> Deadline:
    return (_current or get_calendar()).deadline(start, amount, unit)


def is_provisional(due: dt.datetime | dt.date | None) -> bool:
    return (_current or get_calendar()).is_provisional(due)


def missing_years(around: int | None = None) -> list[int]:
    """Years from this year to next year that have no entered arrangement (for the banner)."""
    this_year = dt.datetime.now(TZ).year if around is None else around
    known = get_calendar().known_years
    return [y for y in (this_year, this_year + 1) if y not in known]
