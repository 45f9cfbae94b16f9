"""Tasks interrupted by a dead worker: detected by the worker's lapsed lease, retried when the
module registered them (the ledger import), failed otherwise; a failed import has a retry
button for the person who started it. (The real kill is in test_serve.py.)"""

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from yingshang.audit.models import AuditEvent
from yingshang.errors import DomainError
from yingshang.scheduler import recovery
from yingshang.scheduler.models import WorkerLease
from yingshang.supervision import importer
from yingshang.supervision.models import ImportJob, Problem
from yingshang.supervision.tests.sample import ledger

pytestmark = pytest.mark.django_db
RUN_IMPORT = "yingshang.supervision.tasks.run_import"


def _lease(worker_id: str, *, beat_ago: float, stopped: bool = False) -> None:
    now = timezone.now()
    WorkerLease.objects.create(
        worker_id=worker_id,
        started_at=now - dt.timedelta(hours=1),
        beat_at=now - dt.timedelta(seconds=beat_ago),
        stopped_at=now if stopped else None,
    )


def _running(task_path: str, args, worker_ids, started_ago: float = 60) -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status=TaskResultStatus.RUNNING,
        started_at=now - dt.timedelta(seconds=started_ago),
        args_kwargs={"args": args, "kwargs": {}},
        task_path=task_path,
        worker_ids=worker_ids,
        queue_name="default",
        backend_name="default",
        run_after=now - dt.timedelta(seconds=started_ago),
        exception_class_path="",
        traceback="",
    )


@pytest.fixture
def interrupted_import(personas, login):
    """A 72-row ledger import that was validating when its worker died."""
    client = login(personas.supervisor)
    client.post(
        "/staff/supervision/import/",
        {"file": SimpleUploadedFile("台账.xlsx", ledger(["市场监管局", "住建局"]))},
    )
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.VALIDATING, processed=0, all_or_nothing=True
    )
    return client, job


def test_an_import_interrupted_mid_run_is_retried_and_completes(interrupted_import):
    _client, job = interrupted_import
    _lease("dead-1", beat_ago=300)
    result = _running(RUN_IMPORT, [job.pk], ["dead-1"])
    assert recovery.recover() == {"retried": 1, "failed": 0}
    result.refresh_from_db()
    job.refresh_from_db()
    assert result.status == TaskResultStatus.READY
    assert job.status == ImportJob.Status.QUEUED and Problem.objects.count() == 0
    # the next worker runs it again from the stored upload: every row, once
    job = importer.run(job.pk)
    assert job.status == ImportJob.Status.DONE and job.created_count == 72
    assert Problem.objects.filter(import_job=job).count() == 72
    assert recovery.recover() == {"retried": 0, "failed": 0}


def test_a_live_worker_keeps_its_task(interrupted_import):
    _client, job = interrupted_import
    _lease("alive", beat_ago=2)
    result = _running(RUN_IMPORT, [job.pk], ["alive"], started_ago=3600)
    assert recovery.recover() == {"retried": 0, "failed": 0}
    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING


def test_a_stopped_worker_lease_counts_at_once(interrupted_import):
    _client, job = interrupted_import
    _lease("gone", beat_ago=1, stopped=True)
    _running(RUN_IMPORT, [job.pk], ["gone"])
    assert recovery.recover()["retried"] == 1


def test_after_the_last_attempt_the_import_fails_with_a_retry_button(
    interrupted_import, personas, django_capture_on_commit_callbacks
):
    client, job = interrupted_import
    _lease("dead-3", beat_ago=300)
    result = _running(RUN_IMPORT, [job.pk], ["dead-1", "dead-2", "dead-3"])
    assert recovery.recover() == {"retried": 0, "failed": 1}
    result.refresh_from_db()
    job.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "yingshang.scheduler.recovery.WorkerLost"
    assert job.status == ImportJob.Status.FAILED and "中断" in job.message
    assert Problem.objects.count() == 0  # all or nothing

    status_url = f"/staff/supervision/import/{job.pk}/status/"
    page = client.get(status_url).content.decode()
    assert 'data-testid="import-retry"' in page
    # only the person who started it may run it again
    with pytest.raises(DomainError) as err:
        importer.import_retry(actor=personas.leader, job=job)
    assert err.value.code == "IMPORT_RETRY_FORBIDDEN"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/supervision/import/{job.pk}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()  # tests run tasks in-line: the rerun has happened
    assert job.status == ImportJob.Status.DONE and job.created_count == 72
    assert AuditEvent.objects.filter(action="supervision.import_retry").count() == 1


def test_an_unregistered_task_is_marked_failed_not_rerun():
    _lease("dead-x", beat_ago=300)
    result = _running("yingshang.notify.tasks.deliver", [1], ["dead-x"])
    assert recovery.recover() == {"retried": 0, "failed": 1}
    result.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED and "WorkerLost" in result.traceback


def test_a_task_of_a_worker_without_a_lease_waits_for_the_orphan_timeout():
    recent = _running("yingshang.notify.tasks.deliver", [1], ["old-worker"], started_ago=60)
    old = _running(
        "yingshang.notify.tasks.deliver",
        [2],
        ["old-worker"],
        started_ago=recovery.ORPHAN_SECONDS + 60,
    )
    assert recovery.recover()["failed"] == 1
    recent.refresh_from_db()
    old.refresh_from_db()
    assert recent.status == TaskResultStatus.RUNNING and old.status == TaskResultStatus.FAILED


def test_an_import_that_finished_before_the_worker_died_is_not_rerun(interrupted_import):
    _client, job = interrupted_import
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE)
    _lease("dead-2", beat_ago=300)
    result = _running(RUN_IMPORT, [job.pk], ["dead-2"])
    recovery.recover()
    result.refresh_from_db()
    job.refresh_from_db()
    assert result.status == TaskResultStatus.SUCCESSFUL and job.status == ImportJob.Status.DONE
