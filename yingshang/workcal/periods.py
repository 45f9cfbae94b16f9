"""Reporting periods: day, week, month, quarter and year, as local (Asia/Shanghai) days and the
aware instants that bound them. Every statistic, ranking and report takes its period from here.

    p = periods.parse("2026-11")         # Period(kind="month", first=2026-11-01, last=2026-11-30)
    qs.filter(created_at__gte=p.start, created_at__lt=p.end)
    periods.current("quarter").previous()

Keys: "2026-11-30" (day), "2026-W48" (ISO week, Monday first), "2026-11" (month), "2026-Q4"
(quarter), "2026" (year). A custom range (`between`) has kind "range" and key "first~last".
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang.workcal.calendar import TZ

KINDS = ("day", "week", "month", "quarter", "year")
MAX_RANGE_DAYS = 731  # a custom statistics range: at most two years


@dataclass(frozen=True)
class Period:
    kind: str
    first: dt.date  # first local day
    last: dt.date  # last local day (inclusive)

    @property
    def start(self) -> dt.datetime:
        """00:00 local of the first day (inclusive)."""
        return dt.datetime.combine(self.first, dt.time.min, tzinfo=TZ)

    @property
    def end(self) -> dt.datetime:
        """00:00 local of the day after the last day (exclusive)."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min, tzinfo=TZ)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def key(self) -> str:
        f = self.first
        if self.kind == "day":
            return f.isoformat()
        if self.kind == "week":
            year, week, _day = f.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{f.year}-{f.month:02d}"
        if self.kind == "quarter":
            return f"{f.year}-Q{(f.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(f.year)
        return f"{self.first.isoformat()}~{self.last.isoformat()}"

    @property
    def label(self) -> str:
        f = self.first
        if self.kind == "day":
            return _("%(y)d年%(m)d月%(d)d日") % {"y": f.year, "m": f.month, "d": f.day}
        if self.kind == "week":
            year, week, _day = f.isocalendar()
            return _("%(y)d年第%(w)d周") % {"y": year, "w": week}
        if self.kind == "month":
            return _("%(y)d年%(m)d月") % {"y": f.year, "m": f.month}
        if self.kind == "quarter":
            return _("%(y)d年第%(q)d季度") % {"y": f.year, "q": (f.month - 1) // 3 + 1}
        if self.kind == "year":
            return _("%(y)d年") % {"y": f.year}
        return f"{self.first.isoformat()} — {self.last.isoformat()}"

    def contains(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def next(self) -> "Period":
        return period_of(self.kind, self.last + dt.timedelta(days=1))

    def previous(self) -> "Period":
        return period_of(self.kind, self.first - dt.timedelta(days=1))


def period_of(kind: str, day: dt.date) -> Period:
    """The `kind` period that contains local day `day`."""
    if kind == "day":
        return Period(kind, day, day)
    if kind == "week":
        first = day - dt.timedelta(days=day.weekday())
        return Period(kind, first, first + dt.timedelta(days=6))
    if kind == "month":
        first = day.replace(day=1)
        return Period(kind, first, _month_after(first) - dt.timedelta(days=1))
    if kind == "quarter":
        first = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        last = _month_after(_month_after(_month_after(first))) - dt.timedelta(days=1)
        return Period(kind, first, last)
    if kind == "year":
        return Period(kind, dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    raise ValueError(f"unknown period kind {kind!r}")


def _month_after(first: dt.date) -> dt.date:
    return dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def today() -> dt.date:
    return timezone.localdate(timezone=TZ)


def current(kind: str, *, at: dt.datetime | None = None) -> Period:
    day = timezone.localtime(at, TZ).date() if at is not None else today()
    return period_of(kind, day)


_KEYS = [
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "day"),
    (re.compile(r"^(\d{4})-W(\d{1,2})$"), "week"),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})$"), "year"),
]


def parse(key: str) -> Period:
    """The period a key names; ValueError for anything else (callers fall back or refuse)."""
    key = (key or "").strip()
    for pattern, kind in _KEYS:
        m = pattern.match(key)
        if not m:
            continue
        nums = [int(g) for g in m.groups()]
        if not 1900 <= nums[0] <= 2999:
            break
        if kind == "day":
            return period_of(kind, dt.date(*nums))
        if kind == "week":
            return period_of(kind, dt.date.fromisocalendar(nums[0], nums[1], 1))
        if kind == "month":
            return period_of(kind, dt.date(nums[0], nums[1], 1))
        if kind == "quarter":
            return period_of(kind, dt.date(nums[0], (nums[1] - 1) * 3 + 1, 1))
        return period_of(kind, dt.date(nums[0], 1, 1))
    raise ValueError(f"not a period key: {key!r}")


def parse_or_current(key: str | None, kind: str = "month") -> Period:
    """The period a request asked for, or the current `kind` period when missing or malformed."""
    try:
        return parse(key or "")
    except ValueError:
        return current(kind)


def between(first: dt.date, last: dt.date) -> Period:
    """A custom range of local days; ValueError when reversed or longer than MAX_RANGE_DAYS."""
    if last < first or (last - first).days > MAX_RANGE_DAYS:
        raise ValueError("range reversed or too long")
    return Period("range", first, last)


def recent(kind: str, count: int, *, at: dt.datetime | None = None) -> list[Period]:
    """The last `count` periods of `kind`, oldest first, ending with the current one."""
    out = [current(kind, at=at)]
    while len(out) < count:
        out.append(out[-1].previous())
    return out[::-1]
