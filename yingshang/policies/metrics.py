"""Policy figures for the county assessment (yingshang/assessment/registry.py), per unit:

- policy_review_on_time (owner unit): weekly reviews due in the period that were completed by
  their working-day deadline ÷ reviews due in the period (open ones past due count as late);
- policy_delivery_rate (review unit): applications approved in the period that are paid ÷
  applications approved in the period (seed 004: "及时足额兑现");
- policy_days_to_payment (review unit): mean working days from application (or 免申即享 grant)
  to payment, of the applications paid in the period (lower is better)."""

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingshang.assessment.registry import Figure, Metric, rate


def _review_on_time(period, ctx) -> dict:
    from yingshang.policies import transitions as t
    from yingshang.policies.models import PolicyReview

    rows = (
        PolicyReview.objects.filter(due_at__gte=period.start, due_at__lt=period.end)
        .values("unit_id")
        .order_by()
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(status=t.DONE, on_time=True)))
    )
    return {
        r["unit_id"]: Figure(value=rate(r["ok"], r["n"]), sample=r["n"], num=r["ok"], den=r["n"])
        for r in rows
    }


def _approved_in(period):
    from yingshang.policies import transitions as t
    from yingshang.policies.models import Application

    return Application.objects.filter(
        status__in=sorted(t.ENTITLED), decided_at__gte=period.start, decided_at__lt=period.end
    )


def _delivery(period, ctx) -> dict:
    from yingshang.policies import transitions as t

    rows = (
        _approved_in(period)
        .values("item__review_unit_id")
        .order_by()
        .annotate(n=Count("pk"), paid=Count("pk", filter=Q(status=t.PAID)))
    )
    return {
        r["item__review_unit_id"]: Figure(
            value=rate(r["paid"], r["n"]), sample=r["n"], num=r["paid"], den=r["n"]
        )
        for r in rows
    }


def _days(period, ctx) -> dict:
    from django.utils import timezone

    from yingshang.policies import transitions as t
    from yingshang.policies.models import Application
    from yingshang.workcal import calendar

    per: dict[int, list[int]] = {}
    paid = Application.objects.filter(
        status=t.PAID, paid_at__gte=period.start, paid_at__lt=period.end
    ).values_list("item__review_unit_id", "submitted_at", "paid_at")
    for unit, submitted, paid_at in paid:
        per.setdefault(unit, []).append(
            calendar.working_days_between(
                timezone.localtime(submitted).date(), timezone.localtime(paid_at).date()
            )
        )
    return {
        unit: Figure(
            value=(Decimal(sum(days)) / len(days)).quantize(Decimal("0.01")),
            sample=len(days),
            num=sum(days),
            den=len(days),
        )
        for unit, days in per.items()
    }


def _drill(name: str, extra: dict):
    def drill(unit_id, period, part="denominator") -> str:
        query = {"unit": unit_id, **(extra if part == "numerator" else {})}
        return f"{reverse(name)}?{urlencode(query)}"

    return drill


METRICS = [
    Metric(
        "policy_review_on_time",
        _("政策周梳理按时率"),
        "policies",
        compute=_review_on_time,
        drill=_drill("policies:reviews", {"status": "done"}),
    ),
    Metric(
        "policy_delivery_rate",
        _("政策兑现率"),
        "policies",
        compute=_delivery,
        drill=_drill("policies:queue", {"status": "paid"}),
    ),
    Metric(
        "policy_days_to_payment",
        _("政策兑现平均用时（工作日）"),
        "policies",
        compute=_days,
        drill=_drill("policies:queue", {"status": "paid"}),
        kind="count",
        direction="lower",
        normalisation="minmax",
    ),
]
