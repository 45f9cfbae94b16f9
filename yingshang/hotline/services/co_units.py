"""协办: the co-handling units give their opinion to the main unit."""

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.hotline import rules
from yingshang.hotline.models import CoUnit, WorkOrder
from yingshang.hotline.services._kit import S, now, tell_unit, unit
from yingshang.org.scope import grants as grants_of

CO_OPINION_MIN = 2


def workorder_co_opinion(
    *, actor, order: WorkOrder, opinion: str, unit_id: int | None = None
) -> CoUnit:
    """协办意见: a handler or head of a co-handling unit gives the unit's opinion to the main unit.

    - Who: a dept handler/head of one of the order's co-units (not of the main unit).
      Anyone else: HOTLINE_CO_OPINION_FORBIDDEN (403).
    - When: while the main unit handles the order — signed (in_progress), before its reply.
      Otherwise HOTLINE_CO_OPINION_STATE (409). After a send-back or a redo the order is in
      progress again, so the opinion can be revised for the new reply.
    - How often: one opinion per co-unit per dispatch round, editable until the main unit
      replies (a later submission replaces the text; each version stays in the audit history).
      A return (退单) clears the opinions for the next dispatch. Submitting the same text again
      changes nothing (safe to retry).
    - The main unit's handlers are notified (in-app) of every new or changed opinion.

    The rule is the `co_opinion` ability; this service tells "not a co-unit" (403) from "not
    now" (409) with their own codes, which the pages and the API show."""
    workflow.require_actor(actor)
    opinion = (opinion or "").strip()
    if len(opinion) < CO_OPINION_MIN:
        raise InvalidInput(
            "HOTLINE_CO_OPINION_REQUIRED",
            _("请填写协办意见（至少%(n)d个字）") % {"n": CO_OPINION_MIN},
            details={"field": "opinion"},
        )
    with transaction.atomic():
        order = WorkOrder.objects.select_for_update().get(pk=order.pk)
        mine = rules.co_unit_ids(grants_of(actor), order) if actor else []
        if unit_id is not None:
            mine = [u for u in mine if u == unit_id]
        if not mine:
            raise PermissionDeniedError(
                "HOTLINE_CO_OPINION_FORBIDDEN",
                _("只有本工单协办单位的经办人或负责人可以提交协办意见"),
            )
        if len(mine) > 1:
            raise InvalidInput(
                "HOTLINE_CO_UNIT_REQUIRED",
                _("您在多个协办单位任职，请选择以哪个单位提交意见"),
                details={"field": "unit_id", "units": mine},
            )
        if order.status != S.IN_PROGRESS:
            raise DomainError(
                "HOTLINE_CO_OPINION_STATE",
                _("主办单位签收后、答复前才能提交或修改协办意见"),
                details={"state": order.status},
            )
        link = CoUnit.objects.select_for_update().get(order=order, unit_id=mine[0])
        if link.opinion == opinion:
            return link
        before = {"opinion": link.opinion}
        first = not link.opinion
        link.opinion, link.opinion_by, link.opinion_at = opinion, actor, now()
        link.save(update_fields=["opinion", "opinion_by", "opinion_at"])
        workflow.record(
            actor,
            "hotline.co_opinion",
            order,
            before=before,
            after={"opinion": opinion},
            unit=link.unit_id,  # the co-unit that gave it
        )
        body = (
            _("协办单位%(u)s已提交协办意见：%(o)s")
            if first
            else _("协办单位%(u)s修改了协办意见：%(o)s")
        ) % {"u": unit(link.unit_id).name, "o": opinion[:200]}
        tell_unit(order, body)
    return link
