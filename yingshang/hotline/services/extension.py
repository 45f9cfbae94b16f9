"""延期: the unit asks for more working days; the centre (or a supervisor) decides."""

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import DomainError, InvalidInput
from yingshang.hotline.models import Extension, WorkOrder
from yingshang.hotline.services._kit import (
    S,
    acquire,
    fmt,
    now,
    tell_caller,
    tell_centre,
    tell_unit,
)
from yingshang.workcal import calendar, clocks

MAX_DAYS = 30


def workorder_ask_extension(*, actor, order: WorkOrder, days: int, reason: str) -> Extension:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "HOTLINE_EXTENSION_REASON_REQUIRED", _("请填写延期理由"), details={"field": "reason"}
        )
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            "HOTLINE_EXTENSION_DAYS", _("延期天数应为1至30个工作日"), details={"field": "days"}
        )
    with transaction.atomic():
        order = acquire(actor, order, "ask_extension")
        at = now()
        if order.handle_due_at is None or at > order.handle_due_at:
            raise DomainError(
                "HOTLINE_EXTENSION_AFTER_DEADLINE",
                _("已超过办理时限，不能再申请延期"),
                details={
                    "due_at": order.handle_due_at.isoformat() if order.handle_due_at else None
                },
            )
        if order.extensions.filter(status=Extension.Status.PENDING).exists():
            raise DomainError("HOTLINE_EXTENSION_PENDING", _("已有待审核的延期申请"))
        ext = Extension.objects.create(
            order=order,
            unit_id=order.main_unit_id,
            days=days,
            reason=reason,
            requested_by=actor,
            requested_at=at,
        )
        workflow.record(
            actor,
            "hotline.ask_extension",
            order,
            after={"extension_id": ext.pk, "days": days},
            reason=reason,
        )
        tell_centre(order, _("承办单位申请延期%(d)d个工作日：%(r)s") % {"d": days, "r": reason})
    return ext


def extension_amount(clock, days: int):
    """Extension days in the clock's own unit: a limit in working hours grows by the working
    hours of that many working days of the calendar's schedule."""
    if clock.limit_unit == "working_days":
        return days
    hours = calendar.get_calendar().hours_per_day
    return days * (int(hours) if hours == int(hours) else hours)


def workorder_decide_extension(
    *, actor, extension: Extension, approve: bool, note: str = ""
) -> Extension:
    with transaction.atomic():
        ext = Extension.objects.select_for_update().get(pk=extension.pk)
        order = acquire(actor, ext.order, "decide_extension")
        if ext.status != Extension.Status.PENDING:
            raise DomainError("HOTLINE_EXTENSION_DECIDED", _("该延期申请已审核"))
        at = now()
        ext.decided_by, ext.decided_at, ext.decision_note = actor, at, note[:300]
        before = {"handle_due_at": order.handle_due_at}
        if approve:
            ext.status = Extension.Status.APPROVED
            clock = clocks.clock_open(order, "handle")
            if clock is not None:
                clock = clocks.clock_extend(
                    clock=clock, amount=extension_amount(clock, ext.days), reason=ext.reason, at=at
                )
                order.handle_due_at = clock.due_at or order.handle_due_at
            ext.new_due_at = order.handle_due_at
            order.extension_count += 1
            if order.status == S.IN_PROGRESS:
                order.due_at = order.handle_due_at
            order.save()
            tell_caller(
                order,
                _("您反映的诉求（工单号%(n)s）经批准延期办理，新的办理时限为%(d)s。")
                % {"n": order.number, "d": fmt(order.handle_due_at)},
            )
        else:
            ext.status = Extension.Status.DENIED
        ext.save()
        workflow.record(
            actor,
            "hotline.approve_extension" if approve else "hotline.deny_extension",
            order,
            before=before,
            after={"handle_due_at": order.handle_due_at, "extension_id": ext.pk},
            reason=note,
        )
        tell_unit(
            order,
            _("延期申请%(r)s。%(n)s") % {"r": _("已批准") if approve else _("未批准"), "n": note},
        )
    return ext
