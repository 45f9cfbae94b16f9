"""Periodic jobs: each app lists its own in `<app>/tasks.py` as

    PERIODIC = [Periodic("workcal.sweep", sweep_clocks, seconds=60)]

and the worker's scheduler thread enqueues them through the Django tasks API when due."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from yingshang import plugins

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    task: object  # a django_tasks Task
    seconds: int


def discover() -> list[Periodic]:
    return [
        job for module in plugins.app_modules("tasks") for job in getattr(module, "PERIODIC", [])
    ]


def run_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every periodic job whose time has come; returns the names enqueued."""
    from yingshang.scheduler.models import PeriodicJob

    now = now or timezone.now()
    enqueued = []
    for job in discover():
        row, _created = PeriodicJob.objects.get_or_create(
            name=job.name, defaults={"next_run_at": now}
        )
        if row.next_run_at > now:
            continue
        with transaction.atomic():
            claimed = PeriodicJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
                next_run_at=now + dt.timedelta(seconds=job.seconds),
                last_run_at=now,
                runs=row.runs + 1,
            )
        if claimed:
            try:
                job.task.enqueue()
                enqueued.append(job.name)
            except Exception:  # a broken queue must not stop the other jobs
                log.exception("could not enqueue periodic job %s", job.name)
    return enqueued
