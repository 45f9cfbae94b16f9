"""The assessment's own figure for the ranking: 明查暗访 findings confirmed against a unit in the
period (a count, lower is better). Every active unit that can be ranked gets a figure (no
finding is 0, not "no data"); the sample is the number of conducted visits that covered the
unit in the period, so a scheme may ask for a minimum number of visits."""

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingshang.assessment.registry import Figure, Metric

RANKED_UNIT_KINDS = ("department", "town", "centre")


def _findings(period, ctx) -> dict:
    from yingshang.assessment.models import Finding, Visit
    from yingshang.org.models import Unit

    found = dict(
        Finding.objects.filter(
            status=Finding.Status.CONFIRMED,
            occurred_on__gte=period.first,
            occurred_on__lte=period.last,
        )
        .values("unit_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    visited = dict(
        Visit.units.through.objects.filter(
            visit__status=Visit.Status.CONDUCTED,
            visit__conducted_on__gte=period.first,
            visit__conducted_on__lte=period.last,
        )
        .values("unit_id")
        .order_by()
        .annotate(n=Count("visit_id"))
        .values_list("unit_id", "n")
    )
    units = Unit.objects.filter(kind__in=RANKED_UNIT_KINDS, is_active=True).values_list(
        "pk", flat=True
    )
    return {
        uid: Figure(
            value=Decimal(found.get(uid, 0)), sample=visited.get(uid, 0), num=found.get(uid, 0)
        )
        for uid in units
    }


def _drill(unit_id, period, part="denominator") -> str:
    query = {"unit": unit_id, "start": period.first.isoformat(), "end": period.last.isoformat()}
    return f"{reverse('assessment:findings')}?{urlencode(query)}"


METRICS = [
    Metric(
        "visit_findings",
        _("明查暗访发现问题数"),
        "assessment",
        compute=_findings,
        drill=_drill,
        kind="count",
        direction="lower",
        normalisation="minmax",
    )
]
