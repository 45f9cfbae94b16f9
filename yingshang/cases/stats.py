"""Statistics per unit, matter, package and period (DESIGN.md §5), starting from the user's scope,
with drill-down to the cases behind every number."""

import datetime as dt
import math
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingshang.audit.models import ReturnRecord
from yingshang.cases import rollup
from yingshang.cases.models import (
    OPEN_STATES,
    QUEUE_STATES,
    Case,
    CaseDayStats,
    CaseMonthStats,
    ClosureKind,
)
from yingshang.cases.selectors import QUEUE_FIELDS, received_in
from yingshang.credit.models import Commitment
from yingshang.org import scope
from yingshang.workcal import periods

GROUPS = {
    "unit": ("unit_id", "unit__name"),
    "matter": ("matter_id", "matter__name_cache"),
    "package": ("package_id", "package__name"),
}
GROUP_LABELS = {"unit": _("单位"), "matter": _("事项"), "package": _("一件事")}


def _date(value: str | None):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def period(params) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    since = _date(params.get("since")) or today.replace(month=1, day=1)
    until = _date(params.get("until")) or today
    return since, until


def stats_scope(grants) -> Q | None:
    """Which cases a user's statistics count, as a filter on the case's (or the rollup row's)
    unit and centre: everything for county-wide roles; otherwise the cases their department
    handles (lead unit) and the cases their service centre received. A subset of what
    `scope.visible_to` shows (a department also *sees* package cases where it only holds an
    approval task; those count for the lead unit)."""
    from yingshang.cases.scopes import DEPT
    from yingshang.org.models import Unit
    from yingshang.org.roles import Role

    if not grants.is_authenticated:
        return Q(pk__in=[])
    if grants.sees_all:
        if grants.reach is None:
            return None
        # a county's 营商办/领导 in a city deployment: that county's units (org.tenancy)
        return Q(unit_id__in=Unit.objects.filter(tenant__in=grants.reach).values("pk"))
    q = Q(pk__in=[])
    units = grants.units(*DEPT)
    if units:
        q |= Q(unit_id__in=units)
    centres = grants.units(Role.WINDOW_CLERK)
    if centres:
        q |= Q(centre_id__in=centres)
    return q


def base_queryset(user, params):
    since, until = period(params)
    qs = scope.visible_to(user, Case).filter(received_in(since, until))
    q = stats_scope(scope.grants(user) if user.is_authenticated else scope.AnonymousGrants())
    if q is not None:
        qs = qs.filter(q)
    return qs, since, until


def metric_filter(metric: str, now) -> Q:
    return {
        "cases": Q(),
        "decided": Q(decided_at__isnull=False),
        "on_time": Q(decided_at__isnull=False, late=False),
        "overdue": Q(late=True) | Q(status__in=OPEN_STATES, due_at__lt=now),
        "instant": Q(handling_kind="instant"),
        "one_visit": Q(visits__lte=1),
        "online": ~Q(channel="window"),
        "deficit": Q(has_deficit=True),
        "returns": Q(correction_count__gt=0)
        | Q(closure_kind__in=[ClosureKind.REJECTED_INTAKE, ClosureKind.WITHDRAWN]),
    }.get(metric, Q())


def _p90_of(histogram: dict[int, int]) -> float | None:
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(math.ceil(0.9 * total), 1)
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= rank:
            return float(days)
    return None


def report(user, params) -> dict:
    """One row per unit (or matter, package) over the cases received in the period, summed from
    the rollup (`yingshang.cases.rollup`, brought up to date first); open cases past their
    deadline are counted live."""
    group = params.get("group") if params.get("group") in GROUPS else "unit"
    key, _label = GROUPS[group]
    since, until = period(params)
    now = timezone.now()
    rollup.refresh()
    grants = scope.grants(user) if user.is_authenticated else scope.AnonymousGrants()
    where = stats_scope(grants)
    # whole months from the month rows, the days at either end from the day rows
    first_month = since if since.day == 1 else rollup.next_month(since)
    end_month = (
        rollup.next_month(until)
        if rollup.next_month(until) - dt.timedelta(days=1) == until
        else until.replace(day=1)
    )
    parts = []
    if first_month < end_month:
        parts.append(CaseMonthStats.objects.filter(month__gte=first_month, month__lt=end_month))
        parts.append(CaseDayStats.objects.filter(day__gte=since, day__lt=first_month))
        parts.append(CaseDayStats.objects.filter(day__gte=end_month, day__lte=until))
    else:
        parts.append(CaseDayStats.objects.filter(day__gte=since, day__lte=until))
    # sums per group and per working days used (for the P90)
    totals: dict = {}
    histograms: dict[int, dict[int, int]] = defaultdict(dict)
    for rows_qs in parts:
        if where is not None:
            rows_qs = rows_qs.filter(where)
        if group != "unit":
            rows_qs = rows_qs.filter(**{f"{key}__isnull": False})
        for r in (
            rows_qs.values(key, "used")
            .annotate(**{f"t_{k}": Sum(k) for k in rollup.COUNTS})
            .order_by()
        ):
            t = totals.setdefault(
                r[key], dict.fromkeys((*rollup.COUNTS, "n_used", "legal_used"), 0)
            )
            for k in rollup.COUNTS:
                t[k] += r[f"t_{k}"] or 0
            if r["used"] is not None:
                t["n_used"] += r["t_cases"]
                t["legal_used"] += r["t_legal_sum"] or 0
                h = histograms[r[key]]
                h[r["used"]] = h.get(r["used"], 0) + r["t_cases"]
    bounds = periods.Period("range", since, until)
    cases_in_period = Case.objects.filter(received_in(since, until))
    if where is not None:
        cases_in_period = cases_in_period.filter(where)
    overdue_open = dict(
        cases_in_period.filter(status__in=QUEUE_STATES, due_at__lt=now)
        .values_list(key)
        .annotate(n=Count("id"))
        .values_list(key, "n")
        .order_by()
    )
    ordered = sorted(totals, key=lambda gid: (-totals[gid]["cases"], gid or 0))[:200]
    names = _names(group, ordered)
    kept = dict(
        Commitment.objects.filter(
            kind=Commitment.Kind.DEFICIT,
            status=Commitment.Status.KEPT,
            case__in=cases_in_period.values("pk"),
        )
        .values_list(f"case__{key}")
        .annotate(n=Count("id"))
        .values_list(f"case__{key}", "n")
    )
    suspicious = {}
    if group == "unit":
        suspicious = dict(
            ReturnRecord.objects.filter(
                object_type="cases.case",
                unit_id__in=ordered,
                working_days_left__lte=1,
                at__gte=bounds.start,
                at__lt=bounds.end,
            )
            .values_list("unit_id")
            .annotate(n=Count("id"))
            .values_list("unit_id", "n")
        )
    out = []
    for gid in ordered:
        r = totals[gid]
        n = r["cases"] or 1
        n_used = r["n_used"] or 0
        avg_used = sum(days * k for days, k in histograms[gid].items()) / n_used if n_used else None
        avg_legal = r["legal_used"] / n_used if n_used else None
        out.append(
            {
                "id": gid,
                "name": names.get(gid) or "—",
                "cases": r["cases"],
                "decided": r["decided"],
                "on_time_rate": (r["on_time"] / r["decided"] * 100) if r["decided"] else None,
                "overdue": r["late"] + overdue_open.get(gid, 0),
                "instant_share": r["instant"] / n * 100,
                "one_visit_share": r["one_visit"] / n * 100,
                "online_share": r["online"] / n * 100,
                "deficit": r["deficit"],
                "kept": kept.get(gid, 0),
                "avg_used": avg_used,
                "p90_used": _p90_of(histograms[gid]),
                "avg_legal": avg_legal,
                "compression": (1 - avg_used / avg_legal) * 100
                if avg_used is not None and avg_legal
                else None,
                "returns": r["returns"],
                "suspicious": suspicious.get(gid, 0),
            }
        )
    state = rollup.state()
    return {
        "rows": out,
        "group": group,
        "group_label": GROUP_LABELS[group],
        "groups": GROUP_LABELS,
        "since": since,
        "until": until,
        "as_of": state.refreshed_at if state else None,
    }


def _names(group: str, ids: list) -> dict:
    from yingshang.catalog.models import Matter, Package
    from yingshang.org.models import Unit

    model, field = {
        "unit": (Unit, "name"),
        "matter": (Matter, "name_cache"),
        "package": (Package, "name"),
    }[group]
    return dict(model.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", field))


def drill_down(user, params):
    group = params.get("group") if params.get("group") in GROUPS else "unit"
    key, _label = GROUPS[group]
    qs, _s, _u = base_queryset(user, params)
    if params.get("id", "").isdigit():
        qs = qs.filter(**{key: int(params["id"])})
    return (
        qs.filter(metric_filter(params.get("metric", "cases"), timezone.now()))
        .select_related("unit")
        .only(*QUEUE_FIELDS)
        .order_by("-received_at", "-id")
    )
