"""Assessment figure (yingshang/assessment/registry.py): results published within 20 working days
after the inspection ended (cn_rules §8), per inspecting lead unit, over inspections whose
publication fell due in the period. An unpublished inspection past its due date counts as late."""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingshang.assessment.registry import Figure, Metric, rate


def _published_on_time(period, ctx) -> dict:
    from yingshang.inspections.models import Inspection

    now = timezone.now()
    due = Inspection.objects.filter(
        due_at__isnull=True,
        published_at__isnull=False,
        published_at__gte=period.start,
        published_at__lt=period.end,
    ) | Inspection.objects.filter(
        due_at__gte=period.start, due_at__lt=min(period.end, now), status="recorded"
    )
    rows = (
        due.values("plan__lead_unit_id")
        .order_by()
        .annotate(
            n=Count("pk"), on_time=Count("pk", filter=Q(status="published", published_late=False))
        )
    )
    return {
        r["plan__lead_unit_id"]: Figure(
            value=rate(r["on_time"], r["n"]), sample=r["n"], num=r["on_time"], den=r["n"]
        )
        for r in rows
    }


def _drill(unit_id, period, part="denominator") -> str:
    return f"{reverse('inspections:staff_home')}?{urlencode({'unit': unit_id})}"


METRICS = [
    Metric(
        "inspection_published_on_time",
        _("抽查结果按时公示率"),
        "inspections",
        compute=_published_on_time,
        drill=_drill,
        min_sample=1,
    ),
]
