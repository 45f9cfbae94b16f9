"""好差评 figures for the county assessment (yingshang/assessment/registry.py): satisfaction
(ratings at level 3 or more over counted ratings, upheld appeals excluded) and on-time 差评
rectification, per unit, as on the statistics page; drill-down to the ratings list."""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingshang.assessment.registry import Figure, Metric, rate


def _satisfaction(period, ctx) -> dict:
    from yingshang.ratings.models import Rating

    rows = (
        Rating.objects.filter(
            created_at__gte=period.start, created_at__lt=period.end, unit__isnull=False
        )
        .values("unit_id")
        .order_by()
        .annotate(
            total=Count("pk", filter=Q(excluded=False)),
            satisfied=Count("pk", filter=Q(excluded=False, level__gte=3)),
        )
    )
    return {
        r["unit_id"]: Figure(
            value=rate(r["satisfied"], r["total"]),
            sample=r["total"],
            num=r["satisfied"],
            den=r["total"],
        )
        for r in rows
    }


def _rectification(period, ctx) -> dict:
    from yingshang.ratings.models import Rectification

    rows = (
        Rectification.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
        .exclude(status=Rectification.Status.CANCELLED)
        .values("unit_id")
        .order_by()
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(replied_on_time=True)))
    )
    return {
        r["unit_id"]: Figure(
            value=rate(r["on_time"], r["n"]), sample=r["n"], num=r["on_time"], den=r["n"]
        )
        for r in rows
        if r["unit_id"]
    }


def _drill(bad: bool):
    def drill(unit_id, period, part="denominator") -> str:
        query = {"unit": unit_id, "start": period.first.isoformat(), "end": period.last.isoformat()}
        if bad:
            query["bad"] = "1"
        return f"{reverse('ratings:list')}?{urlencode(query)}"

    return drill


METRICS = [
    Metric(
        "rating_satisfaction",
        _("好差评满意率"),
        "ratings",
        compute=_satisfaction,
        drill=_drill(False),
        min_sample=5,
    ),
    Metric(
        "rating_rectified_on_time",
        _("差评按时整改率"),
        "ratings",
        compute=_rectification,
        drill=_drill(True),
    ),
]
