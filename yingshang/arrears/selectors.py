"""Every read of 清欠, from the user's scope: the filtered list, per-debtor clearance progress
(清零进度), the ledger of new arrears against payments per period, and the overdue debtors."""

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone

from yingshang.arrears import transitions as t
from yingshang.arrears.models import Arrears, Debtor, Payment
from yingshang.org import scope
from yingshang.workcal import calendar, periods

ZERO = Decimal("0")
# records whose amount the debtor has acknowledged (the 清欠办 verified it)
CONFIRMED = frozenset({t.CONFIRMED, t.REPAYING, t.CLEARED})


def today() -> dt.date:
    return calendar.local_date(timezone.now())


def arrears(user) -> QuerySet:
    return scope.visible_to(user, Arrears)


def overdue_q(on: dt.date | None = None) -> Q:
    """Confirmed, past its due date and not fully paid."""
    return Q(status__in=t.PAYABLE, due_on__lt=on or today(), paid_amount__lt=F("undisputed_amount"))


def filtered(user, params: dict) -> QuerySet:
    qs = arrears(user).select_related("debtor", "creditor")
    status = params.get("status") or ""
    if status == "open":
        qs = qs.filter(status__in=t.OPEN)
    elif status in Arrears.Status.values:
        qs = qs.filter(status=status)
    if params.get("overdue") in ("1", "true"):
        qs = qs.filter(overdue_q())
    if (debtor := params.get("debtor") or "").isdigit():
        qs = qs.filter(debtor_id=int(debtor))
    if (unit := params.get("unit") or "").isdigit():
        qs = qs.filter(debtor__unit_id=int(unit))
    if (firm := params.get("firm") or "").isdigit():
        qs = qs.filter(creditor_id=int(firm))
    if (source := params.get("source") or "") in Arrears.Source.values:
        qs = qs.filter(source=source)
    for key, lookup in (("due_from", "due_on__gte"), ("due_to", "due_on__lte")):
        with contextlib.suppress(ValueError):
            qs = qs.filter(**{lookup: dt.date.fromisoformat(params.get(key) or "")})
    if params.get("back_to_back") in ("1", "true"):
        qs = qs.filter(back_to_back=True)
    if q := (params.get("q") or "").strip()[:60]:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(creditor__name__icontains=q)
            | Q(debtor__name__icontains=q)
            | Q(contract_number__icontains=q)
        )
    return qs


def debtors_in_scope(user) -> QuerySet:
    return Debtor.objects.filter(pk__in=arrears(user).values("debtor_id")).order_by("name")


@dataclass
class Progress:
    debtor: Debtor
    records: int
    owed: Decimal  # undisputed + disputed of the confirmed records
    paid: Decimal  # payments on them
    outstanding: Decimal
    overdue_records: int
    overdue_amount: Decimal

    @property
    def rate(self) -> Decimal | None:
        """清零进度: paid ÷ owed, in percent (None when nothing is owed)."""
        if not self.owed:
            return None
        return (self.paid * 100 / self.owed).quantize(Decimal("0.1"))


def progress(user) -> list[Progress]:
    """Per debtor, from the records the user sees: what was confirmed, what the payments
    covered, what is left and what is overdue. Least cleared first."""
    confirmed = arrears(user).filter(status__in=CONFIRMED)
    owed = {
        r["debtor_id"]: r
        for r in confirmed.values("debtor_id")
        .order_by()
        .annotate(
            n=Count("id"),
            owed=Sum(F("undisputed_amount") + F("disputed_amount")),
            od_n=Count("id", filter=overdue_q()),
            od_amount=Sum(F("undisputed_amount") - F("paid_amount"), filter=overdue_q()),
        )
    }
    paid = dict(
        Payment.objects.filter(arrears__in=confirmed.values("pk"), voided_at__isnull=True)
        .values("arrears__debtor_id")
        .order_by()
        .annotate(s=Sum("amount"))
        .values_list("arrears__debtor_id", "s")
    )
    debtors = Debtor.objects.in_bulk(list(owed))
    rows = []
    for debtor_id, r in owed.items():
        p = paid.get(debtor_id) or ZERO
        rows.append(
            Progress(
                debtor=debtors[debtor_id],
                records=r["n"],
                owed=r["owed"] or ZERO,
                paid=p,
                outstanding=(r["owed"] or ZERO) - p,
                overdue_records=r["od_n"],
                overdue_amount=r["od_amount"] or ZERO,
            )
        )
    rows.sort(key=lambda x: (x.rate if x.rate is not None else Decimal(101), x.debtor.name))
    return rows


def totals(rows: list[Progress]) -> dict:
    owed = sum((r.owed for r in rows), ZERO)
    paid = sum((r.paid for r in rows), ZERO)
    return {
        "owed": owed,
        "paid": paid,
        "outstanding": owed - paid,
        "rate": (paid * 100 / owed).quantize(Decimal("0.1")) if owed else None,
        "overdue_amount": sum((r.overdue_amount for r in rows), ZERO),
        "overdue_debtors": sum(1 for r in rows if r.overdue_records),
    }


def overdue_debtors(user) -> list[Progress]:
    """The debtors with confirmed arrears past their due date, the largest amount first."""
    rows = [r for r in progress(user) if r.overdue_records]
    return sorted(rows, key=lambda r: (-r.overdue_amount, r.debtor.name))


def ledger(user, kind: str = "month", count: int = 6) -> list[dict]:
    """New arrears against what was paid, per period, oldest first."""
    visible = arrears(user).exclude(status__in=(t.VOIDED,))
    out = []
    for p in periods.recent(kind, count):
        new = visible.filter(reported_at__gte=p.start, reported_at__lt=p.end).aggregate(
            n=Count("id"), amount=Sum("amount")
        )
        paid = Payment.objects.filter(
            arrears__in=visible.values("pk"),
            paid_on__gte=p.first,
            paid_on__lte=p.last,
            voided_at__isnull=True,
        ).aggregate(n=Count("id"), amount=Sum("amount"))
        cleared = visible.filter(
            status=t.CLEARED, cleared_at__gte=p.start, cleared_at__lt=p.end
        ).count()
        out.append(
            {
                "period": p,
                "new_count": new["n"],
                "new_amount": new["amount"] or ZERO,
                "paid_count": paid["n"],
                "paid_amount": paid["amount"] or ZERO,
                "cleared_count": cleared,
            }
        )
    return out


def on_time(qs: QuerySet) -> QuerySet:
    """Of confirmed records, those whose undisputed part was fully paid on or before the due
    date (the assessment's "cleared on time")."""
    return (
        qs.filter(status__in=CONFIRMED, undisputed_amount__gt=0)
        .annotate(last_paid=Max("payments__paid_on", filter=Q(payments__voided_at__isnull=True)))
        .filter(paid_amount=F("undisputed_amount"), last_paid__lte=F("due_on"))
    )


def for_firm(firm, user=None) -> QuerySet:
    """What is owed to `firm` (in `user`'s scope when given)."""
    qs = arrears(user) if user is not None else Arrears.objects.all()
    return qs.filter(creditor=firm).select_related("debtor")


def detail(arrears_obj) -> dict:
    """The record page's lists."""
    from yingshang.arrears import rules

    payments = list(
        arrears_obj.payments.select_related("recorded_by").prefetch_related("attachments")
    )
    milestones = list(arrears_obj.milestones.all())
    planned = ZERO
    for m in milestones:
        planned += m.amount
        covered = sum((p.amount for p in payments if p.paid_on <= m.due_on), ZERO)
        m.met = covered >= planned
        m.late = not m.met and m.due_on < today()
    return {
        "payments": payments,
        "milestones": milestones,
        "evidence": [a for a in arrears_obj.attachments.all() if a.kind == "evidence"],
        "interest": rules.overdue_interest(
            arrears_obj, [p for p in payments if p.voided_at is None], on=today()
        ),
        "interest_rate": rules.interest_rate(arrears_obj),
        "overdue": arrears_obj.status in t.PAYABLE
        and arrears_obj.due_on < today()
        and arrears_obj.outstanding > 0,
    }
