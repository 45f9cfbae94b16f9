from django_tasks import task

from yingshang.scheduler.registry import Periodic


@task()
def run_import(job_id: int) -> str:
    from yingshang.supervision import importer

    return importer.run(job_id).status


@task()
def send_reminders() -> int:
    from yingshang.supervision import services

    return services.problem_send_reminders()


PERIODIC = [Periodic("supervision.reminders", send_reminders, seconds=3600)]
