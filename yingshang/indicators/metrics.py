"""Figures other modules read (the assessment module of DESIGN.md §10 scores each unit on the
indicators it leads).

    from yingshang.indicators import metrics
    metrics.unit_indicator_score(unit, period)   # Decimal 0–100 or None
    metrics.county_score(period)                 # Decimal 0–100 or None

`period` is an indicators.Period (or its code). A unit's score is the mean of the scores of the
leaves it leads, each weighted by its share of the county score (so a heavy indicator counts
more); leaves without an approved value are left out; None when none is scored."""

from decimal import Decimal

from yingshang.indicators import scoring
from yingshang.indicators.models import Period


def _period(period) -> Period:
    return period if isinstance(period, Period) else Period.objects.get(code=period)


def unit_indicator_score(unit, period) -> Decimal | None:
    unit_id = getattr(unit, "pk", unit)
    result = scoring.compute(_period(period))
    led = [
        n
        for n in result.leaves()
        if n.indicator.lead_unit_id == unit_id and n.score is not None and n.share
    ]
    total = sum((n.share for n in led), Decimal(0))
    if not total:
        return None
    return sum((n.score * n.share for n in led), Decimal(0)) / total


def county_score(period) -> Decimal | None:
    return scoring.compute(_period(period)).score


# --- the assessment's plug-in (yingshang/assessment/registry.py) ------------------------------
def _round_for(period) -> Period | None:
    """The evaluation round an assessment period reads: the latest whose statistics ended by
    the period's last day (rounds are quarterly or yearly; a month reads the last one closed)."""
    return Period.objects.filter(ends_on__lte=period.last).order_by("-ends_on", "-id").first()


def _lead_scores(period, ctx) -> dict:
    from yingshang.assessment.registry import Figure

    found = _round_for(period)
    if found is None:
        return {}
    weighted: dict[int, list[Decimal]] = {}
    for n in scoring.compute(found).leaves():
        if n.indicator.lead_unit_id and n.score is not None and n.share:
            acc = weighted.setdefault(n.indicator.lead_unit_id, [Decimal(0), Decimal(0), 0])
            acc[0] += n.score * n.share
            acc[1] += n.share
            acc[2] += 1
    return {
        uid: Figure(value=(s / w).quantize(Decimal("0.01")), sample=int(k))
        for uid, (s, w, k) in weighted.items()
        if w
    }


def _lead_drill(unit_id, period, part="denominator") -> str:
    from urllib.parse import urlencode

    from django.urls import reverse

    found = _round_for(period)
    query = {"unit": unit_id, **({"period": found.code} if found else {})}
    return f"{reverse('indicators:lead')}?{urlencode(query)}"


def _tasks_in(period):
    """The round tasks whose deadline falls in the assessment period (a unit's record)."""
    from yingshang.indicators.models import UnitTask

    return UnitTask.objects.filter(due_at__gte=period.start, due_at__lt=period.end)


def _on_time(period, ctx) -> dict:
    """报送及时率: of the unit's round tasks due in the period, the share submitted by the
    deadline; a task overdue or submitted late counts against it."""
    from yingshang.assessment.registry import Figure, rate

    counts: dict[int, list[int]] = {}
    for unit_id, late, overdue, done in _tasks_in(period).values_list(
        "unit_id", "late", "overdue", "submitted_at"
    ):
        acc = counts.setdefault(unit_id, [0, 0])
        acc[1] += 1
        acc[0] += int(done is not None and not late and not overdue)
    return {
        uid: Figure(value=rate(ok, n), sample=n, num=ok, den=n) for uid, (ok, n) in counts.items()
    }


def _on_time_drill(unit_id, period, part="denominator") -> str:
    from django.urls import reverse

    found = _round_for(period)
    return reverse("indicators:dispatch") + (f"?period={found.code}" if found else "")


def _metrics():
    from django.utils.translation import gettext_lazy as _

    from yingshang.assessment.registry import Metric

    return [
        Metric(
            "indicator_score",
            _("牵头指标得分"),
            "indicators",
            compute=_lead_scores,
            drill=_lead_drill,
            kind="score",
            min_sample=1,
        ),
        Metric(
            "indicator_on_time",
            _("评价指标报送及时率"),
            "indicators",
            compute=_on_time,
            drill=_on_time_drill,
            kind="rate",
            min_sample=1,
        ),
    ]


METRICS = _metrics()
