from django_tasks import task

from yingshang.notify import services
from yingshang.scheduler.registry import Periodic


@task()
def deliver_message(message_id: int) -> str:
    return services.deliver(message_id)


@task()
def retry_pending_messages() -> int:
    return services.retry_due()


PERIODIC = [Periodic("notify.retry", retry_pending_messages, seconds=60)]
