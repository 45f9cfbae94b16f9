"""The leaders' dashboard: read from a published ranking (precomputed, frozen), so it answers in
milliseconds whatever the volume. A heat map of the units of one group × the scheme's metrics
(each cell the metric's normalised points, 0–100, and a link to the records behind the figure)
and a radar of one unit's points against the group's average, beside the ranking with its trend
arrows and the counts waiting for the leaders (lists to follow up, findings, exposures)."""

from decimal import Decimal

from django.core.cache import caches
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from yingshang.assessment import selectors
from yingshang.assessment.models import Exposure, Finding, Listing, Snapshot
from yingshang.org import scope
from yingshang.processcache import TTLCache

FRAGMENT_SECONDS = 3600


def pick(user, params) -> Snapshot | None:
    # the results are read only when the charts are not rendered yet (body_html)
    qs = selectors.snapshots(user).filter(status=Snapshot.Status.PUBLISHED).defer("results", "diff")
    raw = str(params.get("snapshot", ""))
    if raw.isdigit():
        return qs.filter(pk=int(raw)).first()
    kind = (
        params.get("kind")
        if params.get("kind") in ("week", "month", "quarter", "year")
        else "month"
    )
    return qs.filter(period_kind=kind).order_by("-period_first", "-version").first()


def _num(points) -> float | None:
    return None if points is None else float(Decimal(str(points)))


def heat(group: dict, metrics: list[dict]) -> dict:
    """ECharts heat-map option: x = metrics, y = units (best on top); a cell's `url` is the
    drill-down of its figure (site.js follows `params.data.url` on click)."""
    rows = group["rows"][::-1]  # the y axis runs upwards
    data = []
    for y, r in enumerate(rows):
        for x, c in enumerate(r["cells"]):
            value = _num(c["points"]) if not c["insufficient"] else None
            data.append({"value": [x, y, value if value is not None else "-"], "url": c["url"]})
    return {
        "tooltip": {"position": "top"},
        "grid": {"left": 130, "right": 20, "top": 10, "bottom": 90},
        "xAxis": {
            "type": "category",
            "data": [str(m["label"]) for m in metrics],
            "axisLabel": {"rotate": 30, "interval": 0},
        },
        "yAxis": {"type": "category", "data": [r["unit_name"] for r in rows]},
        "visualMap": {
            "min": 0,
            "max": 100,
            "calculable": True,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "inRange": {"color": ["#d73027", "#fee08b", "#1a9850"]},
        },
        "series": [
            {"name": _("标准化得分"), "type": "heatmap", "data": data, "label": {"show": True}}
        ],
        "drilldown": {},
    }


def radar(group: dict, metrics: list[dict], unit_id: int | None) -> tuple[dict, dict | None]:
    ranked = [r for r in group["rows"] if r["rank"] is not None]
    row = next((r for r in ranked if r["unit_id"] == unit_id), ranked[0] if ranked else None)
    if row is None:
        return {}, None
    average = []
    for i, _m in enumerate(metrics):
        pts = [_num(r["cells"][i]["points"]) for r in ranked]
        pts = [p for p in pts if p is not None]
        average.append(round(sum(pts) / len(pts), 2) if pts else 0)
    url = reverse("assessment:unit", args=[row["unit_id"]])
    return {
        "tooltip": {},
        "drilldown": {row["unit_name"]: url},
        "legend": {"data": [row["unit_name"], _("组内平均")], "bottom": 0},
        "radar": {"indicator": [{"name": str(m["label"]), "max": 100} for m in metrics]},
        "series": [
            {
                "type": "radar",
                "data": [
                    {
                        "name": row["unit_name"],
                        "value": [_num(c["points"]) or 0 for c in row["cells"]],
                        "url": url,
                    },
                    {"name": _("组内平均"), "value": average},
                ],
            }
        ],
    }, row


# The three counts of what waits for the leaders, kept a few seconds per reader: the dashboard
# is the leaders' landing page (bench_assessment, session 10: p95 314 ms at 50 clients against a
# 300 ms target, 8.4 ms of CPU per request, a third of it these three queries); a list or
# exposure added shows within PROCESS_CACHE_SECONDS.
COUNTS = TTLCache("assessment.dashboard_counts", max_entries=500)


def counts(user) -> dict:
    """What waits for the leaders (three counts from the user's scope)."""
    return dict(COUNTS.get(user.pk, lambda: _counts(user)))


def _counts(user) -> dict:
    return {
        "pending_lists": selectors.listings(user, {"status": Listing.Status.PENDING})
        .exclude(kind=Listing.Kind.PRAISE)
        .count(),
        "findings": scope.visible_to(user, Finding).filter(status=Finding.Status.CONFIRMED).count(),
        "exposures": scope.visible_to(user, Exposure)
        .filter(status=Exposure.Status.PUBLISHED)
        .count(),
    }


def charts(user, snapshot: Snapshot, params) -> dict:
    """The heat map, radar and table of one group of a published snapshot."""
    view = selectors.shaped(user, snapshot)
    groups = view["groups"]
    raw = str(params.get("group", ""))
    index = int(raw) if raw.isdigit() and int(raw) < len(groups) else 0
    group = groups[index] if groups else {"rows": [], "name": ""}
    raw_unit = str(params.get("unit", ""))
    option, focus = radar(group, view["metrics"], int(raw_unit) if raw_unit.isdigit() else None)
    return {
        "snapshot": snapshot,
        "view": view,
        "group": group,
        "group_index": index,
        "heat": heat(group, view["metrics"]) if group["rows"] else None,
        "radar": option or None,
        "focus": focus,
    }


def build(user, params) -> dict:
    snapshot = pick(user, params)
    if snapshot is None:
        return {"snapshot": None, "counts": counts(user)}
    return {**charts(user, snapshot, params), "counts": counts(user)}


def body_html(user, snapshot: Snapshot, params) -> str:
    """The charts and table of the page, rendered once per process and kept: a published
    snapshot is frozen, nothing in it is personal (every viewer of the dashboard sees every
    published ranking), and the key changes when any ranking is published (the trend arrows
    compare with the previous period's latest published version)."""
    latest = Snapshot.objects.filter(status=Snapshot.Status.PUBLISHED).aggregate(m=Max("pk"))["m"]
    key = "asm-dash:{}:{}:{}:{}:{}".format(
        snapshot.pk,
        str(params.get("group", ""))[:6],
        str(params.get("unit", ""))[:12],
        latest,
        translation.get_language(),
    )
    fragments = caches["template_fragments"]
    html = fragments.get(key)
    if html is None:
        html = render_to_string("assessment/_dashboard_body.html", charts(user, snapshot, params))
        fragments.set(key, html, FRAGMENT_SECONDS)
    return html


def as_json(data: dict) -> dict:
    """The API's shape of the dashboard (the same figures, every cell with its link)."""
    s = data["snapshot"]
    if s is None:
        return {"snapshot": None, "counts": data["counts"], "groups": []}
    return {
        "snapshot": {"id": s.pk, "period_key": s.period_key, "version": s.version},
        "counts": data["counts"],
        "metrics": [{"code": m["code"], "label": str(m["label"])} for m in data["view"]["metrics"]],
        "group": data["group"]["name"],
        "rows": [
            {
                "unit_id": r["unit_id"],
                "unit": r["unit_name"],
                "rank": r["rank"],
                "score": r["score"],
                "trend": r["trend"],
                "cells": [
                    {
                        "code": c["code"],
                        "value": c["text"],
                        "points": c["points"],
                        "insufficient": c["insufficient"],
                        "url": c["url"],
                    }
                    for c in r["cells"]
                ],
            }
            for r in data["group"]["rows"]
        ],
        "radar": data["radar"],
    }
