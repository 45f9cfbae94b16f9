"""Reads of the assessment, always from the user's scope: snapshot lists, a snapshot shaped for
its page and documents (figures with their drill-down links, trend against the period before,
charts), and the lists."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from yingshang.assessment import registry
from yingshang.assessment.models import Adjustment, Finding, Listing, Scheme, Snapshot
from yingshang.org import scope
from yingshang.workcal import periods


def snapshots(user):
    return (
        scope.visible_to(user, Snapshot)
        .select_related("scheme")
        .order_by("-period_first", "period_kind", "-version")
    )


def latest_published(user, kind: str = "month") -> Snapshot | None:
    return (
        scope.visible_to(user, Snapshot)
        .filter(period_kind=kind, status=Snapshot.Status.PUBLISHED)
        .order_by("-period_first", "-version")
        .first()
    )


def schemes(user):
    return scope.visible_to(user, Scheme).prefetch_related("metrics", "groups")


def adjustments(user, params=None):
    qs = scope.visible_to(user, Adjustment).select_related("unit", "created_by")
    params = params or {}
    if params.get("status") in Adjustment.Status.values:
        qs = qs.filter(status=params["status"])
    return qs


def listings(user, params=None):
    qs = scope.visible_to(user, Listing).select_related("unit", "snapshot")
    params = params or {}
    if params.get("kind") in Listing.Kind.values:
        qs = qs.filter(kind=params["kind"])
    if params.get("status") in Listing.Status.values:
        qs = qs.filter(status=params["status"])
    return qs.order_by("-snapshot__period_first", "kind", "id")


def period_of(snapshot: Snapshot) -> periods.Period:
    return periods.Period(snapshot.period_kind, snapshot.period_first, snapshot.period_last)


def _previous_ranks(user, snapshot: Snapshot) -> dict:
    before = period_of(snapshot).previous()
    prev = (
        scope.visible_to(user, Snapshot)
        .filter(period_kind=before.kind, period_key=before.key, status=Snapshot.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if prev is None:
        return {}
    return {
        (g["name"], r["unit_id"]): r["rank"]
        for g in prev.results.get("groups", [])
        for r in g["rows"]
    }


def fmt(value, kind: str = "rate") -> str:
    if value is None:
        return "—"
    if kind == "rate":
        return f"{float(value):.2f}%"
    if kind == "count":
        return str(int(float(value)))
    return f"{float(value):.2f}"


def shaped(user, snapshot: Snapshot) -> dict:
    """The snapshot's results with display values, drill-down links and trend arrows."""
    results = snapshot.results or {}
    period = period_of(snapshot)
    known = registry.discover()
    prev = _previous_ranks(user, snapshot)
    groups = []
    for index, g in enumerate(results.get("groups", []), start=1):
        rows = []
        for r in g["rows"]:
            cells = []
            for m in results.get("metrics", []):
                c = r["metrics"].get(m["code"], {})
                plugin = known.get(m["code"])
                drill = plugin.drill if plugin and plugin.drill else None
                cells.append(
                    {
                        "code": m["code"],
                        "label": m["label"],
                        "text": fmt(c.get("value"), m.get("kind", "rate")),
                        "num": c.get("num"),
                        "den": c.get("den"),
                        "sample": c.get("sample"),
                        "points": c.get("points"),
                        "insufficient": c.get("insufficient"),
                        "url": drill(r["unit_id"], period, "denominator") if drill else "",
                        "num_url": drill(r["unit_id"], period, "numerator") if drill else "",
                    }
                )
            before = prev.get((g["name"], r["unit_id"]))
            trend = ""
            if before is not None and r["rank"] is not None:
                trend = "up" if r["rank"] < before else "down" if r["rank"] > before else "same"
            rows.append(
                {
                    **r,
                    "cells": cells,
                    "trend": trend,
                    "rank_before": before,
                    "is_top": r["unit_id"] in g.get("top", []),
                    "is_last": r["unit_id"] in g.get("last", []),
                }
            )
        groups.append({**g, "rows": rows, "chart": chart(g), "chart_id": f"chart-{index}"})
    return {
        "period": results.get("period", {}),
        "scheme": results.get("scheme", {}),
        "metrics": results.get("metrics", []),
        "groups": groups,
    }


def unit_history(user, unit_id: int, kind: str = "month", limit: int = 12) -> list[dict]:
    """The unit's place and figures in the published rankings of `kind`, oldest first (the
    latest version of each period)."""
    seen, out = set(), []
    qs = snapshots(user).filter(period_kind=kind, status=Snapshot.Status.PUBLISHED)
    for s in qs.order_by("-period_first", "-version")[: limit * 3]:
        if s.period_key in seen:
            continue
        seen.add(s.period_key)
        for g in s.results.get("groups", []):
            row = next((r for r in g["rows"] if r["unit_id"] == unit_id), None)
            if row is not None:
                out.append(
                    {
                        "snapshot": s,
                        "label": s.results["period"]["label"],
                        "group": g["name"],
                        "of": sum(1 for r in g["rows"] if r["rank"] is not None),
                        "row": row,
                        "metrics": s.results.get("metrics", []),
                    }
                )
                break
        if len(out) >= limit:
            break
    return out[::-1]


def history_chart(history: list[dict]) -> dict:
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("得分"), _("名次")]},
        "xAxis": {"type": "category", "data": [h["label"] for h in history]},
        "yAxis": [
            {"type": "value", "name": _("得分")},
            {"type": "value", "name": _("名次"), "inverse": True, "minInterval": 1},
        ],
        "series": [
            {
                "name": _("得分"),
                "type": "line",
                "data": [
                    None if h["row"]["score"] is None else float(h["row"]["score"]) for h in history
                ],
            },
            {
                "name": _("名次"),
                "type": "line",
                "yAxisIndex": 1,
                "data": [h["row"]["rank"] for h in history],
            },
        ],
    }


def chart(group: dict) -> dict:
    """ECharts option: ranked units' scores as horizontal bars (best on top)."""
    ranked = [r for r in group["rows"] if r["rank"] is not None][::-1]
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 120, "right": 40, "top": 10, "bottom": 20},
        "xAxis": {"type": "value", "name": _("得分")},
        "yAxis": {"type": "category", "data": [r["unit_name"] for r in ranked]},
        "series": [
            {
                "type": "bar",
                "data": [float(r["score"]) for r in ranked],
                "label": {"show": True, "position": "right"},
            }
        ],
    }


def listing_counts(snapshot: Snapshot) -> dict:
    out = {k: [] for k in Listing.Kind.values}
    for listing in snapshot.listings.select_related("unit").order_by("id"):
        out[listing.kind].append(listing)
    return out


def detail_url(snapshot: Snapshot) -> str:
    return reverse("assessment:snapshot", args=[snapshot.pk])


def shaped_public(snapshot: Snapshot) -> dict:
    """What the portal shows of a public ranking: units, places, scores and figures — no links
    into the staff pages, no bonus/penalty reasons."""
    results = snapshot.results or {}
    metrics = results.get("metrics", [])
    groups = []
    for index, g in enumerate(results.get("groups", []), start=1):
        rows = [
            {
                "rank": r["rank"],
                "unit_name": r["unit_name"],
                "score": r["score"],
                "insufficient": r["insufficient"],
                "cells": [
                    fmt(r["metrics"].get(m["code"], {}).get("value"), m.get("kind", "rate"))
                    for m in metrics
                ],
            }
            for r in g["rows"]
        ]
        groups.append(
            {"name": g["name"], "rows": rows, "chart": chart(g), "chart_id": f"chart-{index}"}
        )
    return {"period": results.get("period", {}), "metrics": metrics, "groups": groups}


def _day(raw) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(raw or ""))
    except ValueError:
        return None


def findings(user, params):
    """Findings in `user`'s scope, filtered as the ranking's drill-down asks (unit, dates)."""
    qs = scope.visible_to(user, Finding).select_related("unit", "visit", "problem")
    if str(params.get("unit", "")).isdigit():
        qs = qs.filter(unit_id=int(params["unit"]))
    if params.get("status") in Finding.Status.values:
        qs = qs.filter(status=params["status"])
    elif params.get("start") or params.get("end"):
        qs = qs.filter(status=Finding.Status.CONFIRMED)  # what the metric counts
    if _day(params.get("start")):
        qs = qs.filter(occurred_on__gte=_day(params["start"]))
    if _day(params.get("end")):
        qs = qs.filter(occurred_on__lte=_day(params["end"]))
    return qs.order_by("-occurred_on", "-id")
