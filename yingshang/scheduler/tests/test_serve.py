"""`yingshang serve` (what `make run` starts) survives a killed worker: the web server keeps
serving, the worker is started again, and a ledger import that was running at the kill is
recovered (its worker's lease lapses) and completes — all rows, once. Real processes on a
SQLite database of their own."""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from yingshang.scheduler.tests.test_worker import _env, _run, data_dir, migrated  # noqa: F401

pytestmark = [pytest.mark.xdist_group("worker"), pytest.mark.subprocess]

ROWS = 2000

SETUP = f"""
from django.core.files.base import ContentFile
from django.utils import timezone
from yingshang.testing.personas import make_personas
from yingshang.supervision import importer
from yingshang.supervision.models import ImportJob
from yingshang.supervision.tests.sample import ledger

p = make_personas()
job = ImportJob(created_by=p.supervisor, created_at=timezone.now(), original_name="台账.xlsx")
job.file.save("ledger.xlsx", ContentFile(ledger(["市场监管局", "住建局"], rows={ROWS})), save=False)
header_no, headers, preview, count = importer.read_sheet(job.file.path)
job.headers, job.preview, job.total = headers, preview, count
job.mapping = {{**importer.guess_mapping(headers), "_header_row": header_no}}
job.status = ImportJob.Status.QUEUED
job.save()
print(job.pk)
"""

# enqueued only once the worker is up: enqueued before, the import could run to its end while a
# slow machine was still starting the web server, and the test never saw it running (CI, once)
ENQUEUE = """
from django.db import transaction
from yingshang.supervision.tasks import run_import

with transaction.atomic():
    run_import.enqueue({job_id})
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except OSError:
        return 0


def _wait(predicate, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ", 1)[1].startswith("Z"))


def test_killing_the_worker_keeps_the_web_up_and_the_interrupted_import_completes(data_dir):  # noqa: F811
    env = _env(data_dir)
    env["WORKER_LEASE_SECONDS"] = "3"
    job_id = int(_run(env, "shell", "--no-imports", "-c", SETUP, timeout=300).split()[-1])
    db = sqlite3.connect(data_dir / "yingshang.sqlite3", timeout=60, isolation_level=None)

    def job():
        return db.execute(
            "SELECT status, created_count FROM supervision_importjob WHERE id = ?", [job_id]
        ).fetchone()

    port = _free_port()
    log_path = data_dir / "serve.log"
    with open(log_path, "w") as log:
        serve = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "yingshang",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    health = f"http://127.0.0.1:{port}/api/v1/health"

    def workers() -> list[int]:
        return [int(p) for p in re.findall(r"worker started \(pid (\d+)\)", log_path.read_text())]

    try:
        _wait(lambda: _get(health) == 200, 120, "the web server")
        first = _wait(workers, 30, "the worker")[0]
        _run(env, "shell", "--no-imports", "-c", ENQUEUE.format(job_id=job_id), timeout=300)

        # the import is running: hold the database's write lock so it cannot finish, then kill
        # its worker outright (SIGKILL: no clean-up at all) and let go of the lock
        _wait(lambda: job()[0] == "validating", 180, "the import to start", every=0.005)
        db.execute("BEGIN IMMEDIATE")
        try:
            assert job()[0] == "validating"
            os.kill(first, signal.SIGKILL)
            _wait(lambda: not _alive(first), 30, "the worker to die")
        finally:
            db.execute("ROLLBACK")
        assert job() == ("validating", 0)  # what the bug left behind for ever

        # the web server is still serving
        assert serve.poll() is None
        assert _get(health) == 200

        # serve noticed, logged it and started another worker after its backoff
        second = _wait(lambda: [p for p in workers() if p != first], 60, "a new worker")[0]
        assert _alive(second)
        text = log_path.read_text()
        assert f"worker (pid {first}) exited" in text and "restarting in 1 s" in text

        # the new worker found the task of the dead one and ran the import again: every row, once
        status = _wait(
            lambda: job()[0] in ("done", "failed", "rejected") and job(), 300, "the import"
        )
        assert status == ("done", ROWS), log_path.read_text()[-3000:]
        assert db.execute(
            "SELECT COUNT(*) FROM supervision_problem WHERE import_job_id = ?", [job_id]
        ).fetchone() == (ROWS,)

        def task():
            return db.execute(
                "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
                "WHERE task_path = 'yingshang.supervision.tasks.run_import'"
            ).fetchone()

        # the job row commits just before the worker records the task's success
        final = _wait(lambda: task()[0] != "RUNNING" and task(), 60, "the task result")
        assert final[0] == "SUCCESSFUL" and final[1].count('"') == 4  # two runs, two workers
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            serve.kill()
        db.close()
    assert serve.returncode == 0
