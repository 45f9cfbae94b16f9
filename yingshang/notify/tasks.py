from django_tasks import task

from yingshang.notify import services
from yingshang.scheduler.registry import Periodic


@task()
def deliver_message(message_id: int) -> str:
    return services.deliver(message_id)


@task()
def deliver_messages(message_ids: list[int]) -> int:
    """A batch queued by services.send_many; each message is claimed and sent as in `deliver`."""
    for pk in message_ids:
        services.deliver(pk)
    return len(message_ids)


@task()
def retry_pending_messages() -> int:
    return services.retry_due()


PERIODIC = [Periodic("notify.retry", retry_pending_messages, seconds=60)]
