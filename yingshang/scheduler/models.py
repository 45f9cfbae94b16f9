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
