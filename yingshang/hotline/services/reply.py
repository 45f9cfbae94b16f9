"""The unit replies; the centre reviews the reply, calls the caller back, sends it back for
redoing (重办) or closes it."""

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import DomainError, InvalidInput
from yingshang.hotline.models import Extension, Redo, WorkOrder
from yingshang.hotline.services._kit import (
    acquire,
    now,
    report_city,
    start_clock,
    tell_centre,
    tell_unit,
)
from yingshang.hotline.services.extension import extension_amount
from yingshang.hotline.transitions import ORDER
from yingshang.workcal import clocks
from yingshang.workcal.models import Clock


def workorder_reply(*, actor, order: WorkOrder, text: str) -> WorkOrder:
    text = (text or "").strip()
    if len(text) < 5:
        raise InvalidInput(
            "HOTLINE_REPLY_REQUIRED", _("请填写办理结果（至少5个字）"), details={"field": "text"}
        )
    with transaction.atomic():
        order = acquire(actor, order, "reply")
        at = now()
        before = workflow.snapshot(order, "status", "reply")
        order.status = ORDER.target("reply", order.status)
        order.reply = text
        order.replied_at = at
        order.replied_on_time = order.handle_due_at is None or at <= order.handle_due_at
        order.handler = None if workflow.is_system(actor) else actor
        clock = clocks.clock_open(order, "handle")
        if clock is not None:  # waiting for the centre's review is not the unit's time
            clocks.clock_pause(
                clock=clock, kind=Clock.PauseKind.SUSPENSION, at=at, reason="答复待审核"
            )
        order.due_at = None
        order.save()
        workflow.record(
            actor,
            "hotline.reply",
            order,
            before=before,
            after={"status": order.status, "reply": text, "replied_on_time": order.replied_on_time},
        )
        tell_centre(order, _("承办单位已答复，请审核。"))
    return order


def workorder_review_reply(*, actor, order: WorkOrder, approve: bool, note: str = "") -> WorkOrder:
    """审核答复: approve (the callback clock starts) or send back to the unit with a reason."""
    if not approve and not (note or "").strip():
        raise InvalidInput(
            "HOTLINE_SEND_BACK_REASON", _("退回重新答复须写明原因"), details={"field": "note"}
        )
    action = "approve_reply" if approve else "send_back"
    with transaction.atomic():
        order = acquire(actor, order, action)
        at = now()
        before = workflow.snapshot(order, "status")
        order.status = ORDER.target(action, order.status)
        clock = clocks.clock_open(order, "handle")
        if approve:
            if clock is not None:
                clocks.clock_resume(clock=clock, at=at)
                clocks.clock_stop(clock=clock, at=at)
            order.due_at = start_clock(order, "callback", at).due_at
        else:
            if clock is not None:
                clock = clocks.clock_resume(clock=clock, at=at)
                order.handle_due_at = clock.due_at
            order.due_at = order.handle_due_at
        order.save()
        workflow.record(
            actor,
            f"hotline.{action}",
            order,
            before=before,
            after={"status": order.status, "due_at": order.due_at},
            reason=note,
        )
        if approve:
            report_city(order, "replied", {"reply": order.reply})
        else:
            tell_unit(order, _("答复被退回，请重新办理：%(n)s") % {"n": note})
    return order


def workorder_callback(
    *,
    actor,
    order: WorkOrder,
    resolved: bool | None = None,
    satisfied: bool | None = None,
    note: str = "",
) -> WorkOrder:
    """回访: each answer (resolved? satisfied?) is one click and is recorded at once."""
    if resolved is None and satisfied is None and not note:
        raise InvalidInput("HOTLINE_CALLBACK_EMPTY", _("请选择回访结果"))
    with transaction.atomic():
        order = acquire(actor, order, "callback")
        before = workflow.snapshot(order, "resolved", "satisfied", "callback_note")
        if resolved is not None:
            order.resolved = resolved
        if satisfied is not None:
            order.satisfied = satisfied
        if note:
            order.callback_note = note[:300]
        order.callback_at = now()
        order.save()
        workflow.record(
            actor,
            "hotline.callback",
            order,
            before=before,
            after=workflow.snapshot(order, "resolved", "satisfied", "callback_note"),
        )
    return order


# 重办的时限规则 (the rule the order page states; docs/hotline_kpis.md, 重办):
# a redo is handled on a fresh handling clock of the order's limit rule (category × urgency),
# started at the redo, and the working days of every extension the centre approved on this
# order are carried over onto it — an approved 延期 is time the centre granted for this
# matter, and a redo must not silently take it back.
def approved_extension_days(order: WorkOrder) -> int:
    return sum(
        order.extensions.filter(status=Extension.Status.APPROVED).values_list("days", flat=True)
    )


def workorder_redo(*, actor, order: WorkOrder, reason: str) -> WorkOrder:
    """重办: the caller is not satisfied because of the unit; back to in_progress, counted,
    with a fresh handling limit plus the approved extensions (REDO_RULE)."""
    reason = _redo_reason(reason)
    with transaction.atomic():
        order = acquire(actor, order, "redo")
        if order.satisfied is not False and order.resolved is not False:
            raise DomainError(
                "HOTLINE_REDO_NEEDS_UNSATISFIED", _("只有回访不满意或未解决的工单才能重办")
            )
        _redo(actor, order, reason)
    return order


def workorder_callback_redo(
    *, actor, order: WorkOrder, reason: str, resolved: bool | None = None
) -> WorkOrder:
    """回访不满意 → 重办 in one step: the callback answer (不满意, with the reason as its note)
    and the redo are recorded together, and the order goes back to the unit."""
    reason = _redo_reason(reason)
    with transaction.atomic():
        order = acquire(actor, order, "redo")
        before = workflow.snapshot(order, "resolved", "satisfied", "callback_note")
        order.satisfied = False
        if resolved is not None:
            order.resolved = resolved
        order.callback_note = reason[:300]
        order.callback_at = now()
        order.save(update_fields=["satisfied", "resolved", "callback_note", "callback_at"])
        workflow.record(
            actor,
            "hotline.callback",
            order,
            before=before,
            after=workflow.snapshot(order, "resolved", "satisfied", "callback_note"),
        )
        _redo(actor, order, reason)
    return order


def _redo_reason(reason) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("HOTLINE_REDO_REASON", _("请填写重办原因"), details={"field": "reason"})
    return reason


def _redo(actor, order: WorkOrder, reason: str) -> None:
    """The redo itself, on an order the caller has locked and gated."""
    at = now()
    fields = ("status", "redo_count", "satisfied", "resolved", "handle_due_at")
    before = workflow.snapshot(order, *fields)
    clocks.clock_stop_open(order, "callback", at=at)
    order.status = ORDER.target("redo", order.status)
    order.redo_count += 1
    # the previous answers stay in the audit history; the next callback asks again
    order.satisfied = None
    order.resolved = None
    clock = start_clock(order, "handle", at)
    carried = approved_extension_days(order)
    if carried:
        clock = clocks.clock_extend(
            clock=clock,
            amount=extension_amount(clock, carried),
            reason=str(_("重办带入已批准的延期")),
            at=at,
        )
    order.handle_due_at = clock.due_at
    order.due_at = clock.due_at
    order.save()
    Redo.objects.create(
        order=order, unit_id=order.main_unit_id, reason=reason, created_by=actor, created_at=at
    )
    workflow.record(
        actor,
        "hotline.redo",
        order,
        before=before,
        after={**workflow.snapshot(order, *fields), "extension_days_carried": carried},
        reason=reason,
    )
    tell_unit(order, _("回访不满意，工单退回重办：%(r)s") % {"r": reason})
    report_city(order, "redo", {"reason": reason})


def workorder_close(*, actor, order: WorkOrder, note: str = "") -> WorkOrder:
    with transaction.atomic():
        order = acquire(actor, order, "close")
        if order.satisfied is None and order.resolved is None and not note:
            raise DomainError(
                "HOTLINE_CLOSE_NEEDS_CALLBACK", _("请先记录回访结果，或写明无法回访的原因")
            )
        at = now()
        before = workflow.snapshot(order, "status")
        clocks.clock_stop_open(order, "callback", at=at)
        order.status = ORDER.target("close", order.status)
        order.closed_at = at
        order.close_kind = WorkOrder.CloseKind.HANDLED
        order.due_at = None
        order.save()
        workflow.record(
            actor,
            "hotline.close",
            order,
            before=before,
            after={"status": order.status, "closed_at": at},
            reason=note,
        )
        report_city(order, "closed", {"resolved": order.resolved, "satisfied": order.satisfied})
    return order
