"""信用修复 figures for the county assessment (yingshang/assessment/registry.py): repair
applications reviewed within the working-day limit (on_time over decided), per unit that made
the record; drill-down to the review queue."""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingshang.assessment.registry import Figure, Metric, rate


def _on_time(period, ctx) -> dict:
    from yingshang.credit.models import RepairApplication

    rows = (
        RepairApplication.objects.filter(
            decided_at__gte=period.start, decided_at__lt=period.end, unit__isnull=False
        )
        .values("unit_id")
        .order_by()
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
    )
    return {
        r["unit_id"]: Figure(
            value=rate(r["on_time"], r["n"]), sample=r["n"], num=r["on_time"], den=r["n"]
        )
        for r in rows
    }


def _drill(unit_id, period, part="denominator") -> str:
    return f"{reverse('credit:repairs')}?{urlencode({'status': 'all', 'unit': unit_id})}"


METRICS = [
    Metric(
        "credit_repair_on_time",
        _("信用修复按时审核率"),
        "credit",
        compute=_on_time,
        drill=_drill,
    )
]
