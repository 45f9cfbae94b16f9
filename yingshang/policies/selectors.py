"""Reads of the policies module; every list and figure starts from the reader's scope.

Delivery figures (政策兑现率, seed 004 "及时足额"):
- entitled: applications the county owes money for — approved (待拨付) or paid (已拨付);
- delivery rate = paid ÷ entitled (count), amount rate = amount paid ÷ amount approved;
- paid vs budget = amount paid ÷ the items' budgets;
- time to payment: working days (workcal) from the application (or the 免申即享 grant) to the
  day the money was paid, counted as working days in (submitted, paid]."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from yingshang.knowledge import text as ktext
from yingshang.org import scope
from yingshang.policies import transitions as t
from yingshang.policies.models import Application, Policy, PolicyItem, PolicyReview, Tag
from yingshang.policies.services.common import db_id
from yingshang.workcal import calendar, periods


def policies(user, *, q: str = "", tags=(), status: str = "", unit: str = ""):
    """Policies the user may see, filtered by a jieba search over title, document number,
    issuer, summary and interpretation (every term must occur), by tags ("kind:code"; a policy
    naming no industry or size is for every firm) and by status/unit."""
    qs = scope.visible_to(user, Policy).select_related("owner_unit")
    if status in Policy.Status.values:
        qs = qs.filter(status=status)
    if db_id(unit) is not None:
        qs = qs.filter(owner_unit_id=db_id(unit))
    for code in tags or []:
        kind, _sep, value = str(code).partition(":")
        named = Q(tags__kind=kind, tags__code=value)
        if kind in (Tag.Kind.INDUSTRY, Tag.Kind.SIZE):
            qs = qs.filter(
                Q(pk__in=Policy.objects.filter(named).values("pk")) | ~Q(tags__kind=kind)
            )
        else:
            qs = qs.filter(pk__in=Policy.objects.filter(named).values("pk"))
    for term in ktext.query_terms(q)[:8] if q else []:
        qs = qs.filter(tokens__contains=f" {term} ")
    return qs.distinct()


def in_force(policy: Policy, on: dt.date | None = None) -> bool:
    on = on or periods.today()
    return (
        policy.status == t.PUBLISHED
        and policy.effective_on <= on
        and (policy.expires_on is None or policy.expires_on >= on)
    )


def open_items(user, on: dt.date | None = None):
    on = on or periods.today()
    return (
        scope.visible_to(user, PolicyItem)
        .filter(
            status=PolicyItem.Status.ACTIVE,
            policy__status=t.PUBLISHED,
            opens_on__lte=on,
            closes_on__gte=on,
        )
        .select_related("policy", "review_unit")
    )


def applications(user, *, item=None, status: str = "", unit: str = "", firm=None):
    qs = scope.visible_to(user, Application).select_related("item", "item__policy", "firm")
    if item is not None:
        qs = qs.filter(item=item)
    if status in Application.Status.values:
        qs = qs.filter(status=status)
    if db_id(unit) is not None:
        qs = qs.filter(item__review_unit_id=db_id(unit))
    if firm is not None:
        qs = qs.filter(firm=firm)
    return qs


def reviews(user, *, week: dt.date | None = None, overdue: bool = False):
    qs = scope.visible_to(user, PolicyReview).select_related("policy", "unit")
    if week is not None:
        qs = qs.filter(week=week)
    if overdue:
        qs = qs.filter(status=t.OPEN, due_at__lt=timezone.now())
    return qs


# --- delivery figures ------------------------------------------------------------------------
def _pct(num, den) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def days_to_payment(application: Application) -> int | None:
    if application.paid_at is None:
        return None
    start = timezone.localtime(application.submitted_at).date()
    return calendar.working_days_between(start, timezone.localtime(application.paid_at).date())


@dataclass
class Delivery:
    budget: Decimal = Decimal(0)
    applications: int = 0  # every application received (all states but cancelled)
    pending: int = 0  # under review (submitted, returned)
    refused: int = 0
    entitled: int = 0  # approved + paid
    paid: int = 0
    approved_amount: Decimal = Decimal(0)
    paid_amount: Decimal = Decimal(0)
    proactive: int = 0  # of the entitled, granted without an application (免申即享)
    days: list[int] = field(default_factory=list)  # working days to payment, per paid one

    @property
    def rate(self) -> Decimal | None:
        """兑现率: paid ÷ entitled."""
        return _pct(self.paid, self.entitled)

    @property
    def amount_rate(self) -> Decimal | None:
        return _pct(self.paid_amount, self.approved_amount)

    @property
    def budget_used(self) -> Decimal | None:
        return _pct(self.paid_amount, self.budget)

    @property
    def owed(self) -> Decimal:
        return self.approved_amount - self.paid_amount

    @property
    def mean_days(self) -> Decimal | None:
        if not self.days:
            return None
        return (Decimal(sum(self.days)) / len(self.days)).quantize(Decimal("0.1"))


def delivery(user, *, items=None, policy=None) -> Delivery:
    """Delivery figures over the items (or one policy's items) the user may see."""
    qs = scope.visible_to(user, PolicyItem)
    if policy is not None:
        qs = qs.filter(policy=policy)
    if items is not None:
        qs = qs.filter(pk__in=[getattr(i, "pk", i) for i in items])
    out = Delivery(
        budget=qs.exclude(status="withdrawn").aggregate(s=Sum("budget"))["s"] or Decimal(0)
    )
    apps = Application.objects.filter(item__in=qs.values("pk")).exclude(status=t.CANCELLED)
    row = apps.aggregate(
        n=Count("pk"),
        pending=Count("pk", filter=Q(status__in=[t.SUBMITTED, t.RETURNED])),
        refused=Count("pk", filter=Q(status=t.REFUSED)),
        entitled=Count("pk", filter=Q(status__in=sorted(t.ENTITLED))),
        paid=Count("pk", filter=Q(status=t.PAID)),
        proactive=Count(
            "pk", filter=Q(status__in=sorted(t.ENTITLED), channel=Application.Channel.PROACTIVE)
        ),
        approved_amount=Sum("approved_amount", filter=Q(status__in=sorted(t.ENTITLED))),
        paid_amount=Sum("payment__amount", filter=Q(status=t.PAID)),
    )
    out.applications = row["n"]
    out.pending = row["pending"]
    out.refused = row["refused"]
    out.entitled = row["entitled"]
    out.paid = row["paid"]
    out.proactive = row["proactive"]
    out.approved_amount = row["approved_amount"] or Decimal(0)
    out.paid_amount = row["paid_amount"] or Decimal(0)
    out.days = [
        calendar.working_days_between(timezone.localtime(s).date(), timezone.localtime(p).date())
        for s, p in apps.filter(status=t.PAID).values_list("submitted_at", "paid_at")
    ]
    return out


def delivery_by_policy(user) -> list[tuple[Policy, Delivery]]:
    rows = []
    visible = scope.visible_to(user, Policy).filter(items__isnull=False).distinct()
    for policy in visible.select_related("owner_unit").order_by("-issued_on", "pk"):
        rows.append((policy, delivery(user, policy=policy)))
    return rows


def budget_left(item: PolicyItem) -> Decimal:
    from yingshang.policies.services.delivery import committed

    return item.budget - committed(item)


def item_figures(user, item: PolicyItem) -> Delivery:
    return delivery(user, items=[item])
