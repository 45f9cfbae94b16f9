"""`yingshang worker` end to end, in its own processes and on its own database: a message queued
by a committed transaction is delivered by the worker, with the database queue (the embedded
default) and with Redis (REDIS_URL, the scale-out set-up), and due periodic jobs are enqueued
and run. Tests elsewhere run tasks in-line (ImmediateBackend); only this file runs a worker."""

import os
import shutil
import subprocess
import sys
import time

import pytest

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database index of its own, emptied by the test

pytestmark = [pytest.mark.xdist_group("worker"), pytest.mark.subprocess]

QUEUE_SMS = """
from django.db import transaction
from yingshang.notify import services
with transaction.atomic():
    message = services.send(channel="sms", address="13800000000", body="您的件已办结")
print(message.pk, message.status)
"""

SHOW = """
from yingshang.notify.models import Message
from yingshang.scheduler.models import PeriodicJob
from yingshang.scheduler.registry import discover
every = {p.name: p.seconds for p in discover()}
for m in Message.objects.order_by("pk"):
    print("message", m.status, m.attempts, m.provider_id != "")
for job in PeriodicJob.objects.order_by("name"):
    print("job", job.name, job.runs, every[job.name])
"""

# what the queue holds: every task run and none failed or left waiting
TASKS = {
    "database": """
from collections import Counter
from django_tasks_db.models import DBTaskResult
print("tasks", sorted(Counter(DBTaskResult.objects.values_list("status", flat=True)).items()))
""",
    "redis": """
import django_rq
queue = django_rq.get_queue("default")
print("tasks", queue.count, queue.failed_job_registry.count, queue.finished_job_registry.count)
""",
}


def _env(data_dir, redis_url=None):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL") and not k.startswith("PYTEST")
    }
    env["YINGSHANG_DATA_DIR"] = str(data_dir)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def _run(env, *args, timeout=120):
    done = subprocess.run(
        [sys.executable, "-m", "yingshang", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A data folder with a migrated SQLite database, copied for each test."""
    template = tmp_path_factory.mktemp("worker-template")
    _run(_env(template), "migrate", "--no-input", timeout=300)
    return template


@pytest.fixture
def data_dir(migrated, tmp_path):
    target = tmp_path / "data"
    shutil.copytree(migrated, target)
    return target


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("Redis on 127.0.0.1:6379 is needed for the scale-out worker test in CI")
        pytest.skip("no Redis on 127.0.0.1:6379 (the embedded default does not need one)")
    client.flushdb()
    return client


@pytest.mark.parametrize("queue", ["database", "redis"])
def test_the_worker_delivers_a_queued_message_and_runs_due_periodic_jobs(data_dir, queue):
    redis_url = None
    if queue == "redis":
        _redis_or_skip()
        redis_url = REDIS_URL
    env = _env(data_dir, redis_url)

    queued = _run(env, "shell", "--no-imports", "-c", QUEUE_SMS).split()
    assert queued[1] == "pending"
    before = _run(env, "shell", "--no-imports", "-c", SHOW)
    assert "message pending 0 False" in before and "job " not in before

    first_burst = time.monotonic()
    _run(env, "worker", "--burst")

    after = _run(env, "shell", "--no-imports", "-c", SHOW).splitlines()
    assert "message sent 1 True" in after  # delivered once, with the SMS provider's id
    jobs = [line for line in after if line.startswith("job ")]
    assert "job notify.retry 1 60" in jobs  # each due periodic job enqueued once, and run
    assert all(line.split()[2] == "1" for line in jobs)
    assert len(jobs) > 1
    tasks = _run(env, "shell", "--no-imports", "-c", TASKS[queue]).split(" ", 1)[1].strip()
    if queue == "database":
        assert tasks == f"[('SUCCESSFUL', {len(jobs) + 1})]"  # the delivery and each job
    else:
        assert tasks == f"0 0 {len(jobs) + 1}"  # none waiting, none failed, all finished

    # a second burst: nothing is delivered twice, and no job runs again before its interval
    # has passed (on a slow machine the minute jobs may be due again by now: allowed once more)
    _run(env, "worker", "--burst")
    elapsed = time.monotonic() - first_burst
    again = _run(env, "shell", "--no-imports", "-c", SHOW).splitlines()
    assert "message sent 1 True" in again
    for line in again:
        if line.startswith("job "):
            _job, name, runs, seconds = line.split()
            allowed = {"1"} if int(seconds) > elapsed else {"1", "2"}
            assert runs in allowed, (name, runs, seconds, elapsed)
