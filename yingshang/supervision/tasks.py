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


def _register_recovery() -> None:
    # a ledger import interrupted by a dead worker is rerun (all-or-nothing: nothing was
    # written), twice at most, then failed with a retry button (scheduler.recovery)
    from yingshang.scheduler import recovery
    from yingshang.supervision import importer

    recovery.register(
        run_import,
        prepare=importer.requeue_interrupted,
        give_up=importer.fail_interrupted,
        attempts=3,
    )


_register_recovery()
