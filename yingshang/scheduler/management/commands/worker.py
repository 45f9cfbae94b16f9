"""`yingshang worker`: the task worker plus the periodic scheduler, in one process.

Without REDIS_URL it runs django-tasks-db's database worker (the embedded default, no extra
service); with REDIS_URL it runs an RQ worker. A scheduler thread enqueues periodic jobs.
With --burst it enqueues the periodic jobs that are due once, runs every queued task and exits
(for a cron-driven deployment, and for the worker's own tests).

On the database queue the worker holds a lease renewed by a heartbeat thread, and at start and
on every scheduler tick recovers the tasks of workers whose lease lapsed (scheduler.recovery)."""

import contextlib
import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from yingshang.scheduler import recovery
from yingshang.scheduler.registry import run_due

log = logging.getLogger(__name__)

# RQ must run django-tasks jobs with their own job class (a plain RQ job calls the Task object)
RQ_JOB_CLASS = "django_tasks_rq.Job"
RQ_RESTART_SECONDS = 2.0


def _recover() -> None:
    if settings.REDIS_URL:
        return
    counts = recovery.recover()
    if any(counts.values()):
        log.warning("interrupted tasks: %(retried)d retried, %(failed)d marked failed", counts)


def _scheduler_loop(stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            _recover()
            run_due()
        except Exception:
            log.exception("scheduler tick failed")
        finally:
            close_old_connections()
        stop.wait(interval)


def _heartbeat_loop(stop: threading.Event, worker_id: str) -> None:
    while not stop.wait(recovery.HEARTBEAT_SECONDS):
        try:
            close_old_connections()
            recovery.lease_renew(worker_id)
        except Exception:
            log.exception("worker heartbeat failed")
        finally:
            close_old_connections()


def _run_rq(*, burst: bool) -> None:
    """RQ's worker; started again when it stops because Redis went away. django-rq's rqworker
    reports a lost connection (redis ConnectionError, e.g. Redis restarting while a job runs)
    by exiting with status 1: the worker process stays up and reconnects instead of leaving it
    to systemd (the cluster test restarts Redis under load)."""
    mode = "--burst" if burst else "--with-scheduler"
    while True:
        try:
            call_command("rqworker", "default", mode, "--job-class", RQ_JOB_CLASS)
            return
        except SystemExit as exc:
            if burst or exc.code in (0, None):
                raise
            log.warning("RQ worker lost Redis; starting it again in %s s", RQ_RESTART_SECONDS)
            time.sleep(RQ_RESTART_SECONDS)


def _run_worker(*, burst: bool, worker_id: str) -> None:
    """The queue's own worker: until stopped, or (burst) until the queue is empty."""
    if settings.REDIS_URL:
        _run_rq(burst=burst)
    elif burst:
        call_command("db_worker", "--batch", "--no-startup-delay", "--worker-id", worker_id)
    else:
        call_command("db_worker", "--interval", "1", "--worker-id", worker_id)


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
        worker_id = recovery.new_worker_id()
        stop = threading.Event()
        if not settings.REDIS_URL:
            recovery.lease_take(worker_id)
            threading.Thread(
                target=_heartbeat_loop, args=(stop, worker_id), daemon=True, name="heartbeat"
            ).start()
            _recover()  # what a worker that died before us left RUNNING
        try:
            if burst:
                if not no_scheduler:
                    run_due()
                _run_worker(burst=True, worker_id=worker_id)
                return
            if not no_scheduler:
                threading.Thread(
                    target=_scheduler_loop, args=(stop, tick), daemon=True, name="scheduler"
                ).start()
            with contextlib.suppress(KeyboardInterrupt):
                _run_worker(burst=False, worker_id=worker_id)
        finally:
            stop.set()
            if not settings.REDIS_URL:
                close_old_connections()
                recovery.lease_release(worker_id)
            time.sleep(0)
