from django_tasks import task

from yingshang.scheduler.registry import Periodic


@task()
def overdue_notices() -> int:
    from yingshang.hotline.services import workorder_issue_overdue_notices

    return workorder_issue_overdue_notices()


@task()
def deliver_city_reports() -> dict:
    from yingshang.hotline.city import deliver_due

    return deliver_due()


PERIODIC = [
    Periodic("hotline.overdue_notices", overdue_notices, seconds=1800),
    Periodic("hotline.city_reports", deliver_city_reports, seconds=120),
]
