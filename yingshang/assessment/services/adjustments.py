"""Bonus and penalty items (加减分): entered by supervisors with a reason and evidence; voided
with a reason, never deleted."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import uploads, workflow
from yingshang.assessment.models import Adjustment
from yingshang.assessment.services.schemes import require_manager
from yingshang.assessment.transitions import ADJUSTMENT
from yingshang.errors import InvalidInput
from yingshang.org.models import Unit

MAX_POINTS = Decimal(10)


def adjustment_add(
    *, actor, unit_id: int, kind: str, occurred_on, points, reason: str, evidence=None
) -> Adjustment:
    workflow.require_actor(actor)
    require_manager(actor)
    return enter(
        actor=actor,
        unit_id=unit_id,
        kind=kind,
        occurred_on=occurred_on,
        points=points,
        reason=reason,
        evidence=evidence,
    )


def enter(*, actor, unit_id: int, kind: str, occurred_on, points, reason: str, evidence=None):
    """The item itself, for a caller that has checked the actor's right (adjustment_add; the
    approval of an 曝光 case by a leader)."""
    workflow.require_actor(actor)
    if kind not in Adjustment.Kind.values:
        raise InvalidInput("ASSESSMENT_BAD_ADJUSTMENT_KIND", _("加减分类别无效"))
    try:
        points = Decimal(str(points)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InvalidInput("ASSESSMENT_BAD_POINTS", _("分值须为数字")) from None
    if points == 0 or abs(points) > MAX_POINTS:
        raise InvalidInput("ASSESSMENT_BAD_POINTS", _("分值须在-10到10之间且不为0"))
    if (kind == Adjustment.Kind.PRAISE) != (points > 0):
        raise InvalidInput(
            "ASSESSMENT_POINTS_SIGN", _("通报表扬为加分（正数），其余类别为减分（负数）")
        )
    if not (reason or "").strip():
        raise InvalidInput("ASSESSMENT_REASON_REQUIRED", _("请填写加减分事由"))
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None:
        raise InvalidInput("ASSESSMENT_BAD_UNIT", _("单位不存在"))
    if evidence is not None:
        uploads.check(evidence, field="evidence", allowed=uploads.EVIDENCE)
    with transaction.atomic():
        item = Adjustment(
            unit=unit,
            kind=kind,
            occurred_on=occurred_on,
            points=points,
            reason=reason.strip(),
            created_by=actor,
        )
        if evidence is not None:
            item.evidence_name = evidence.name[:200]
            item.evidence.save(evidence.name, evidence, save=False)
        item.save()
        workflow.record(
            actor,
            "assessment.adjustment_add",
            item,
            after={
                "unit": unit.pk,
                "kind": kind,
                "points": str(points),
                "occurred_on": str(occurred_on),
                "evidence": item.evidence_name,
            },
            reason=item.reason,
        )
    return item


def adjustment_void(*, actor, adjustment: Adjustment, reason: str) -> Adjustment:
    if not (reason or "").strip():
        raise InvalidInput("ASSESSMENT_REASON_REQUIRED", _("请填写作废原因"))
    with transaction.atomic():
        item = workflow.lock(actor, adjustment, action="void", table=ADJUSTMENT)
        item.status = ADJUSTMENT.target("void", item.status)
        item.void_reason = reason.strip()
        item.save(update_fields=["status", "void_reason"])
        workflow.record(
            actor, "assessment.adjustment_void", item, after={"status": item.status}, reason=reason
        )
    return item
