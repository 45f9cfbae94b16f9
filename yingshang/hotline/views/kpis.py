"""Unit KPIs with their drill-down, the 通报批评 list and the city platform's figures."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yingshang.dbrouting import reporting
from yingshang.errors import DomainError
from yingshang.hotline import kpis, selectors, services
from yingshang.hotline.models import CityFigure, WorkOrder
from yingshang.hotline.views._common import SUPERVISORS, rows
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.workbench.access import staff_required
from yingshang.workcal import periods


def _period(request) -> str:
    """The month asked for ("2026-11"), or the current month."""
    try:
        month = periods.parse(request.GET.get("period", ""))
    except ValueError:
        month = None
    if month is None or month.kind != "month":
        month = periods.current("month")
    return month.key


@staff_required(*SUPERVISORS)
@reporting()
def kpi_page(request):
    period = _period(request)
    start, end = kpis.month_bounds(period)
    result = kpis.compute(scope.visible_to(request.user, WorkOrder), start, end)
    ranked = [r for r in result["rows"] if not r.insufficient]
    option = {
        "tooltip": {},
        "grid": {"left": 120, "right": 20, "top": 20, "bottom": 30},
        "xAxis": {"type": "value", "max": 100},
        "yAxis": {"type": "category", "data": [r.unit_name for r in ranked][::-1]},
        "series": [
            {
                "type": "bar",
                "name": _("综合得分"),
                "data": [float(r.score or 0) for r in ranked][::-1],
            }
        ],
    }
    codes = ["sign_timely", "on_time", "response", "resolution", "satisfaction", "redo", "return"]
    return render(
        request,
        "hotline/kpis.html",
        {
            "period": period,
            "result": result,
            "option": option,
            "codes": codes,
            "labels": kpis.METRIC_LABELS,
            "ranked": ranked,
            "chart_height": max(200, 60 + 28 * len(ranked)),
            "config": result["config"],
        },
    )


@staff_required(*SUPERVISORS)
@reporting()
def kpi_orders(request):
    period = _period(request)
    start, end = kpis.month_bounds(period)
    metric = request.GET.get("metric", "")
    part = "numerator" if request.GET.get("part") == "numerator" else "denominator"
    unit_id = int(request.GET["unit"]) if request.GET.get("unit", "").isdigit() else None
    if metric not in kpis.METRIC_LABELS:
        raise Http404
    qs = kpis.drilldown(
        scope.visible_to(request.user, WorkOrder).select_related("main_unit", "topic"),
        unit_id=unit_id,
        metric=metric,
        part=part,
        start=start,
        end=end,
    ).order_by("-dispatched_at", "-id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    unit = scope.visible_to(request.user, Unit).filter(pk=unit_id).first() if unit_id else None
    return render(
        request,
        "hotline/kpi_orders.html",
        {
            "page": page,
            "rows": rows(request.user, page.object_list),
            "metric_label": kpis.METRIC_LABELS[metric],
            "part": part,
            "unit": unit,
            "period": period,
            "total": page.paginator.count,
            "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
        },
    )


@staff_required(*SUPERVISORS)
@reporting()
def criticism(request):
    units, orders = selectors.criticism_list(request.user)
    return render(
        request,
        "hotline/criticism.html",
        {"units": units, "rows": rows(request.user, orders[:200])},
    )


@staff_required(Role.SUPERVISOR, Role.ADMIN, Role.HOTLINE_OPERATOR)
@reporting()
def city_figures(request):
    error = ""
    if request.method == "POST":
        p = request.POST
        try:
            services.city_figure_record(
                actor=request.user,
                period=p.get("period", ""),
                metric=p.get("metric", ""),
                value=p.get("value", ""),
                rank=int(p["rank"]) if p.get("rank", "").isdigit() else None,
                note=p.get("note", ""),
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("已记录。"))
            return redirect("hotline:city_figures")
    return render(
        request,
        "hotline/city_figures.html",
        {"figures": CityFigure.objects.all()[:200], "error": error, "posted": request.POST},
        status=400 if error else 200,
    )
