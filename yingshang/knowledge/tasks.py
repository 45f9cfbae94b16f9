"""Background training of the smart-dispatch model (the supervisor's 重新训练 button enqueues
it; a weekly periodic run keeps the model learning from new dispatch decisions)."""

from django.db import transaction
from django_tasks import task

from yingshang import audit
from yingshang.scheduler.registry import Periodic


@task()
def train_dispatch_model(holdout: float = 0.2, actor_id: int | None = None) -> dict:
    from yingshang.hotline import smart_dispatch
    from yingshang.org.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    model = smart_dispatch.train(holdout=holdout, actor=actor)
    return {
        "model": model.pk if model else None,
        "top1": model.top1_accuracy if model else None,
        "top3": model.top3_accuracy if model else None,
    }


def request_retrain(*, actor, holdout: float = 0.2) -> None:
    """Audit the request and enqueue the training after the transaction commits."""
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="dispatch_model.retrain_requested",
            object_type="knowledge.dispatchmodel",
            object_id="retrain",
            after={"holdout": holdout},
        )
        transaction.on_commit(
            lambda: train_dispatch_model.enqueue(holdout=holdout, actor_id=actor.pk)
        )


@task()
def weekly_retrain() -> dict:
    return train_dispatch_model.call(holdout=0.2)


PERIODIC = [Periodic("knowledge.train_dispatch", weekly_retrain, seconds=7 * 24 * 3600)]
