"""The centre's corrections and pressure: merge a duplicate, reclassify, 督办 / 催办."""

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import DomainError, InvalidInput
from yingshang.hotline.models import Reclassification, Supervision, Topic, WorkOrder
from yingshang.hotline.services._kit import S, acquire, now, report_city, tell_unit
from yingshang.hotline.transitions import ORDER
from yingshang.workcal import clocks


def workorder_merge(*, actor, order: WorkOrder, into: WorkOrder, reason: str = "") -> WorkOrder:
    """合并: a duplicate is closed into the order that carries the matter on."""
    if into.pk == order.pk:
        raise InvalidInput("HOTLINE_MERGE_SELF", _("不能把工单合并到自身"))
    with transaction.atomic():
        order = acquire(actor, order, "merge")
        target = WorkOrder.objects.select_for_update().get(pk=into.pk)
        if target.merged_into_id or (
            target.status == S.CLOSED and target.close_kind == WorkOrder.CloseKind.MERGED
        ):
            raise DomainError("HOTLINE_MERGE_TARGET_MERGED", _("目标工单本身已被合并"))
        at = now()
        before = workflow.snapshot(order, "status", "merged_into_id")
        for purpose in ("sign", "handle", "callback"):
            clocks.clock_stop_open(order, purpose, at=at)
        order.status = ORDER.target("merge", order.status)
        order.merged_into = target
        order.closed_at = at
        order.close_kind = WorkOrder.CloseKind.MERGED
        order.due_at = None
        order.save()
        workflow.record(
            actor,
            "hotline.merge",
            order,
            before=before,
            after={"status": order.status, "merged_into": target.number},
            reason=reason,
        )
        workflow.record(
            actor, "hotline.merged_in", target, after={"duplicate": order.number}, reason=reason
        )
        report_city(order, "merged", {"merged_into": target.number})
    return order


def workorder_reclassify(
    *, actor, order: WorkOrder, category: str, topic: Topic | None, reason: str
) -> WorkOrder:
    if category not in WorkOrder.Category.values:
        raise InvalidInput("HOTLINE_BAD_CATEGORY", _("诉求类别无效"), details={"field": "category"})
    if not (reason or "").strip():
        raise InvalidInput(
            "HOTLINE_RECLASSIFY_REASON", _("请填写调整分类的原因"), details={"field": "reason"}
        )
    with transaction.atomic():
        order = acquire(actor, order, "reclassify")
        if order.category == category and order.topic_id == getattr(topic, "pk", None):
            raise InvalidInput("HOTLINE_RECLASSIFY_SAME", _("分类没有变化"))
        Reclassification.objects.create(
            order=order,
            old_category=order.category,
            new_category=category,
            old_topic_id=order.topic_id,
            new_topic=topic,
            reason=reason,
            by=actor,
            at=now(),
        )
        before = {"category": order.category, "topic": order.topic_id}
        order.category = category
        order.topic = topic
        order.save()
        workflow.record(
            actor,
            "hotline.reclassify",
            order,
            before=before,
            after={"category": category, "topic": getattr(topic, "pk", None)},
            reason=reason,
        )
    return order


def workorder_supervise(*, actor, order: WorkOrder, kind: str, note: str) -> Supervision:
    """督办 / 催办 attached to an open order, with a message to the unit."""
    if kind not in (Supervision.Kind.SUPERVISE, Supervision.Kind.URGE):
        raise InvalidInput("HOTLINE_BAD_SUPERVISION_KIND", _("类型无效"))
    if not (note or "").strip():
        raise InvalidInput(
            "HOTLINE_SUPERVISION_NOTE", _("请填写督办/催办内容"), details={"field": "note"}
        )
    ability = "supervise" if kind == Supervision.Kind.SUPERVISE else "urge"
    with transaction.atomic():
        order = acquire(actor, order, ability)
        rec = Supervision.objects.create(
            order=order,
            kind=kind,
            unit_id=order.main_unit_id,
            note=note,
            created_by=actor,
            created_at=now(),
        )
        workflow.record(
            actor,
            f"hotline.{ability}",
            order,
            after={"supervision_id": rec.pk, "kind": kind},
            reason=note,
        )
        label = _("督办") if kind == Supervision.Kind.SUPERVISE else _("催办")
        tell_unit(order, f"{label}：{note}")
    return rec
