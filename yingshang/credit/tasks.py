"""Background work of the credit file: the nightly end of publication of penalties whose
maximum publicity period has passed (publicity.expire: one set-based UPDATE, audited)."""

from django_tasks import task

from yingshang.scheduler.registry import Periodic


@task()
def expire_publicity() -> int:
    from yingshang import workflow
    from yingshang.credit import publicity

    return publicity.expire(actor=workflow.SYSTEM)


# hourly: the first run after midnight ends the day's expiries (an idle run is one indexed
# query that updates nothing)
PERIODIC = [Periodic("credit.expire_publicity", expire_publicity, seconds=3600)]
