"""The county publishes a round's scores on the portal when it chooses to (and may withdraw
them, with a reason). Only approved values are ever scored, so only they are published."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import DomainError, InvalidInput
from yingshang.indicators import scoring
from yingshang.indicators.models import Period
from yingshang.indicators.services.tree import _office


@transaction.atomic
def period_publish(*, actor, period: Period) -> Period:
    _office(actor)
    period = Period.objects.select_for_update().select_related("tree").get(pk=period.pk)
    if period.published:
        raise DomainError("INDICATOR_ALREADY_PUBLISHED", _("该期次的得分已在门户公布"))
    if scoring.compute(period).score is None:
        raise DomainError(
            "INDICATOR_NOTHING_TO_PUBLISH",
            _("该期次还没有审核通过的指标值，无法公布得分"),
        )
    period.published = True
    period.published_at = timezone.now()
    period.save(update_fields=["published", "published_at"])
    workflow.record(actor, "indicator.publish", period, after={"published": True})
    return period


@transaction.atomic
def period_unpublish(*, actor, period: Period, reason: str = "") -> Period:
    _office(actor)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("REASON_REQUIRED", _("请填写撤回原因"), details={"field": "reason"})
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not period.published:
        raise DomainError("INDICATOR_NOT_PUBLISHED", _("该期次的得分未在门户公布"))
    period.published = False
    period.save(update_fields=["published"])
    workflow.record(
        actor,
        "indicator.unpublish",
        period,
        before={"published": True},
        after={"published": False},
        reason=reason,
    )
    return period
