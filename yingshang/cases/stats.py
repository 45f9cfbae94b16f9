"""Statistics per unit, matter, package and period (DESIGN.md §5), starting from the user's scope,
with drill-down to the cases behind every number."""

import datetime as dt
import math
from collections import defaultdict

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingshang.audit.models import ReturnRecord
from yingshang.cases.models import OPEN_STATES, Case, ClosureKind
from yingshang.credit.models import Commitment
from yingshang.org import scope
from yingshang.workcal import calendar

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


def base_queryset(user, params):
    since, until = period(params)
    qs = scope.visible_to(user, Case).filter(
        received_at__gt=calendar.end_of_day(since - dt.timedelta(days=1)),
        received_at__lte=calendar.end_of_day(until),
    )
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


def _p90(values: list[int]) -> float | None:
    if not values:
        return None
    values.sort()
    return float(values[max(math.ceil(0.9 * len(values)) - 1, 0)])


def report(user, params) -> dict:
    group = params.get("group") if params.get("group") in GROUPS else "unit"
    key, label = GROUPS[group]
    qs, since, until = base_queryset(user, params)
    now = timezone.now()
    if group != "unit":
        qs = qs.filter(**{f"{key}__isnull": False})
    agg = {
        "cases": Count("id"),
        "decided": Count("id", filter=metric_filter("decided", now)),
        "on_time": Count("id", filter=metric_filter("on_time", now)),
        "overdue": Count("id", filter=metric_filter("overdue", now)),
        "instant": Count("id", filter=metric_filter("instant", now)),
        "one_visit": Count("id", filter=metric_filter("one_visit", now)),
        "online": Count("id", filter=metric_filter("online", now)),
        "deficit": Count("id", filter=metric_filter("deficit", now)),
        "returns": Count("id", filter=metric_filter("returns", now)),
        "avg_used": Avg("working_days_used"),
        "avg_legal": Avg("legal_limit_days", filter=Q(working_days_used__isnull=False)),
    }
    rows = list(qs.values(key, label).annotate(**agg).order_by("-cases")[:200])
    ids = [r[key] for r in rows]
    used = defaultdict(list)
    for gid, days in (
        qs.filter(**{f"{key}__in": ids}, working_days_used__isnull=False)
        .values_list(key, "working_days_used")
        .iterator()
    ):
        used[gid].append(days)
    kept = dict(
        Commitment.objects.filter(
            kind=Commitment.Kind.DEFICIT, status=Commitment.Status.KEPT, case__in=qs.values("pk")
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
                unit_id__in=ids,
                working_days_left__lte=1,
                at__gt=calendar.end_of_day(since - dt.timedelta(days=1)),
                at__lte=calendar.end_of_day(until),
            )
            .values_list("unit_id")
            .annotate(n=Count("id"))
            .values_list("unit_id", "n")
        )
    out = []
    for r in rows:
        n = r["cases"] or 1
        out.append(
            {
                "id": r[key],
                "name": r[label] or "—",
                "cases": r["cases"],
                "decided": r["decided"],
                "on_time_rate": (r["on_time"] / r["decided"] * 100) if r["decided"] else None,
                "overdue": r["overdue"],
                "instant_share": r["instant"] / n * 100,
                "one_visit_share": r["one_visit"] / n * 100,
                "online_share": r["online"] / n * 100,
                "deficit": r["deficit"],
                "kept": kept.get(r[key], 0),
                "avg_used": r["avg_used"],
                "p90_used": _p90(used.get(r[key], [])),
                "avg_legal": r["avg_legal"],
                "compression": (1 - r["avg_used"] / r["avg_legal"]) * 100
                if r["avg_used"] is not None and r["avg_legal"]
                else None,
                "returns": r["returns"],
                "suspicious": suspicious.get(r[key], 0),
            }
        )
    return {
        "rows": out,
        "group": group,
        "group_label": GROUP_LABELS[group],
        "groups": GROUP_LABELS,
        "since": since,
        "until": until,
    }


def drill_down(user, params):
    group = params.get("group") if params.get("group") in GROUPS else "unit"
    key, _label = GROUPS[group]
    qs, _s, _u = base_queryset(user, params)
    if params.get("id", "").isdigit():
        qs = qs.filter(**{key: int(params["id"])})
    return (
        qs.filter(metric_filter(params.get("metric", "cases"), timezone.now()))
        .select_related("unit")
        .order_by("-received_at", "-id")
    )
