"""改派 (转办) of a work order: the hotline centre or an administrator moves an order from a main
unit that cannot act on it (no account, wrong unit) to another, with a reason.

The clock rule (docs/reassignment.md), as for a re-dispatch after a return: the handling clock
runs on from the first dispatch — the caller's deadline does not move — while the new unit gets
its own signing clock (签收, the category's sign limit) from the moment of reassignment. The
order waits for the new unit's signature (awaiting_sign) whether it had been signed or not."""

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import InvalidInput
from yingshang.hotline.models import WorkOrder
from yingshang.hotline.services._kit import acquire, fmt, now, report_city, start_clock, tell_unit
from yingshang.hotline.transitions import ORDER
from yingshang.org.staff import reassign_checked
from yingshang.workcal import clocks


def workorder_reassign(*, actor, order: WorkOrder, main_unit, reason: str) -> WorkOrder:
    reason = reassign_checked(reason, main_unit, unit_field="main_unit_id")
    with transaction.atomic():
        order = acquire(actor, order, "reassign")
        if order.main_unit_id == main_unit.pk:
            raise InvalidInput(
                "REASSIGN_SAME_UNIT",
                _("新承办单位与原单位相同"),
                details={"field": "main_unit_id"},
            )
        at = now()
        before = workflow.snapshot(order, "status", "main_unit_id")
        clocks.clock_stop_open(order, "sign", at=at)
        order.status = ORDER.target("reassign", order.status)
        order.main_unit = main_unit
        order.dispatched_at = at
        order.signed_at = None
        order.signed_on_time = None
        sign_clock = start_clock(order, "sign", at)
        order.sign_due_at = sign_clock.due_at
        order.due_at = sign_clock.due_at
        order.save()
        workflow.record(
            actor,
            "hotline.reassign",
            order,
            before=before,
            after={
                "status": order.status,
                "main_unit_id": main_unit.pk,
                "sign_due_at": order.sign_due_at,
                "handle_due_at": order.handle_due_at,
            },
            reason=reason,
        )
        tell_unit(
            order,
            _("工单已改派给贵单位（原因：%(r)s），请于 %(d)s 前签收，办理时限至 %(h)s。")
            % {"r": reason, "d": fmt(order.sign_due_at), "h": fmt(order.handle_due_at)},
        )
        report_city(order, "dispatched", {"unit": main_unit.name})
    return order
