"""信用风险分类 for sampling (cn_rules §8: good credit → lower ratios, 失信 and many complaints →
higher). Four grades, worst first wins:

  D  失信: on the dishonest list now or with a 虚假承诺 (credit.selectors.is_dishonest)
  C  many complaints: ≥ COMPLAINTS_HIGH 12345 complaints/reports about the firm in 365 days
  B  some complaints (≥ 1) — or a firm credit.sanctions refuses `inspection_relief`
  A  good: no complaint in 365 days and no credit record against it

`grades()` computes the whole register in four queries (the draw snapshots 200,000 firms);
`grade_of()` does one firm through the credit module's own check, and a test holds them equal."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COMPLAINTS_HIGH = 3
WINDOW_DAYS = 365
LABELS = {
    "A": _("A 信用良好（低风险）"),
    "B": _("B 一般风险"),
    "C": _("C 投诉较多（较高风险）"),
    "D": _("D 失信（高风险）"),
}


def _since(today: dt.date | None) -> dt.datetime:
    today = today or timezone.localdate()
    return timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=WINDOW_DAYS), dt.time())
    )


def _complaint_q():
    from yingshang.hotline.models import WorkOrder

    return Q(category__in=[WorkOrder.Category.COMPLAINT, WorkOrder.Category.REPORT])


def complaint_counts(firm_ids=None, *, today: dt.date | None = None) -> dict[int, int]:
    from yingshang.hotline.models import WorkOrder

    qs = WorkOrder.objects.filter(
        _complaint_q(), firm__isnull=False, registered_at__gte=_since(today)
    )
    if firm_ids is not None:
        qs = qs.filter(firm_id__in=firm_ids)
    return dict(qs.values("firm_id").order_by().annotate(n=Count("pk")).values_list("firm_id", "n"))


def dishonest_firm_ids(*, today: dt.date | None = None) -> set[int]:
    """Firms credit.selectors.is_dishonest would name, in two queries."""
    from yingshang.credit.models import Commitment, DishonestListing

    today = today or timezone.localdate()
    listed = DishonestListing.objects.filter(
        Q(until__isnull=True) | Q(until__gte=today), active=True, subject__firm__isnull=False
    ).values_list("subject__firm_id", flat=True)
    false = Commitment.objects.filter(
        status=Commitment.Status.FALSE, subject__firm__isnull=False
    ).values_list("subject__firm_id", flat=True)
    return set(listed) | set(false)


def grade(*, dishonest: bool, complaints: int) -> str:
    if dishonest:
        return "D"
    if complaints >= COMPLAINTS_HIGH:
        return "C"
    if complaints >= 1:
        return "B"
    return "A"


def grades(firm_ids=None, *, today: dt.date | None = None) -> dict[int, str]:
    """{firm id: grade} for the given firms (all firms when None)."""
    from yingshang.enterprises.models import Firm

    ids = list(Firm.objects.values_list("pk", flat=True)) if firm_ids is None else list(firm_ids)
    bad = dishonest_firm_ids(today=today)
    counts = complaint_counts(None if firm_ids is None else ids, today=today)
    return {pk: grade(dishonest=pk in bad, complaints=counts.get(pk, 0)) for pk in ids}


def grade_of(firm, *, today: dt.date | None = None) -> str:
    from yingshang.credit import sanctions, selectors

    g = grade(
        dishonest=selectors.is_dishonest(firm),
        complaints=complaint_counts([firm.pk], today=today).get(firm.pk, 0),
    )
    if g == "A" and sanctions.blocked(firm, "inspection_relief"):
        return "B"
    return g
