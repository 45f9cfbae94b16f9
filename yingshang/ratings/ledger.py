"""The hook to the supervision ledger (问题台账) for the outcome "建立台账、限期整改".

The reply writes a LedgerIntent in its own transaction; `push` then asks the supervision app
for `problem_create_from_source` (idempotent on source_type + source_id). When the ledger
refuses (or is taken away, as a test does through `_creator`) the intent stays pending and the
periodic task `ratings.ledger_replay` tries again, so the outcome is never lost."""

import logging

from django.db import transaction
from django.utils import timezone

from yingshang import workflow
from yingshang.org.models import Unit, User
from yingshang.ratings.models import LedgerIntent, Rectification
from yingshang.supervision import services as supervision_services

log = logging.getLogger(__name__)
SOURCE_TYPE = "ratings.rectification"


def intent_for(rectification: Rectification, *, actor, measures: str) -> LedgerIntent:
    rating = rectification.rating
    problems = "、".join(rating.problem_labels) or rating.get_level_display()
    payload = {
        "actor_id": getattr(actor, "pk", None),
        "unit_id": rectification.unit_id,
        "description": f"差评整改（{rating.get_channel_display()}，{rating.get_level_display()}）：{problems}",
        "measures": measures[:2000],
    }
    intent, _created = LedgerIntent.objects.get_or_create(
        rectification=rectification, defaults={"payload": payload}
    )
    return intent


def _creator():
    """The ledger's creation hook (supervision is always installed)."""
    return supervision_services.problem_create_from_source


def push(intent: LedgerIntent) -> bool:
    """Create the ledger problem now if the supervision ledger offers the hook."""
    create = _creator()
    if create is None:
        return False
    with transaction.atomic():
        intent = LedgerIntent.objects.select_for_update().get(pk=intent.pk)
        if intent.status == LedgerIntent.Status.DONE:
            return True
        payload = intent.payload
        # the person whose reply chose the ledger; automatic work when they are gone (or never
        # were: an intent written by an import)
        actor = User.objects.filter(pk=payload.get("actor_id")).first() or workflow.SYSTEM
        unit = Unit.objects.get(pk=payload["unit_id"])
        intent.attempts += 1
        try:
            with transaction.atomic():
                problem = create(
                    actor=actor,
                    source="bad_rating",
                    source_type=SOURCE_TYPE,
                    source_id=str(intent.rectification_id),
                    unit=unit,
                    description=payload["description"],
                    measures=payload.get("measures", ""),
                )
        except Exception as exc:  # a refusal by the ledger must not undo the reply
            log.exception("ledger intent %s failed", intent.pk)
            intent.last_error = str(exc)[:300]
            intent.save(update_fields=["attempts", "last_error"])
            return False
        ref = str(getattr(problem, "number", "") or getattr(problem, "pk", ""))
        intent.status = LedgerIntent.Status.DONE
        intent.done_at = timezone.now()
        intent.last_error = ""
        intent.save(update_fields=["status", "done_at", "attempts", "last_error"])
        Rectification.objects.filter(pk=intent.rectification_id).update(ledger_ref=ref[:40])
    return True


def replay_pending(limit: int = 200) -> int:
    done = 0
    for intent in LedgerIntent.objects.filter(status=LedgerIntent.Status.PENDING).order_by(
        "created_at"
    )[:limit]:
        done += push(intent)
    return done
