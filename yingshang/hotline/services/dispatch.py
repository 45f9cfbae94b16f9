"""The centre answers or dispatches; the unit signs or returns; the centre rules the return."""

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import audit, workflow
from yingshang.errors import DomainError, InvalidInput
from yingshang.hotline.models import CoUnit, ReturnRequest, WorkOrder
from yingshang.hotline.services._kit import (
    acquire,
    fmt,
    now,
    report_city,
    start_clock,
    tell_centre,
    tell_unit,
    unit,
)
from yingshang.hotline.transitions import ORDER
from yingshang.workcal import clocks
from yingshang.workcal.models import Clock


def workorder_answer_directly(
    *, actor, order: WorkOrder, reply: str, article_id: int | None = None
) -> WorkOrder:
    """直接答复: the centre answers at once (from the knowledge base) and closes the order."""
    reply = (reply or "").strip()
    if not reply:
        raise InvalidInput(
            "HOTLINE_REPLY_REQUIRED", _("请填写答复内容"), details={"field": "reply"}
        )
    if article_id is not None:
        from yingshang.knowledge.selectors import citable

        citable(article_id)  # published and in force today, or a clear error
    with transaction.atomic():
        order = acquire(actor, order, "answer_directly")
        at = now()
        before = workflow.snapshot(order, "status", "reply")
        order.status = ORDER.target("answer_directly", order.status)
        order.reply = reply
        order.replied_at = at
        order.closed_at = at
        order.close_kind = WorkOrder.CloseKind.DIRECT
        order.knowledge_article_id = article_id
        order.due_at = None
        order.save()
        workflow.record(
            actor,
            "hotline.answer_directly",
            order,
            before=before,
            after={"status": order.status, "reply": reply, "knowledge_article_id": article_id},
        )
        report_city(order, "closed", {"reply": reply})
    return order


def workorder_dispatch(
    *, actor, order: WorkOrder, main_unit, co_units=(), note: str = "", suggested_unit_id=None
) -> WorkOrder:
    """派单 to a main unit (and co-units): the sign clock starts; the handling clock runs from the
    first dispatch."""
    if main_unit is None:
        raise InvalidInput(
            "HOTLINE_UNIT_REQUIRED", _("请选择主办单位"), details={"field": "main_unit"}
        )
    co_units = [u for u in co_units if u.pk != main_unit.pk]
    with transaction.atomic():
        order = acquire(actor, order, "dispatch")
        at = now()
        before = workflow.snapshot(order, "status", "main_unit_id")
        order.status = ORDER.target("dispatch", order.status)
        order.main_unit = main_unit
        order.dispatched_at = at
        order.first_dispatched_at = order.first_dispatched_at or at
        order.signed_at = None
        order.signed_on_time = None
        sign_clock = start_clock(order, "sign", at)
        order.sign_due_at = sign_clock.due_at
        # the handling clock runs from the first dispatch; a return does not reset it
        handle = clocks.clock_open(order, "handle")
        if handle is None:
            handle = start_clock(order, "handle", at)
        order.handle_due_at = handle.due_at
        order.due_at = sign_clock.due_at
        order.save()
        for co in co_units:
            CoUnit.objects.get_or_create(order=order, unit=co)
        workflow.record(
            actor,
            "hotline.dispatch",
            order,
            before=before,
            after={
                "status": order.status,
                "main_unit_id": main_unit.pk,
                "co_units": [u.pk for u in co_units],
                "sign_due_at": order.sign_due_at,
                "handle_due_at": order.handle_due_at,
                "suggested_unit_id": suggested_unit_id,
            },
            reason=note,
        )
        tell_unit(order, _("新工单待签收，请于 %(d)s 前签收。") % {"d": fmt(order.sign_due_at)})
        for co in co_units:
            tell_unit(order, _("您单位为工单协办单位，请配合主办单位办理。"), unit_id=co.pk)
        report_city(order, "dispatched", {"unit": main_unit.name})
    return order


def workorder_sign(*, actor, order: WorkOrder) -> WorkOrder:
    """签收 by the main unit: the sign clock stops (on time or late)."""
    with transaction.atomic():
        order = acquire(actor, order, "sign")
        at = now()
        before = workflow.snapshot(order, "status", "signed_at")
        clock = clocks.clock_stop_open(order, "sign", at=at)
        order.status = ORDER.target("sign", order.status)
        order.signed_at = at
        order.signed_on_time = clock.outcome == Clock.Outcome.MET if clock else True
        order.handler = None if workflow.is_system(actor) else actor
        order.due_at = order.handle_due_at
        order.save()
        workflow.record(
            actor,
            "hotline.sign",
            order,
            before=before,
            after={
                "status": order.status,
                "signed_at": at,
                "signed_on_time": order.signed_on_time,
            },
        )
        report_city(order, "signed", {"unit": order.main_unit.name if order.main_unit_id else ""})
    return order


def workorder_return(*, actor, order: WorkOrder, reason: str) -> ReturnRequest:
    """退单: the unit gives the order back with a reason; the centre re-dispatches and rules
    whether the return was justified. The handling clock keeps running."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise InvalidInput(
            "HOTLINE_RETURN_REASON_REQUIRED",
            _("请填写退单理由（至少4个字）"),
            details={"field": "reason"},
        )
    with transaction.atomic():
        order = acquire(actor, order, "return")
        at = now()
        unit_id = order.main_unit_id
        before = workflow.snapshot(order, "status", "main_unit_id")
        clocks.clock_stop_open(order, "sign", at=at)
        order.status = ORDER.target("return", order.status)
        order.main_unit = None
        order.return_count += 1
        order.due_at = order.handle_due_at
        order.save()
        CoUnit.objects.filter(order=order).update(opinion="", opinion_by=None, opinion_at=None)
        ret = ReturnRequest.objects.create(
            order=order, unit_id=unit_id, reason=reason, returned_by=actor, returned_at=at
        )
        event = workflow.record(
            actor,
            "hotline.return",
            order,
            before=before,
            after={"status": order.status, "main_unit_id": None},
            reason=reason,
            unit=unit_id,  # the unit that returned it (the order has none any more)
        )
        audit.record_return(
            event=event,
            kind="return",
            unit=unit(unit_id),
            due_at=order.handle_due_at,
            label=order.number,
        )
        tell_centre(order, _("工单被退回：%(r)s") % {"r": reason})
        report_city(order, "returned", {"reason": reason})
    return ret


def workorder_rule_return(
    *, actor, return_request: ReturnRequest, justified: bool, note: str = ""
) -> ReturnRequest:
    """退单认定: was the unit right to return it (feeds the returns report)?"""
    with transaction.atomic():
        ret = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        order = WorkOrder.objects.get(pk=ret.order_id)
        workflow.gate(actor, order, "rule_return", table=ORDER)
        if ret.ruling != ReturnRequest.Ruling.PENDING:
            raise DomainError("HOTLINE_RETURN_ALREADY_RULED", _("该退单已认定"))
        ret.ruling = (
            ReturnRequest.Ruling.JUSTIFIED if justified else ReturnRequest.Ruling.UNJUSTIFIED
        )
        ret.ruled_by = actor
        ret.ruled_at = now()
        ret.ruling_note = note[:300]
        ret.save()
        workflow.record(
            actor,
            "hotline.rule_return",
            order,
            before={"return_ruling": "pending"},
            after={"return_ruling": ret.ruling, "return_id": ret.pk},
            reason=note,
            unit=ret.unit_id,
        )
    return ret
