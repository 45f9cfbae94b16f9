from django.db import models


class PeriodicJob(models.Model):
    """When a periodic job is next due. Schedulers claim a run with a conditional UPDATE on
    next_run_at, so several worker processes never enqueue the same run twice."""

    name = models.CharField(max_length=80, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class WorkerLease(models.Model):
    """A running worker process and its heartbeat. A task the database queue shows RUNNING on a
    worker whose lease has lapsed (no beat for WORKER_LEASE_SECONDS, or stopped) was interrupted:
    the recovery (scheduler.recovery) retries it or marks it failed."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=100, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.worker_id
