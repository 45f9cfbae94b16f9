"""Reads: every list starts from scope.visible_to(user, WorkOrder)."""

import datetime as dt

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from yingshang.hotline.models import CoUnit, Extension, ReturnRequest, WorkOrder
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


OPEN = [S.AWAITING_SIGN, S.IN_PROGRESS]


def _queue_filters(now: dt.datetime) -> dict[str, Q]:
    """What puts an order in each of the handler's queues; every queue holds open orders only
    (awaiting signature or in progress)."""
    soon = calendar.end_of_day(calendar.add_working_days(calendar.local_date(now), 1))
    open_ = Q(status__in=OPEN)
    return {
        "to_sign": Q(status=S.AWAITING_SIGN),
        "in_progress": Q(status=S.IN_PROGRESS),
        "due_soon": open_ & Q(due_at__gte=now, due_at__lte=soon),
        "overdue": open_ & Q(due_at__lt=now),
        "sent_back": Q(status=S.IN_PROGRESS) & (Q(redo_count__gt=0) | Q(replied_at__isnull=False)),
    }


def _handled(user):
    """The orders of the main units where the user handles orders."""
    units = scope.grants(user).units(Role.DEPT_HANDLER, Role.DEPT_HEAD)
    return orders(user).filter(main_unit_id__in=units)


def unit_queue(user, queue: str, now: dt.datetime | None = None):
    """The handler's queues, limited to the main units where the user handles orders."""
    q = _queue_filters(now or timezone.now()).get(queue)
    if q is None:
        return orders(user).none()
    return _handled(user).filter(q).order_by("due_at")


def queue_counts(user, now=None) -> dict:
    """The size of every queue, in one query over the units' open orders."""
    filters = _queue_filters(now or timezone.now())
    return (
        _handled(user)
        .filter(status__in=OPEN)
        .aggregate(**{key: Count("pk", filter=q) for key, q in filters.items()})
    )


# 协办: orders where one of the user's units is a co-handling unit (not the main unit)
CO_QUEUES = {
    "co_pending": _("协办待提交意见"),
    "co_given": _("协办已提交意见"),
}


def co_queue(user, queue: str, *, visible=None):
    """Orders the user's units co-handle. `co_pending`: being handled by the main unit
    (awaiting its signature or in progress) and no opinion from the user's unit yet;
    `co_given`: the user's unit has given its opinion (any state, latest first)."""
    qs = orders(user) if visible is None else visible
    units = scope.grants(user).units(Role.DEPT_HANDLER, Role.DEPT_HEAD)
    if not units:
        return qs.none()
    links = CoUnit.objects.filter(order_id=OuterRef("pk"), unit_id__in=units).exclude(
        unit_id=OuterRef("main_unit_id")
    )
    if queue == "co_pending":
        return qs.filter(
            Exists(links.filter(opinion="")), status__in=[S.AWAITING_SIGN, S.IN_PROGRESS]
        ).order_by("due_at", "id")
    if queue == "co_given":
        latest = links.exclude(opinion="").order_by("-opinion_at").values("opinion_at")[:1]
        return (
            qs.filter(Exists(links.exclude(opinion="")))
            .annotate(co_opinion_at=latest)
            .order_by("-co_opinion_at", "-id")
        )
    return qs.none()


def co_queue_counts(user) -> dict:
    visible = orders(user)
    return {key: co_queue(user, key, visible=visible).count() for key in CO_QUEUES}


def centre_queue(user, queue: str, now: dt.datetime | None = None):
    qs = orders(user)
    if queue == "overdue":  # waiting on a unit past its sign or handling deadline
        return qs.filter(
            status__in=[S.AWAITING_SIGN, S.IN_PROGRESS], due_at__lt=now or timezone.now()
        ).order_by("due_at")
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


# --- the portal's 我的诉求 ------------------------------------------------------------------------
def my_orders(user):
    """The work orders a logged-in person or firm account may list as its own (我的诉求).

    Rule: the orders this account itself submitted (portal or API while logged in:
    `created_by` is the account), and nothing else. Deliberately NOT included:

    - orders registered by phone (or by anyone else) with the same mobile number as the
      account: the account's mobile number is not verified when it registers (no SMS code),
      so matching on it would let anyone who types in someone else's number read that
      caller's requests — confidential and anonymous ones included;
    - for firm accounts, orders whose 涉及企业 is the account's firm: those are often
      complaints or reports *about* the firm, and showing them would expose the caller;
    - orders submitted by other accounts of the same firm.

    Staff accounts have no 我的诉求 (an empty list). Starts from scope.visible_to."""
    if not user.is_authenticated or getattr(user, "kind", "staff") not in ("person", "firm"):
        return WorkOrder.objects.none()
    return (
        scope.visible_to(user, WorkOrder)
        .filter(created_by=user)
        .select_related("main_unit", "topic", "merged_into")
        .order_by("-registered_at", "-id")
    )


# what a caller sees of the status (the internal review step is still "being handled")
PUBLIC_STATUS = {
    S.REGISTERED: _("已受理，待转办"),
    S.AWAITING_SIGN: _("办理中"),
    S.IN_PROGRESS: _("办理中"),
    S.AWAITING_REVIEW: _("办理中"),
    S.AWAITING_CALLBACK: _("已答复"),
    S.CLOSED: _("已办结"),
}


def public_status(order) -> str:
    if order.close_kind == WorkOrder.CloseKind.MERGED:
        return str(_("已合并办理"))
    return str(PUBLIC_STATUS.get(order.status, order.get_status_display()))


def reply_is_public(order) -> bool:
    """The unit's reply reaches the caller once the centre approved it (or answered directly)."""
    return bool(order.reply) and order.status in (S.AWAITING_CALLBACK, S.CLOSED)


# audit actions a caller may see, with the wording shown to the caller; everything else
# (returns, internal notes, reviews, supervision, co-unit opinions, reclassification) is
# internal. Only the time and this label are shown: no names, no reasons, no field values.
PUBLIC_EVENTS = {
    "hotline.register": _("诉求已提交"),
    "hotline.dispatch": _("已转交承办单位办理"),
    "hotline.sign": _("承办单位已签收"),
    "hotline.approve_extension": _("经批准延期办理"),
    "hotline.answer_directly": _("已答复并办结"),
    "hotline.approve_reply": _("已答复"),
    "hotline.callback": _("已回访"),
    "hotline.redo": _("重新办理"),
    "hotline.close": _("已办结"),
    "hotline.merge": _("与相同诉求合并办理"),
    "hotline.portal_rate": _("您已评价"),
}


def public_timeline(order) -> list[dict]:
    from yingshang.audit import selectors as audit_selectors

    rows = []
    last_dispatch = None
    for e in audit_selectors.timeline(order).filter(action__in=list(PUBLIC_EVENTS)):
        row = {"at": e.created_at, "label": str(PUBLIC_EVENTS[e.action]), "due": None}
        if e.action == "hotline.approve_extension":
            due = (e.changes or {}).get("handle_due_at")
            if isinstance(due, list) and isinstance(due[1], str):
                row["due"] = parse_datetime(due[1])
        if e.action == "hotline.dispatch":
            # a re-dispatch after a return is one "being transferred" step for the caller
            if last_dispatch is not None:
                continue
            last_dispatch = row
        rows.append(row)
    return rows
