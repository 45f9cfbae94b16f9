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


def post_worker_init(worker):
    """Once the worker has loaded the app: import every URL module (the views and the API
    schemas), then move everything alive into the collector's permanent generation
    (`gc.freeze()`), so the cyclic collector no longer walks the ~260,000 objects of the loaded
    code on its full collections. Measured (bench/analysis.md, session 16): the staff home as the
    leader, 500 requests through Django's client, 2.48 → 2.25 ms per request, of which the
    collector 0.27 → 0.08 ms."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URL modules
    gc.freeze()
