"""Reads: every staff list starts from the user's scope; the portal reads only what is public
(committed and revealed draws, current published results, the exceptions report)."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang.errors import InvalidInput
from yingshang.inspections.models import Draw, Inspection, Plan, PublishedResult
from yingshang.org import identifiers, scope


def plans_for(user, *, status: str = ""):
    qs = scope.visible_to(user, Plan).select_related("lead_unit").order_by("-created_at")
    return qs.filter(status=status) if status else qs


def inspections_for(user, *, plan_id=None, status: str = "", firm_id=None):
    qs = scope.visible_to(user, Inspection).select_related("plan", "firm").order_by("plan_id", "pk")
    if plan_id:
        qs = qs.filter(plan_id=plan_id)
    if status:
        qs = qs.filter(status=status)
    if firm_id:
        qs = qs.filter(firm_id=firm_id)
    return qs


def public_plans():
    """Plans once their first commitment is published (a draft is not public)."""
    return (
        Plan.objects.exclude(status__in=[Plan.Status.DRAFT])
        .filter(draws__isnull=False)
        .distinct()
        .select_related("lead_unit")
        .order_by("-created_at")
    )


def public_draws():
    return Draw.objects.select_related("plan")


def _cursor(row: PublishedResult) -> str:
    return f"{row.published_at.timestamp():.6f}_{row.pk}"


def _parse_cursor(after: str):
    try:
        ts, pk = after.split("_")
        return dt.datetime.fromtimestamp(float(ts), tz=dt.UTC), int(pk)
    except (ValueError, OverflowError):
        raise InvalidInput(
            "INSPECTIONS_CURSOR_INVALID",
            _("分页参数无效，请从第一页重新查询"),
            details={"field": "after"},
        ) from None


def public_results(*, q: str = "", after: str = "", limit: int = 20):
    """Current published results, newest first, keyset-paginated (no OFFSET, no COUNT: the page
    costs the same on the 50,000th page of a million results). `q`: a USCC (exact) or the
    beginning of a firm's name. Returns (rows, next cursor or None)."""
    qs = PublishedResult.objects.filter(current=True)
    q = (q or "").strip()
    if q:
        code = identifiers.normalize_uscc(q)
        if len(code) == 18 and code.isalnum():
            qs = qs.filter(uscc=code)
        else:
            qs = qs.filter(firm_name__startswith=q)
    if after:
        at, pk = _parse_cursor(after)
        qs = qs.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk))
    rows = list(qs.order_by("-published_at", "-id")[: limit + 1])
    cursor = _cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], cursor


def results_of_firm(user):
    firm_id = getattr(user, "firm_id", None)
    if not firm_id:
        return PublishedResult.objects.none()
    return (
        PublishedResult.objects.filter(firm_id=firm_id)
        .select_related("inspection")
        .order_by("-published_at", "-id")
    )


def parse_month(raw: str) -> tuple[int, int]:
    raw = (raw or "").strip()
    if not raw:
        today = timezone.localdate()
        return today.year, today.month
    try:
        year, month = (int(x) for x in raw.split("-"))
        dt.date(year, month, 1)
    except ValueError:
        raise InvalidInput(
            "INSPECTIONS_MONTH_INVALID",
            _("月份格式应为 年-月，如 2026-12"),
            details={"field": "month"},
        ) from None
    return year, month
