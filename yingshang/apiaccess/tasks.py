from django_tasks import task

from yingshang.scheduler.registry import Periodic


@task()
def purge_rate_counts() -> int:
    from yingshang.apiaccess import ratelimit

    return ratelimit.purge()


PERIODIC = [Periodic("apiaccess.purge_rate_counts", purge_rate_counts, seconds=3600)]
