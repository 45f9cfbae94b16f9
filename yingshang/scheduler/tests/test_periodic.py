import datetime as dt

import pytest
from django.utils import timezone

from yingshang.scheduler import registry
from yingshang.scheduler.models import PeriodicJob

pytestmark = pytest.mark.django_db


def test_periodic_jobs_are_discovered_from_the_apps():
    names = {job.name for job in registry.discover()}
    assert {"workcal.sweep", "notify.retry"} <= names


def test_a_due_job_is_enqueued_once_per_interval():
    now = timezone.now()
    first = registry.run_due(now)
    assert "workcal.sweep" in first
    assert "workcal.sweep" not in registry.run_due(now + dt.timedelta(seconds=10))
    assert "workcal.sweep" in registry.run_due(now + dt.timedelta(seconds=61))
    assert PeriodicJob.objects.get(name="workcal.sweep").runs == 2


def test_two_schedulers_claiming_the_same_run_enqueue_it_once():
    now = timezone.now()
    registry.run_due(now)
    row = PeriodicJob.objects.get(name="workcal.sweep")
    later = now + dt.timedelta(minutes=5)
    # scheduler B read the row before scheduler A claimed it: its conditional update loses
    stale_next = row.next_run_at
    assert "workcal.sweep" in registry.run_due(later)
    claimed = PeriodicJob.objects.filter(pk=row.pk, next_run_at=stale_next).update(runs=0)
    assert claimed == 0
