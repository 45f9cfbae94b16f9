"""The hotline's figures for the county assessment (yingshang/assessment/registry.py): the unit
score of the monthly KPIs and its three rates, from `kpis.compute` over the period — the same
rule as the 热线考核 page, and the same drill-down to the orders."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingshang.assessment.registry import Figure, Metric


def _rows(period, ctx) -> dict:
    if "hotline.kpis" not in ctx:
        from yingshang.hotline import kpis
        from yingshang.hotline.models import WorkOrder

        # the county's figures, computed by the system: every order counts
        result = kpis.compute(WorkOrder.objects.all(), period.start, period.end)
        ctx["hotline.kpis"] = {row.unit_id: row for row in result["rows"]}
    return ctx["hotline.kpis"]


def _score(period, ctx) -> dict:
    return {
        uid: Figure(value=row.score, sample=row.sample)
        for uid, row in _rows(period, ctx).items()
        if row.score is not None or row.sample
    }


def _rate(code: str):
    def compute(period, ctx) -> dict:
        out = {}
        for uid, row in _rows(period, ctx).items():
            num, den = row.counts.get(code, (0, 0))
            out[uid] = Figure(value=row.rates.get(code), sample=den, num=num, den=den)
        return out

    return compute


def _drill(code: str):
    def drill(unit_id, period, part="denominator") -> str:
        # the 热线考核 drill-down is monthly: a longer period opens its first month
        month = period.first.strftime("%Y-%m")
        query = {"metric": code, "part": part, "unit": unit_id, "period": month}
        return f"{reverse('hotline:kpi_orders')}?{urlencode(query)}"

    return drill


METRICS = [
    Metric(
        "hotline_score",
        _("热线综合得分"),
        "hotline",
        compute=_score,
        drill=_drill("response"),
        kind="score",
        min_sample=5,
    ),
    Metric(
        "hotline_response",
        _("热线响应率"),
        "hotline",
        compute=_rate("response"),
        drill=_drill("response"),
        min_sample=5,
    ),
    Metric(
        "hotline_resolution",
        _("热线解决率"),
        "hotline",
        compute=_rate("resolution"),
        drill=_drill("resolution"),
        min_sample=5,
    ),
    Metric(
        "hotline_satisfaction",
        _("热线满意率"),
        "hotline",
        compute=_rate("satisfaction"),
        drill=_drill("satisfaction"),
        min_sample=5,
    ),
]
