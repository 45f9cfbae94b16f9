"""Statistics: the staff figures (by unit, matter, staff member, window, channel, with the trend
and the drill-down to the ratings) and the public page (51号: satisfaction and rectifications
published)."""

import datetime as dt

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from yingshang.dbrouting import reporting
from yingshang.ratings import selectors
from yingshang.ratings.views.common import STAFF_ROLES
from yingshang.workbench.access import staff_required
from yingshang.workcal import periods


# --- staff: statistics ----------------------------------------------------------------------
def _period(request) -> periods.Period:
    """The days asked for (start … end, at most the longest range), else the month asked for,
    else this month."""
    try:
        return periods.between(
            dt.date.fromisoformat(request.GET.get("start", "")),
            dt.date.fromisoformat(request.GET.get("end", "")),
        )
    except ValueError:
        return _month(request.GET.get("month"))


def _month(key: str | None) -> periods.Period:
    """The month a "YYYY-MM" key names; this month for anything else."""
    period = periods.parse_or_current(key, "month")
    return period if period.kind == "month" else periods.current("month")


@staff_required(*STAFF_ROLES)
@reporting()
def stats(request):
    period = _period(request)
    start, end = period.first, period.last
    group = request.GET.get("group", "unit")
    if group not in selectors.GROUPS:
        group = "unit"
    rows = selectors.stats(request.user, group=group, start=start, end=end)
    points = selectors.trend(request.user, start=start, end=end)
    drill_key = {"channel": "channel"}.get(group, group)
    for r in rows:
        r.drill = f"{reverse('ratings:list')}?start={start}&end={end}" + (
            f"&{drill_key}={r.key}" if r.key is not None else ""
        )
    if request.GET.get("export") == "xlsx":
        from yingshang.spreadsheets import xlsx_response

        data = (
            (
                r.label,
                r.total,
                r.satisfaction,
                r.bad,
                r.rectified_rate,
                r.on_time_rate,
                r.callback_rate,
                r.coverage,
                r.excluded,
            )
            for r in rows
        )
        return xlsx_response(
            f"好差评统计-{start}-{end}.xlsx",
            _("好差评统计"),
            [
                _("对象"),
                _("评价数"),
                _("满意率%"),
                _("差评数"),
                _("差评整改率%"),
                _("按时整改率%"),
                _("回访率%"),
                _("评价覆盖率%"),
                _("申诉核减"),
            ],
            data,
        )
    return render(
        request,
        "ratings/staff/stats.html",
        {
            "rows": rows,
            "total": selectors.totals(rows),
            "group": group,
            "start": start,
            "end": end,
            "groups": [
                ("unit", _("单位")),
                ("matter", _("事项")),
                ("staff", _("人员")),
                ("window", _("窗口")),
                ("channel", _("渠道")),
            ],
            "chart": selectors.trend_chart(points, reverse("ratings:list")),
        },
    )


# --- public page (51号: ratings and rectifications published) --------------------------------
@reporting()
def public(request):
    month = _month(request.GET.get("month"))
    start, end = month.first, month.last
    units = selectors.public_unit_satisfaction(start, end)
    return render(
        request,
        "ratings/public.html",
        {
            "start": start,
            "end": end,
            "units": units,
            "matters": selectors.public_matter_satisfaction(start, end),
            "rects": selectors.public_rectifications(start, end),
            "month": f"{start:%Y-%m}",
            "chart": {
                "tooltip": {"trigger": "axis"},
                "grid": {"left": 120, "right": 30, "top": 10, "bottom": 30},
                "xAxis": {"type": "value", "min": 0, "max": 100},
                "yAxis": {"type": "category", "data": [u["unit__name"] for u in units[:15]][::-1]},
                "series": [
                    {
                        "type": "bar",
                        "name": "满意率(%)",
                        "barMaxWidth": 28,
                        "data": [u["satisfaction"] for u in units[:15]][::-1],
                    }
                ],
            },
        },
    )
