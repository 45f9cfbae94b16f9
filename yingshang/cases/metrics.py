"""Case figures for the county assessment (yingshang/assessment/registry.py): on-time rate,
overdue count, 即办件 and 网办 shares per handling unit, over the cases received in the period —
the filters of the statistics page (`stats.metric_filter`), so each figure drills down to the
same cases."""

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingshang.assessment.registry import Figure, Metric, rate


def _counts(period, ctx) -> dict:
    if "cases.counts" not in ctx:
        from yingshang.cases.models import Case
        from yingshang.cases.selectors import received_in
        from yingshang.cases.stats import metric_filter

        now = timezone.now()
        names = ("cases", "decided", "on_time", "overdue", "instant", "online")
        rows = (
            Case.objects.filter(received_in(period.first, period.last), unit__isnull=False)
            .values("unit_id")
            .order_by()
            .annotate(**{n: Count("id", filter=metric_filter(n, now)) for n in names})
        )
        ctx["cases.counts"] = {r["unit_id"]: r for r in rows}
    return ctx["cases.counts"]


def _rate(num_key: str, den_key: str):
    def compute(period, ctx) -> dict:
        return {
            uid: Figure(
                value=rate(r[num_key], r[den_key]),
                sample=r[den_key],
                num=r[num_key],
                den=r[den_key],
            )
            for uid, r in _counts(period, ctx).items()
        }

    return compute


def _overdue(period, ctx) -> dict:
    from decimal import Decimal

    return {
        uid: Figure(value=Decimal(r["overdue"]), sample=r["cases"], num=r["overdue"])
        for uid, r in _counts(period, ctx).items()
    }


def _drill(metric: str, denominator: str = "cases"):
    def drill(unit_id, period, part="denominator") -> str:
        query = {
            "group": "unit",
            "id": unit_id,
            "since": period.first.isoformat(),
            "until": period.last.isoformat(),
            "metric": metric if part == "numerator" else denominator,
        }
        return f"{reverse('cases:statistics_cases')}?{urlencode(query)}"

    return drill


METRICS = [
    Metric(
        "case_on_time",
        _("办件按时办结率"),
        "cases",
        compute=_rate("on_time", "decided"),
        drill=_drill("on_time", "decided"),
        min_sample=5,
    ),
    Metric(
        "case_overdue",
        _("办件超期件数"),
        "cases",
        compute=_overdue,
        drill=_drill("overdue"),
        kind="count",
        direction="lower",
        normalisation="minmax",
    ),
    Metric(
        "case_instant_share",
        _("即办件占比"),
        "cases",
        compute=_rate("instant", "cases"),
        drill=_drill("instant"),
        min_sample=5,
    ),
    Metric(
        "case_online_share",
        _("网办占比"),
        "cases",
        compute=_rate("online", "cases"),
        drill=_drill("online"),
        min_sample=5,
    ),
]
