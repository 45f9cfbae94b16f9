"""`yingshang worker`: the task worker plus the periodic scheduler, in one process.

Without REDIS_URL it runs django-tasks-db's database worker (the embedded default, no extra
service); with REDIS_URL it runs an RQ worker. A scheduler thread enqueues periodic jobs.
With --burst it enqueues the periodic jobs that are due once, runs every queued task and exits
(for a cron-driven deployment, and for the worker's own tests)."""

import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from yingshang.scheduler.registry import run_due

log = logging.getLogger(__name__)

# RQ must run django-tasks jobs with their own job class (a plain RQ job calls the Task object)
RQ_JOB_CLASS = "django_tasks_rq.Job"


def _scheduler_loop(stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            run_due()
        except Exception:
            log.exception("scheduler tick failed")
        finally:
            close_old_connections()
        stop.wait(interval)


def _run_worker(*, burst: bool) -> None:
    """The queue's own worker: until stopped, or (burst) until the queue is empty."""
    if settings.REDIS_URL:
        mode = "--burst" if burst else "--with-scheduler"
        call_command("rqworker", "default", mode, "--job-class", RQ_JOB_CLASS)
    elif burst:
        call_command("db_worker", "--batch", "--no-startup-delay")
    else:
        call_command("db_worker", "--interval", "1")


class Command(BaseCommand):
    help = "Run the background task worker and the periodic scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--no-scheduler", action="store_true")
        parser.add_argument(
            "--tick", type=float, default=15.0, help="seconds between scheduler checks"
        )
        parser.add_argument(
            "--burst",
            action="store_true",
            help="enqueue the due periodic jobs once, run every queued task, then exit",
        )

    def handle(self, *args, no_scheduler=False, tick=15.0, burst=False, **options):
        if burst:
            if not no_scheduler:
                run_due()
            _run_worker(burst=True)
            return
        stop = threading.Event()
        if not no_scheduler:
            threading.Thread(
                target=_scheduler_loop, args=(stop, tick), daemon=True, name="scheduler"
            ).start()
        try:
            _run_worker(burst=False)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            time.sleep(0)
