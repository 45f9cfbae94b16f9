"""`yingshang serve`: the web server (gunicorn) and the worker in one terminal; Ctrl-C stops
both cleanly."""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the web server and the task worker together."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))

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
        worker = subprocess.Popen([python, "-m", "yingshang", "worker"])
        children = [web, worker]
        stopping = False

        def stop(*_args):
            nonlocal stopping
            if stopping:
                return
            stopping = True
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop()
            deadline = time.monotonic() + 15
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
        self.stdout.write("已停止 / stopped")
