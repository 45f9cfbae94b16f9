from django.conf import settings
from django_tasks import task

from yingshang.scheduler.registry import Periodic


@task()
def write_checkpoint() -> int:
    """The periodic signed checkpoint (checkpoints.py); fails, writing nothing, when the chain
    does not verify since the previous one."""
    from yingshang.audit import checkpoints

    if checkpoints.directory() is None:  # tests without a checkpoint folder
        return 0
    return checkpoints.write().seq


PERIODIC = [
    Periodic("audit.checkpoint", write_checkpoint, seconds=settings.AUDIT_CHECKPOINT_SECONDS)
]
