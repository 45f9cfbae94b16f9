"""Ledger figures for the county assessment (yingshang/assessment/registry.py): the problems a
unit owns that are open and past their deadline now (a count, lower is better) and the share of
its problems closed (销号率), from the same filters as the ledger list it drills down to."""

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingshang.assessment.registry import Figure, Metric, rate


def _counts(period, ctx) -> dict:
    if "supervision.counts" not in ctx:
        from yingshang.supervision import transitions as t
        from yingshang.supervision.models import Problem

        rows = (
            Problem.objects.exclude(status=t.VOIDED)
            .values("owner_unit_id")
            .order_by()
            .annotate(
                total=Count("id"),
                closed=Count("id", filter=Q(status=t.CLOSED)),
                overdue=Count("id", filter=Q(status__in=t.OPEN, overdue=True)),
            )
        )
        ctx["supervision.counts"] = {r["owner_unit_id"]: r for r in rows}
    return ctx["supervision.counts"]


def _overdue(period, ctx) -> dict:
    return {
        uid: Figure(value=Decimal(r["overdue"]), sample=r["total"], num=r["overdue"])
        for uid, r in _counts(period, ctx).items()
    }


def _closed(period, ctx) -> dict:
    return {
        uid: Figure(
            value=rate(r["closed"], r["total"]), sample=r["total"], num=r["closed"], den=r["total"]
        )
        for uid, r in _counts(period, ctx).items()
    }


def _drill(extra: dict):
    def drill(unit_id, period, part="denominator") -> str:
        query = {"unit": unit_id, **(extra if part == "numerator" else {})}
        return f"{reverse('supervision:list')}?{urlencode(query)}"

    return drill


METRICS = [
    Metric(
        "ledger_overdue",
        _("台账逾期问题数"),
        "supervision",
        compute=_overdue,
        drill=_drill({"status": "open", "overdue": "1"}),
        kind="count",
        direction="lower",
        normalisation="minmax",
    ),
    Metric(
        "ledger_closed",
        _("台账问题销号率"),
        "supervision",
        compute=_closed,
        drill=_drill({"status": "closed"}),
    ),
]
