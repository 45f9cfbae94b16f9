"""What every work-order service shares beyond the workflow kit: the lock-and-gate, the clocks
the limits give, and the three audiences of a work order's messages (the unit, the centre, the
caller) — plus the city platform's report."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.hotline.limits import limit_for
from yingshang.hotline.models import WorkOrder
from yingshang.hotline.transitions import ORDER
from yingshang.notify import services as notify
from yingshang.org.roles import Role
from yingshang.org.staff import staff_of
from yingshang.workcal import calendar, clocks
from yingshang.workcal.models import Clock

S = WorkOrder.Status


def now(at=None) -> dt.datetime:
    return at or timezone.now()


def acquire(actor, order: WorkOrder, action: str) -> WorkOrder:
    """Lock `order` and refuse `action` unless the abilities allow it (403 with the reason, or
    the state table's precise 409). Callers reach a service with an order they fetched through
    the actor's scope (pages and API: 404 outside it), so the row is read by key here: a
    person of another unit is told "not yours" (403), as before the kit."""
    return workflow.lock(actor, order, action=action, table=ORDER)


def start_clock(order: WorkOrder, purpose: str, at: dt.datetime) -> Clock:
    limit = limit_for(purpose, order.category, order.urgency)
    amount, unit = limit.amount, limit.unit
    if limit.same_day:
        # 当日: the working hours left today; after hours, the rule's own amount
        left = calendar.working_hours_between(at, calendar.end_of_day(calendar.local_date(at)))
        if left >= 1:
            amount, unit = round(left, 2), "working_hours"
    return clocks.clock_start(owner=order, purpose=purpose, amount=amount, unit=unit, started_at=at)


def _send(users, order: WorkOrder, body: str) -> None:
    notify.send_to(
        users,
        subject=_("工单 %(n)s") % {"n": order.number},
        body=body,
        link=f"/staff/hotline/orders/{order.pk}/",
        related=order,
    )


def tell_unit(order: WorkOrder, body: str, unit_id=None) -> None:
    unit_id = unit_id or order.main_unit_id
    if unit_id is not None:
        _send(staff_of(unit_id), order, body)


def tell_centre(order: WorkOrder, body: str) -> None:
    _send(staff_of(None, roles=(Role.HOTLINE_OPERATOR,)), order, body)


def tell_caller(order: WorkOrder, body: str) -> None:
    if order.caller_phone and not order.anonymous:
        notify.send(channel="sms", address=order.caller_phone, body=body, related=order)


def report_city(order: WorkOrder, event: str, payload: dict | None = None) -> None:
    if order.source_system:
        from yingshang.hotline.city import get_adapter

        get_adapter().report(order, event, payload or {})


def fmt(at) -> str:
    return calendar.to_local(at).strftime("%Y-%m-%d %H:%M") if at else ""


def unit(unit_id):
    from yingshang.org.models import Unit

    return Unit.objects.get(pk=unit_id) if unit_id else None
