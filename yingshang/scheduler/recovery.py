"""Jobs interrupted mid-run: a worker killed (OOM, kill -9, a crash) leaves its task RUNNING in
the database queue forever. Every worker keeps a lease (scheduler.models.WorkerLease) that its
heartbeat thread renews every HEARTBEAT_SECONDS; a RUNNING task whose worker's lease lapsed
(no beat for WORKER_LEASE_SECONDS, or the worker stopped) was interrupted. `recover()` — run by
every worker at start and on each scheduler tick — then either

- retries it, when the owning module registered the task as safe to run again
  (`register(task, prepare=…, give_up=…, attempts=n)`: `prepare(*args, **kwargs)` puts the
  module's own record back in its queued state; the task goes back to READY), or
- marks it FAILED (`WorkerLost`), after `attempts` interrupted runs or for a task nobody
  registered; `give_up(*args, **kwargs)` then marks the module's record failed, where the user
  who started it finds a retry button.

Each task is recovered by one worker only (a conditional UPDATE on status = RUNNING). Only the
database queue (the default) needs this; RQ (REDIS_URL) has its own abandoned-job registry.
"""

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
# a RUNNING task whose worker claimed it without a lease (a worker of an older version, or
# `db_worker` started by hand) counts as interrupted only after this long
ORPHAN_SECONDS = 6 * 3600


class WorkerLost(Exception):
    """The worker running the task stopped before the task finished."""


@dataclass(frozen=True)
class Recovery:
    task_path: str
    prepare: Callable[..., bool] | None
    give_up: Callable[..., None] | None
    attempts: int


_registry: dict[str, Recovery] = {}


def register(task, *, prepare=None, give_up=None, attempts: int = 3) -> None:
    """Declare `task` safe to run again after an interruption (up to `attempts` runs in all).
    `prepare(*args, **kwargs) -> bool` readies the module's record for the rerun (False: there
    is nothing left to do, e.g. it finished just before the worker died); `give_up` marks it
    failed once the attempts are spent."""
    path = task.module_path
    _registry[path] = Recovery(path, prepare, give_up, attempts)


def lease_seconds() -> float:
    return float(
        os.environ.get("WORKER_LEASE_SECONDS") or getattr(settings, "WORKER_LEASE_SECONDS", 30)
    )


def new_worker_id() -> str:
    host = socket.gethostname()[:30]
    return f"{host}-{os.getpid()}-{get_random_string(6).lower()}"[:64]


def lease_take(worker_id: str) -> None:
    from yingshang.scheduler.models import WorkerLease

    now = timezone.now()
    WorkerLease.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:100],
            "pid": os.getpid(),
            "started_at": now,
            "beat_at": now,
            "stopped_at": None,
        },
    )


def lease_renew(worker_id: str) -> None:
    from yingshang.scheduler.models import WorkerLease

    WorkerLease.objects.filter(worker_id=worker_id, stopped_at__isnull=True).update(
        beat_at=timezone.now()
    )


def lease_release(worker_id: str) -> None:
    from yingshang.scheduler.models import WorkerLease

    WorkerLease.objects.filter(worker_id=worker_id).update(stopped_at=timezone.now())


def _lapsed(result, leases: dict, now: dt.datetime) -> bool:
    worker_id = result.worker_ids[-1] if result.worker_ids else ""
    lease = leases.get(worker_id)
    if lease is None:
        started = result.started_at or result.enqueued_at
        return started < now - dt.timedelta(seconds=ORPHAN_SECONDS)
    if lease.stopped_at is not None:
        return True
    return lease.beat_at < now - dt.timedelta(seconds=lease_seconds())


def recover(now: dt.datetime | None = None) -> dict[str, int]:
    """Retry or fail every task left RUNNING by a worker whose lease lapsed."""
    try:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database queue is always installed
        return {"retried": 0, "failed": 0}
    from yingshang.scheduler.models import WorkerLease
    from yingshang.scheduler.registry import discover

    discover()  # imports every app's tasks.py, where tasks register their recovery
    now = now or timezone.now()
    counts = {"retried": 0, "failed": 0}
    running = list(DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING))
    if not running:
        return counts
    ids = {r.worker_ids[-1] for r in running if r.worker_ids}
    leases = {lease.worker_id: lease for lease in WorkerLease.objects.filter(worker_id__in=ids)}
    for result in running:
        if not _lapsed(result, leases, now):
            continue
        outcome = _recover_one(result, now)
        if outcome:
            counts[outcome] += 1
    return counts


def _recover_one(result, now: dt.datetime) -> str:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    recovery = _registry.get(result.task_path)
    args = result.args_kwargs.get("args", [])
    kwargs = result.args_kwargs.get("kwargs", {})
    runs = len(result.worker_ids)
    worker = result.worker_ids[-1] if result.worker_ids else "?"
    with transaction.atomic():
        # one recoverer per task: lock the row, and re-check it is still RUNNING
        if (
            not DBTaskResult.objects.select_for_update()
            .filter(pk=result.pk, status=TaskResultStatus.RUNNING)
            .exists()
        ):
            return ""
        still = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING)
        retry = recovery is not None and runs < recovery.attempts
        prepare = recovery.prepare if retry and recovery is not None else None
        if prepare is not None and not prepare(*args, **kwargs):
            # nothing left to do: the work had finished when the worker died
            still.update(status=TaskResultStatus.SUCCESSFUL, finished_at=now)
            log.warning(
                "task %s (%s): worker %s lost after the work was done",
                result.pk,
                result.task_path,
                worker,
            )
            return ""
        if retry:
            assert recovery is not None
            still.update(status=TaskResultStatus.READY, started_at=None, run_after=now)
            log.warning(
                "task %s (%s) was interrupted on worker %s: run %d of %d, retrying",
                result.pk,
                result.task_path,
                worker,
                runs,
                recovery.attempts,
            )
            return "retried"
        still.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=f"WorkerLost: worker {worker} stopped during run {runs} of this task",
        )
        if recovery is not None and recovery.give_up is not None:
            recovery.give_up(*args, **kwargs)
        log.error(
            "task %s (%s) was interrupted on worker %s after %d run(s): marked failed",
            result.pk,
            result.task_path,
            worker,
            runs,
        )
        return "failed"
