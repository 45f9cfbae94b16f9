"""Measured leaves recomputed on a schedule (tasks.PERIODIC): every measured value of a running
round not yet approved is computed again from Yingshang's records — a draft one is measured
and put up for review, a submitted one gets the fresh figure. Approved values stay as approved.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yingshang import workflow
from yingshang.errors import DomainError
from yingshang.indicators import measures
from yingshang.indicators import transitions as t
from yingshang.indicators.models import Source, Value
from yingshang.indicators.services.values import value_measure


def due_values(today: dt.date):
    """Measured values of rounds whose statistics window has begun, not yet approved."""
    return (
        Value.objects.filter(
            indicator__source=Source.MEASURED,
            period__starts_on__lte=today,
            status__in=(*t.EDITABLE, t.SUBMITTED),
        )
        .select_related("indicator", "period")
        .order_by("period_id", "indicator__sort_order", "pk")
    )


@transaction.atomic
def value_remeasure(*, value: Value, at: dt.datetime) -> bool:
    """A submitted measured value with the fresh figure; True when it changed."""
    value = Value.objects.select_for_update().select_related("indicator", "period").get(pk=value.pk)
    if value.status != t.SUBMITTED:
        return False
    m = measures.run(value.indicator.measure_key, value.period)
    if m.value is None or m.value == value.value:
        return False
    before = str(value.value)
    value.value = m.value
    value.measured = {**m.as_json(), "at": at.isoformat()}
    value.save(update_fields=["value", "measured"])
    workflow.record(
        workflow.SYSTEM,
        "indicator.remeasure",
        value,
        before={"value": before},
        after={"value": str(value.value), "n": m.n},
    )
    return True


def measure_due(now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic job: returns how many values were measured, refreshed, or had no data."""
    now = now or timezone.now()
    counts = {"measured": 0, "refreshed": 0, "no_data": 0}
    for value in due_values(timezone.localdate(now)):
        try:
            if value.status in t.EDITABLE:
                value_measure(actor=workflow.SYSTEM, value=value, at=now)
                counts["measured"] += 1
            elif value_remeasure(value=value, at=now):
                counts["refreshed"] += 1
        except DomainError:  # no records in the window yet, or an unknown plug-in
            counts["no_data"] += 1
    return counts
