"""Gunicorn settings shared by `yingshang serve` (what `make run` starts) and the benchmarks
(`bench/common.py`), so what is measured is what runs: `gunicorn -c python:yingshang.gunicorn_conf
yingshang.wsgi:application`.

Each worker process runs a few threads: while one request waits for the database, another runs
Python. Django keeps one database connection per thread (`DB_CONN_MAX_AGE`).
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
graceful_timeout = 10
timeout = 120
