"""`yingshang serve`: the web server (gunicorn) and the worker in one terminal; Ctrl-C stops
both cleanly.

The worker is supervised: when it dies (killed, crashed, out of memory) the web server keeps
serving and the worker is started again after a backoff (1 s, doubling to 60 s; back to 1 s once
a worker has run for a minute), each restart logged. The new worker recovers the tasks the dead
one left RUNNING (scheduler.recovery). If the web server itself exits, serve stops the worker
and exits with its code."""

import logging
import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

log = logging.getLogger("yingshang.serve")

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
STABLE_SECONDS = 60.0  # a worker that ran this long resets the backoff


class Command(BaseCommand):
    help = "Start the web server and the task worker together (the worker is restarted if it dies)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))

    def _say(self, message: str) -> None:
        self.stderr.write(f"[serve] {message}")
        self.stderr.flush()

    def handle(self, *args, bind, workers, **options):
        python = sys.executable
        web = subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "-c",
                "python:yingshang.gunicorn_conf",
                "yingshang.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
            ]
        )

        def start_worker() -> subprocess.Popen:
            child = subprocess.Popen([python, "-m", "yingshang", "worker"])
            self._say(f"worker started (pid {child.pid})")
            return child

        worker = start_worker()
        worker_started = time.monotonic()
        backoff = BACKOFF_FIRST
        restart_at: float | None = None
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        code = 0
        try:
            while not stopping:
                if web.poll() is not None:
                    code = web.returncode or 1
                    self._say(f"web server exited with code {web.returncode}: stopping")
                    break
                if restart_at is None and worker.poll() is not None:
                    ran = time.monotonic() - worker_started
                    if ran >= STABLE_SECONDS:
                        backoff = BACKOFF_FIRST
                    self._say(
                        f"worker (pid {worker.pid}) exited with code {worker.returncode} "
                        f"after {ran:.0f} s; restarting in {backoff:.0f} s"
                    )
                    log.warning("worker %s exited with %s", worker.pid, worker.returncode)
                    restart_at = time.monotonic() + backoff
                    backoff = min(backoff * 2, BACKOFF_MAX)
                if restart_at is not None and time.monotonic() >= restart_at:
                    worker = start_worker()
                    worker_started = time.monotonic()
                    restart_at = None
                time.sleep(0.2)
        finally:
            children = [web, worker]
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
        self.stdout.write("已停止 / stopped")
        if code:
            sys.exit(code)
