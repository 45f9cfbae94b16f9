"""申诉复核: the unit rated may appeal a malicious or mistaken 差评; a supervisor decides with
reasons. An upheld appeal excludes the rating from statistics (kept in history) and cancels its
rectification."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import DomainError, InvalidInput
from yingshang.org.roles import Role
from yingshang.ratings.models import Appeal, Rating, Rectification
from yingshang.ratings.services.rectifications import acquire, rectification_cancel


def _text(value: str, code: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(code, message)
    return value


@transaction.atomic
def appeal_submit(
    *, actor, rating: Rating, kind: str, reason: str, at: dt.datetime | None = None
) -> Appeal:
    rating = workflow.acquire(workflow.SYSTEM, Rating, rating)  # the caller fetched it in scope
    workflow.gate(actor, rating, "appeal")
    if not rating.is_bad:
        raise DomainError("APPEAL_NOT_BAD_RATING", _("只能对差评提出申诉"))
    if rating.excluded:
        raise DomainError("APPEAL_ALREADY_UPHELD", _("该差评已申诉核减"))
    if Appeal.objects.filter(rating=rating, status=Appeal.Status.PENDING).exists():
        raise DomainError("APPEAL_PENDING", _("该差评已有待审核的申诉"))
    if kind not in Appeal.Kind.values:
        raise InvalidInput("APPEAL_KIND_INVALID", _("请选择申诉类型：恶意差评或误评"))
    reason = _text(reason, "APPEAL_REASON_REQUIRED", _("请填写申诉理由"))
    appeal = Appeal.objects.create(
        rating=rating,
        unit_id=rating.unit_id,
        kind=kind,
        reason=reason,
        submitted_by=actor,
        submitted_at=at or timezone.now(),
    )
    workflow.record(
        actor, "appeal.submit", appeal, after={"rating": rating.pk, "kind": kind}, reason=reason
    )
    return appeal


@transaction.atomic
def appeal_decide(
    *, actor, appeal: Appeal, upheld: bool, reason: str, at: dt.datetime | None = None
) -> Appeal:
    appeal = acquire(actor, Appeal, appeal, "decide")
    reason = _text(reason, "APPEAL_REASON_REQUIRED", _("请填写审核意见"))
    at = at or timezone.now()
    appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.REJECTED
    appeal.decided_by, appeal.decided_at, appeal.decision_reason = actor, at, reason
    appeal.save()
    workflow.record(
        actor,
        "appeal.decide",
        appeal,
        role=Role.SUPERVISOR,
        after={"status": appeal.status},
        reason=reason,
    )
    if upheld:
        rating = workflow.acquire(workflow.SYSTEM, Rating, appeal.rating_id)
        rating.excluded = True
        rating.save(update_fields=["excluded"])
        workflow.record(
            actor,
            "rating.exclude",
            rating,
            role=Role.SUPERVISOR,
            unit=rating.unit_id,
            before={"excluded": False},
            after={"excluded": True},
            reason=reason,
        )
        rect = Rectification.objects.filter(rating=rating).first()
        if rect is not None and rect.is_open:
            rectification_cancel(actor=actor, rectification=rect, reason=reason, at=at)
    return appeal
