"""清欠 figures for the county assessment (yingshang/assessment/registry.py): per debtor unit
(Debtor.unit), the share of its confirmed arrears falling due in the period whose undisputed
part was paid in full by the due date (按期清偿率)."""

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingshang.assessment.registry import Figure, Metric, rate


def _cleared_on_time(period, ctx) -> dict:
    from yingshang.arrears import selectors
    from yingshang.arrears.models import Arrears

    due = Arrears.objects.filter(
        status__in=selectors.CONFIRMED,
        undisputed_amount__gt=0,
        due_on__gte=period.first,
        due_on__lte=period.last,
        debtor__unit__isnull=False,
    )
    totals = dict(
        due.values("debtor__unit_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("debtor__unit_id", "n")
    )
    kept = dict(
        Arrears.objects.filter(pk__in=selectors.on_time(due).values("pk"))
        .values("debtor__unit_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("debtor__unit_id", "n")
    )
    return {
        unit_id: Figure(
            value=rate(kept.get(unit_id, 0), n), sample=n, num=kept.get(unit_id, 0), den=n
        )
        for unit_id, n in totals.items()
    }


def _drill(unit_id, period, part="denominator") -> str:
    query = {
        "unit": unit_id,
        "due_from": period.first.isoformat(),
        "due_to": period.last.isoformat(),
    }
    if part == "numerator":
        query["status"] = "cleared"
    return f"{reverse('arrears:list')}?{urlencode(query)}"


METRICS = [
    Metric(
        "arrears_cleared_on_time",
        _("拖欠账款按期清偿率"),
        "arrears",
        compute=_cleared_on_time,
        drill=_drill,
    ),
]
