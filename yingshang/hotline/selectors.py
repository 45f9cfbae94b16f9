"""Reads: every list starts from scope.visible_to(user, WorkOrder)."""

import datetime as dt

from django.db.models import Count, Min, Q
from django.utils import timezone

from yingshang.hotline.models import Extension, ReturnRequest, WorkOrder
from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.workcal import calendar

S = WorkOrder.Status
LIST_RELATED = ("main_unit", "topic")


def orders(user):
    return scope.visible_to(user, WorkOrder).select_related(*LIST_RELATED)


QUEUES = {
    "to_sign": "待签收",
    "in_progress": "办理中",
    "due_soon": "即将到期",
    "overdue": "已超期",
    "sent_back": "退回重办",
}


def unit_queue(user, queue: str, now: dt.datetime | None = None):
    """The handler's queues, limited to the main units where the user handles orders."""
    now = now or timezone.now()
    units = scope.grants(user).units(Role.DEPT_HANDLER, Role.DEPT_HEAD)
    qs = orders(user).filter(main_unit_id__in=units)
    if queue == "to_sign":
        return qs.filter(status=S.AWAITING_SIGN).order_by("due_at")
    if queue == "in_progress":
        return qs.filter(status=S.IN_PROGRESS).order_by("due_at")
    if queue == "due_soon":
        soon = calendar.end_of_day(calendar.add_working_days(calendar.local_date(now), 1))
        return qs.filter(
            status__in=[S.AWAITING_SIGN, S.IN_PROGRESS], due_at__gte=now, due_at__lte=soon
        ).order_by("due_at")
    if queue == "overdue":
        return qs.filter(status__in=[S.AWAITING_SIGN, S.IN_PROGRESS], due_at__lt=now).order_by(
            "due_at"
        )
    if queue == "sent_back":
        return (
            qs.filter(status=S.IN_PROGRESS)
            .filter(Q(redo_count__gt=0) | Q(replied_at__isnull=False))
            .order_by("due_at")
        )
    return qs.none()


def queue_counts(user, now=None) -> dict:
    return {key: unit_queue(user, key, now).count() for key in QUEUES}


def centre_queue(user, queue: str):
    qs = orders(user)
    if queue == "registered":
        return qs.filter(status=S.REGISTERED).order_by("registered_at")
    if queue == "review":
        return qs.filter(status=S.AWAITING_REVIEW).order_by("replied_at")
    if queue == "callback":
        return qs.filter(status=S.AWAITING_CALLBACK).order_by("due_at")
    if queue == "extensions":
        return qs.filter(extensions__status=Extension.Status.PENDING).distinct().order_by("due_at")
    if queue == "returns":
        return (
            qs.filter(returns__ruling=ReturnRequest.Ruling.PENDING)
            .distinct()
            .order_by("registered_at")
        )
    return qs.order_by("-registered_at")


def caller_history(user, phone: str, limit: int = 10):
    phone = (phone or "").strip()
    if len(phone) < 7:
        return orders(user).none()
    return orders(user).filter(caller_phone=phone).order_by("-registered_at")[:limit]


def duplicates(
    user,
    *,
    phone: str = "",
    content: str = "",
    address: str = "",
    days: int = 7,
    exclude_pk=None,
    now=None,
    limit: int = 8,
):
    """Open or recent orders that may be the same request: same phone, or the same address, or
    sharing a distinctive stretch of the content, within the last `days` days."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=days)
    q = Q(pk__in=[])
    if phone and len(phone) >= 7:
        q |= Q(caller_phone=phone)
    if address and len(address) >= 6:
        q |= Q(address__icontains=address[-8:])
    text = "".join((content or "").split())
    if len(text) >= 8:
        for i in range(0, min(len(text) - 6, 40), 6):
            q |= Q(content__contains=text[i : i + 6])
    qs = orders(user).filter(q, registered_at__gte=since).exclude(close_kind="merged")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("-registered_at")[:limit]


def criticism_list(user, now=None):
    """通报批评: units with orders 5 or more working days past their deadline, still not
    answered (an approved extension moves the deadline, so it is the approved reason)."""
    now = now or timezone.now()
    today = calendar.local_date(now)
    # five full working days have passed since the deadline day (today itself not counted)
    cutoff = calendar.end_of_day(calendar.add_working_days(today, -6))
    late = orders(user).filter(
        status__in=[S.AWAITING_SIGN, S.IN_PROGRESS], handle_due_at__lte=cutoff
    )
    return (
        late.values("main_unit_id", "main_unit__name")
        .annotate(n=Count("id"), oldest=Min("handle_due_at"))
        .order_by("-n", "main_unit__name")
    ), late.order_by("handle_due_at")
