"""Writes to the working calendar: entering a year, editing a day, working hours."""

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.errors import DomainError
from yingshang.org.roles import Role
from yingshang.org.scope import grants
from yingshang.workcal import calendar, recompute
from yingshang.workcal.models import CalendarDay, CalendarYear, WorkSchedule

_KIND_WORDS = {
    "holiday": CalendarDay.Kind.HOLIDAY,
    "休": CalendarDay.Kind.HOLIDAY,
    "假": CalendarDay.Kind.HOLIDAY,
    "休息": CalendarDay.Kind.HOLIDAY,
    "放假": CalendarDay.Kind.HOLIDAY,
    "workday": CalendarDay.Kind.WORKDAY,
    "班": CalendarDay.Kind.WORKDAY,
    "上班": CalendarDay.Kind.WORKDAY,
    "调休上班": CalendarDay.Kind.WORKDAY,
    "补班": CalendarDay.Kind.WORKDAY,
}
_LINE = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s+(\S+)\s*(.*?)\s*$")


@dataclass(frozen=True)
class Entry:
    date: dt.date
    kind: str
    name: str


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


def _require_admin(actor) -> None:
    if not grants(actor).has(Role.ADMIN):
        raise DomainError("CALENDAR_FORBIDDEN", _("只有系统管理员可以维护工作日历"), status=403)


def parse_year_text(year: int, text: str) -> tuple[list[Entry], list[LineError]]:
    """Parse lines of "2027-01-01 休 元旦" / "2027-02-07 班 春节调休". Blank lines and lines
    starting with # are ignored. Returns the entries and every error found (never a partial
    result that could be saved)."""
    entries: list[Entry] = []
    errors: list[LineError] = []
    seen: dict[dt.date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            errors.append(
                LineError(number, _("格式应为“日期 类型 名称”，例如“2027-01-01 休 元旦”"))
            )
            continue
        y, m, d, kind_word, name = match.groups()
        try:
            day = dt.date(int(y), int(m), int(d))
        except ValueError:
            errors.append(LineError(number, _("日期 %(text)s 不存在") % {"text": f"{y}-{m}-{d}"}))
            continue
        kind = _KIND_WORDS.get(kind_word.lower())
        if kind is None:
            errors.append(LineError(number, _("类型应为“休”或“班”（holiday / workday）")))
            continue
        if day.year != year:
            errors.append(
                LineError(number, _("%(day)s 不属于 %(year)s 年") % {"day": day, "year": year})
            )
            continue
        if day in seen:
            errors.append(
                LineError(
                    number, _("%(day)s 与第 %(line)s 行重复") % {"day": day, "line": seen[day]}
                )
            )
            continue
        if kind == CalendarDay.Kind.WORKDAY and day.weekday() < 5:
            errors.append(
                LineError(
                    number, _("%(day)s 是工作日（周一至周五），不能设为调休上班") % {"day": day}
                )
            )
            continue
        seen[day] = number
        entries.append(Entry(day, kind, name[:40]))
    return entries, errors


def _bump_version() -> None:
    WorkSchedule.objects.get_or_create(pk=1)
    WorkSchedule.objects.filter(pk=1).update(version=F("version") + 1)
    transaction.on_commit(calendar.invalidate)
    calendar.invalidate()


@transaction.atomic
def calendar_enter_year(*, actor, year: int, text: str, source: str = "") -> CalendarYear:
    _require_admin(actor)
    if CalendarYear.objects.filter(year=year).exists():
        raise DomainError(
            "CALENDAR_YEAR_EXISTS", _("%(year)s 年的工作日历已经录入，请逐日修改") % {"year": year}
        )
    entries, errors = parse_year_text(year, text)
    if errors:
        raise DomainError(
            "CALENDAR_IMPORT_INVALID",
            _("导入内容有 %(n)s 处错误，未保存任何内容") % {"n": len(errors)},
            details={"errors": [{"line": e.line, "message": e.message} for e in errors]},
            status=400,
        )
    if not entries:
        raise DomainError("CALENDAR_IMPORT_EMPTY", _("没有可导入的日期"), status=400)
    if CalendarDay.objects.filter(date__year=year).exists():
        raise DomainError(
            "CALENDAR_YEAR_EXISTS", _("%(year)s 年已有单独录入的日期，请逐日修改") % {"year": year}
        )
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=e.date, kind=e.kind, name=e.name) for e in entries]
    )
    row = CalendarYear.objects.create(year=year, source=source[:120], entered_by=actor)
    audit.record(
        actor=actor,
        role=Role.ADMIN,
        action="calendar.enter_year",
        obj=row,
        after={
            "year": year,
            "holidays": sum(e.kind == "holiday" for e in entries),
            "workdays": sum(e.kind == "workday" for e in entries),
        },
        reason=source,
    )
    _bump_version()
    recompute.recompute_incomplete(actor=actor, years=[year])
    return row


@transaction.atomic
def calendar_set_day(
    *, actor, day: dt.date, kind: str | None, name: str = "", reason: str
) -> CalendarDay:
    """Make `day` a holiday or make-up working day, or (kind=None) restore the weekday rule."""
    _require_admin(actor)
    if not reason.strip():
        raise DomainError("REASON_REQUIRED", _("请填写修改原因"), status=400)
    if kind == CalendarDay.Kind.WORKDAY and day.weekday() < 5:
        raise DomainError(
            "CALENDAR_NOT_WEEKEND",
            _("%(day)s 是周一至周五，不能设为调休上班") % {"day": day},
            status=400,
        )
    existing = CalendarDay.objects.select_for_update().filter(date=day).first()
    before = {"kind": existing.kind if existing else "", "name": existing.name if existing else ""}
    # Restoring the weekday rule keeps the row as kind "normal": nothing is deleted.
    row, _created = CalendarDay.objects.update_or_create(
        date=day, defaults={"kind": kind or CalendarDay.Kind.NORMAL, "name": name[:40]}
    )
    audit.record(
        actor=actor,
        role=Role.ADMIN,
        action="calendar.set_day",
        object_type="workcal.calendarday",
        object_id=day.isoformat(),
        before=before,
        after={"kind": kind or "", "name": name if kind else ""},
        reason=reason,
    )
    _bump_version()
    recompute.recompute_open(
        actor=actor,
        first=day,
        last=day,
        reason=_("修改 %(day)s 的工作日历后重算：%(reason)s") % {"day": day, "reason": reason},
        detail={"day": day.isoformat()},
    )
    return row


@transaction.atomic
def schedule_update(*, actor, reason: str, **fields) -> WorkSchedule:
    _require_admin(actor)
    row, _c = WorkSchedule.objects.select_for_update().get_or_create(pk=1)
    before = {k: getattr(row, k) for k in fields}
    for key, value in fields.items():
        setattr(row, key, value)
    if not (row.morning_start < row.morning_end <= row.afternoon_start < row.afternoon_end):
        raise DomainError("SCHEDULE_INVALID", _("上下班时间顺序不正确"), status=400)
    row.save()
    audit.record(
        actor=actor,
        role=Role.ADMIN,
        action="calendar.schedule",
        obj=row,
        before=before,
        after=fields,
        reason=reason,
    )
    _bump_version()
    return row
