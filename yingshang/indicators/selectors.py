"""Reads of the evaluation pages: every list starts from scope.visible_to."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from yingshang.errors import DomainError
from yingshang.indicators import scoring
from yingshang.indicators.models import Period, Site, Tree, UnitTask, Value
from yingshang.indicators.scopes import UNIT_WORK_ROLES
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.workcal import calendar
from yingshang.workcal.periods import period_of as periods_of


def trees(user):
    return scope.visible_to(user, Tree).order_by("-year", "-version")


def periods(user):
    return scope.visible_to(user, Period).select_related("tree").order_by("-starts_on", "-id")


def period_from(user, key: str | None) -> Period | None:
    qs = periods(user)
    if key:
        return qs.filter(code=key).first() or (qs.filter(pk=key).first() if key.isdigit() else None)
    return qs.first()


def result(user, period: Period, *, detail: bool = False) -> scoring.Result:
    """The scored tree of the period from the values the user may see (approved ones are
    visible to every reader, so everybody sees the same scores); `detail`: with each site's
    score (scoring.compute)."""
    values = scope.visible_to(user, Value).filter(period=period)
    return scoring.compute(period, list(values), detail=detail)


def week_due(today: dt.date | None = None) -> dt.date:
    """The weekly update of a 指标长 is due on the last working day of the week."""
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    work = [d for d in days if calendar.is_workday(d)]
    return work[-1] if work else days[4]


def lead_units(user, unit_key: str | None = None):
    """The units whose page the user may open: their own units; the 营商办 and leaders any."""
    g = scope.grants(user)
    qs = scope.visible_to(user, Unit).filter(is_active=True).exclude(kind=Unit.Kind.SECTION)
    if not g.sees_all:
        qs = qs.filter(pk__in=g.units(*UNIT_WORK_ROLES))
    return qs.order_by("sort_order", "id")


def lead_rows(user, period: Period, unit: Unit, res: scoring.Result):
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    rows = []
    for n in res.leaves():
        if n.indicator.lead_unit_id != unit.pk:
            continue
        v = n.value
        touched = v is not None and v.entered_at and calendar.local_date(v.entered_at) >= monday
        rows.append({"node": n, "value": v, "updated_this_week": bool(touched)})
    rows.sort(key=lambda r: (-(r["node"].recoverable or 0), r["node"].indicator.sort_order))
    return rows


def trend(user, value: Value) -> list[dict]:
    """The approved values of the same indicator (by code, across the years' trees) in every
    period, oldest first, each scored with its own year's bounds."""
    rows = []
    qs = (
        scope.visible_to(user, Value)
        .filter(indicator__code=value.indicator.code, status=Value.Status.APPROVED)
        .select_related("indicator", "period")
        .order_by("period__starts_on", "period_id")
    )
    for v in qs:
        try:
            score = scoring.value_score(v)
        except DomainError:  # bounds broken in an old tree: shown without a score
            score = None
        rows.append({"period": v.period, "value": v.value, "score": score, "pk": v.pk})
    return rows


def last_year(user, value: Value) -> Value | None:
    """The same indicator's approved value in the last period of the previous year's tree."""
    return (
        scope.visible_to(user, Value)
        .filter(
            indicator__code=value.indicator.code,
            period__tree__year=value.period.tree.year - 1,
            status=Value.Status.APPROVED,
        )
        .order_by("-period__ends_on")
        .first()
    )


def trend_chart(rows: list[dict], threshold) -> dict:
    from django.utils.translation import gettext as _

    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 20, "top": 30, "bottom": 30},
        "xAxis": {"type": "category", "data": [r["period"].name for r in rows]},
        "yAxis": {"type": "value", "min": 0, "max": 100},
        "series": [
            {
                "type": "line",
                "name": _("得分"),
                "data": [None if r["score"] is None else float(round(r["score"], 2)) for r in rows],
                "markLine": {"data": [{"yAxis": float(threshold), "name": _("预警线")}]},
            }
        ],
    }


@dataclass
class DispatchRow:
    """One 指标长 (lead unit) in the weekly dispatch view."""

    unit: Unit
    task: UnitTask | None
    leaves: int = 0
    counts: dict = field(default_factory=dict)
    returned: list = field(default_factory=list)
    moved_this_week: int = 0


def dispatch(user, period: Period, day: dt.date | None = None) -> list[DispatchRow]:
    """The week of `day` for each lead unit the user may see: its task and clock, its leaves by
    state, the returned ones (with reasons) and how many of its values moved this week."""
    day = day or timezone.localdate()
    week = periods_of("week", day)
    units = {u.pk: u for u in lead_units(user)}
    tasks = {
        t.unit_id: t for t in scope.visible_to(user, UnitTask).filter(period=period, unit__in=units)
    }
    rows: dict[int, DispatchRow] = {}
    values = (
        scope.visible_to(user, Value)
        .filter(period=period, indicator__lead_unit__in=units)
        .select_related("indicator")
        .order_by("indicator__sort_order")
    )
    for v in values:
        uid = v.indicator.lead_unit_id
        row = rows.get(uid) or rows.setdefault(uid, DispatchRow(units[uid], tasks.get(uid)))
        row.leaves += 1
        row.counts[v.status] = row.counts.get(v.status, 0) + 1
        if v.status == Value.Status.RETURNED:
            row.returned.append(v)
        stamps = [s for s in (v.entered_at, v.submitted_at, v.reviewed_at) if s]
        if any(week.start <= s < week.end for s in stamps):
            row.moved_this_week += 1
    return sorted(
        rows.values(),
        key=lambda r: (
            not (r.task and r.task.overdue and not r.task.submitted_at),
            r.task.due_at if r.task and r.task.due_at else timezone.now(),
            r.unit.sort_order,
        ),
    )


def site_rows(value: Value) -> list[dict]:
    """The sites of a site-measured value: each active site (and any site it has a number for),
    its weight (as entered, else the site's current one), number and score."""
    saved = {sv.site_id: sv for sv in value.site_values.select_related("site")}
    sites = {s.pk: s for s in Site.objects.filter(is_active=True)}
    sites.update({pk: sv.site for pk, sv in saved.items()})
    ind = value.indicator
    rows = []
    for site in sorted(sites.values(), key=lambda s: s.code):
        sv = saved.get(site.pk)
        number = sv.number if sv else None
        try:
            score = (
                None
                if number is None
                else scoring.leaf_score(number, ind.best, ind.worst, ind.transform, ind.exponent)
            )
        except DomainError:
            score = None
        rows.append(
            {
                "site": site,
                "weight": sv.weight if sv else site.weight,
                "number": number,
                "score": score,
            }
        )
    return rows
