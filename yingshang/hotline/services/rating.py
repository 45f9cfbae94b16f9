"""The caller rates the reply on the portal."""

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import DomainError
from yingshang.hotline.models import WorkOrder
from yingshang.hotline.services._kit import S, now


def workorder_portal_rate(*, order: WorkOrder, satisfied: bool) -> WorkOrder:
    """The caller rates the reply on the portal (after looking it up by number + phone: the
    check is the look-up, so the event has no account behind it — SYSTEM)."""
    with transaction.atomic():
        order = WorkOrder.objects.select_for_update().get(pk=order.pk)
        if (
            order.status not in (S.AWAITING_CALLBACK, S.CLOSED)
            or order.close_kind == WorkOrder.CloseKind.MERGED
        ):
            raise DomainError("HOTLINE_RATE_NOT_YET", _("工单尚未答复，暂不能评价"))
        if order.portal_rating is not None:
            raise DomainError("HOTLINE_ALREADY_RATED", _("您已评价过该工单"))
        order.portal_rating = satisfied
        order.portal_rated_at = now()
        if order.status == S.AWAITING_CALLBACK and order.satisfied is None:
            order.satisfied = satisfied  # counts as the callback answer
        order.save()
        workflow.record(
            workflow.SYSTEM,
            "hotline.portal_rate",
            order,
            before={"portal_rating": None},
            after={"portal_rating": satisfied, "satisfied": order.satisfied},
            unit=order.main_unit_id,
        )
    return order
