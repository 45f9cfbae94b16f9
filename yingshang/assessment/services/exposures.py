"""曝光台: a typical case (negative or positive) is drafted by a supervisor, submitted, reviewed
by someone other than its author (a leader, or another supervisor) and published — with the
phone and ID numbers and the named persons masked in the public text — on the portal and inside;
a negative case may carry an 曝光 penalty item. A case is withdrawn with a reason (its penalty
item voided), never deleted."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.assessment.models import Adjustment, Exposure, Finding
from yingshang.assessment.services.adjustments import adjustment_void, enter
from yingshang.assessment.services.schemes import require_manager
from yingshang.assessment.services.visits import _day, _text
from yingshang.assessment.transitions import EXPOSURE
from yingshang.errors import InvalidInput
from yingshang.org.masking import mask_text
from yingshang.org.models import Unit


def public_text(body: str, persons: str) -> str:
    names = [n.strip() for n in (persons or "").replace("，", ",").replace("、", ",").split(",")]
    return mask_text(body, names=[n for n in names if n])


def exposure_create(
    *,
    actor,
    title: str,
    kind: str,
    unit_id: int,
    occurred_on,
    body: str,
    persons: str = "",
    points=None,
    finding_id: int | None = None,
) -> Exposure:
    workflow.require_actor(actor)
    require_manager(actor)
    title = _text(title, "ASSESSMENT_EXPOSURE_TITLE_REQUIRED", _("请填写案例标题"))
    body = _text(body, "ASSESSMENT_EXPOSURE_BODY_REQUIRED", _("请填写案例内容"))
    if kind not in Exposure.Kind.values:
        raise InvalidInput("ASSESSMENT_EXPOSURE_BAD_KIND", _("类型须为反面典型或正面典型"))
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None:
        raise InvalidInput("ASSESSMENT_BAD_UNIT", _("单位不存在"))
    occurred_on = _day(occurred_on, _("发生日期"))
    if points in ("", None):
        points = None
    else:
        try:
            points = Decimal(str(points)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise InvalidInput("ASSESSMENT_BAD_POINTS", _("分值须为数字")) from None
        if kind != Exposure.Kind.NEGATIVE or not Decimal(-10) <= points < 0:
            raise InvalidInput(
                "ASSESSMENT_BAD_POINTS", _("只有反面典型可以扣分，扣分须在-10到0之间（负数）")
            )
    finding = None
    if finding_id:
        finding = Finding.objects.filter(pk=finding_id, status=Finding.Status.CONFIRMED).first()
        if finding is None:
            raise InvalidInput("ASSESSMENT_EXPOSURE_BAD_FINDING", _("关联的察看发现不存在或未确认"))
    with transaction.atomic():
        item = Exposure.objects.create(
            title=title[:120],
            kind=kind,
            unit=unit,
            occurred_on=occurred_on,
            body=body,
            persons=(persons or "").strip()[:200],
            points=points,
            finding=finding,
            created_by=actor,
        )
        workflow.record(
            actor,
            "assessment.exposure_create",
            item,
            after={"title": item.title, "kind": kind, "unit": unit.pk, "points": str(points)},
        )
    return item


def exposure_submit(*, actor, exposure: Exposure) -> Exposure:
    with transaction.atomic():
        item = workflow.lock(actor, exposure, action="submit", table=EXPOSURE)
        item.status = EXPOSURE.target("submit", item.status)
        item.save(update_fields=["status"])
        workflow.record(actor, "assessment.exposure_submit", item, after={"status": item.status})
    return item


def exposure_approve(*, actor, exposure: Exposure, note: str = "") -> Exposure:
    """Publish: the public text is fixed now (masked), the penalty item entered."""
    with transaction.atomic():
        item = workflow.lock(actor, exposure, action="approve", table=EXPOSURE)
        item.status = EXPOSURE.target("approve", item.status)
        item.public_body = public_text(item.body, item.persons)
        item.review_note = (note or "").strip()
        item.reviewed_by = actor
        item.published_at = timezone.now()
        if item.points is not None:
            item.adjustment = enter(
                actor=actor,
                unit_id=item.unit_id,
                kind=Adjustment.Kind.EXPOSURE,
                occurred_on=item.occurred_on,
                points=item.points,
                reason=_("曝光台：%(title)s") % {"title": item.title},
            )
        item.save()
        workflow.record(
            actor,
            "assessment.exposure_approve",
            item,
            after={"status": item.status, "adjustment": item.adjustment_id},
            reason=item.review_note,
        )
    return item


def exposure_send_back(*, actor, exposure: Exposure, reason: str) -> Exposure:
    reason = _text(reason, "ASSESSMENT_REASON_REQUIRED", _("请填写退回原因"))
    with transaction.atomic():
        item = workflow.lock(actor, exposure, action="send_back", table=EXPOSURE)
        item.status = EXPOSURE.target("send_back", item.status)
        item.review_note = reason
        item.save(update_fields=["status", "review_note"])
        workflow.record(
            actor,
            "assessment.exposure_send_back",
            item,
            after={"status": item.status},
            reason=reason,
        )
    return item


def exposure_withdraw(*, actor, exposure: Exposure, reason: str) -> Exposure:
    reason = _text(reason, "ASSESSMENT_REASON_REQUIRED", _("请填写撤回原因"))
    with transaction.atomic():
        item = workflow.lock(actor, exposure, action="withdraw", table=EXPOSURE)
        was = item.status
        if item.adjustment_id and item.adjustment.status == Adjustment.Status.ACTIVE:
            item.adjustment = adjustment_void(
                actor=actor, adjustment=item.adjustment, reason=reason
            )
        item.status = EXPOSURE.target("withdraw", item.status)
        item.withdraw_reason = reason
        item.save(update_fields=["status", "withdraw_reason"])
        workflow.record(
            actor,
            "assessment.exposure_withdraw",
            item,
            before={"status": was},
            after={"status": item.status},
            reason=reason,
        )
    return item
