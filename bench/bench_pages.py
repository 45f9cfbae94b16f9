"""Issue 2: workbench home (logged in) and portal home under 50 concurrent clients on
PostgreSQL with 2 gunicorn worker processes: p95 < 150 ms, no errors; RSS per worker < 200 MB.

Also measured in-process (no HTTP, one request at a time): the service time of each page and
its number of SQL queries — the floor under what two workers can serve.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

NAME = "pages"
DURATION = 20
CONNECTIONS = 50
P95_TARGET_MS = 150
RSS_TARGET_MB = 200
WORKBENCH_USERS = [("leader", "县领导（全县范围）"), ("scjg_handler", "部门经办人")]


def sessions(env) -> dict:
    common.django_setup(env)
    from django.conf import settings
    from django.test import Client

    from yingshang.org.models import User

    out = {}
    for username, _label in WORKBENCH_USERS:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        out[username] = {
            "cookie": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "name": user.real_name,
        }
    return out


def service_times(users: dict, n: int = 60) -> dict:
    """Sequential requests through Django's test client in this process: time and queries."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = {}
    pages = [("portal_home", "/", None)] + [
        (f"workbench_home_{u}", "/staff/", u) for u, _ in WORKBENCH_USERS
    ]
    for label, path, username in pages:
        client = Client(HTTP_HOST="127.0.0.1")
        if username:
            client.cookies[settings.SESSION_COOKIE_NAME] = users[username]["cookie"]
        client.get(path)  # warm
        samples = []
        with CaptureQueriesContext(connection) as queries:
            for _ in range(n):
                started = time.perf_counter()
                response = client.get(path)
                samples.append(time.perf_counter() - started)
        out[label] = {
            "status": response.status_code,
            "queries_per_request": round(len(queries.captured_queries) / n, 1),
            **common.summary_ms(samples),
        }
    connection.close()
    return out


def main() -> int:
    result = {
        "targets": {
            "p95_ms": f"< {P95_TARGET_MS}",
            "errors": 0,
            "rss_per_worker_mb": f"< {RSS_TARGET_MB}",
        },
        "conditions_start": common.conditions(),
        "database": "postgresql",
        "gunicorn_workers": 2,
    }
    try:
        with common.pg_database("pages") as (_url, env, info):
            result["migrate"] = info
            demo = common.manage(["demo", "--quiet"], env)
            if demo.returncode != 0:
                raise RuntimeError(f"yingshang demo failed:\n{demo.stderr[-3000:]}")
            users = sessions(env)
            result["in_process_service_time"] = service_times(users)
            common.close_django_connections()
            runs = {}
            with common.gunicorn(env, workers=2) as server:
                pages = [("portal_home", "/", None, "营商")] + [
                    (f"workbench_home_{u}", "/staff/", u, users[u]["name"])
                    for u, _ in WORKBENCH_USERS
                ]
                for label, path, username, marker in pages:
                    headers = {"Accept-Language": "zh-hans"}
                    if username:
                        headers["Cookie"] = f"sessionid={users[username]['cookie']}"
                    status, body, _ = common.http_get(server.base + path, headers=headers)
                    if status != 200 or marker not in body:
                        raise RuntimeError(
                            f"{label}: {path} answered {status} without {marker!r} — not benchmarking an error page"
                        )
                    common.wrk(
                        server.base + path, duration=3, connections=10, headers=headers
                    )  # warm both workers
                    run = common.wrk(
                        server.base + path,
                        duration=DURATION,
                        connections=CONNECTIONS,
                        headers=headers,
                    )
                    errors = sum(run["errors"].values()) + run["responses_3xx"]
                    run["memory_after"] = server.memory()
                    run["verdict"] = {
                        "p95": common.verdict(
                            run["latency_ms"]["p95"], P95_TARGET_MS, higher_is_better=False
                        ),
                        "errors": "met" if errors == 0 else "MISSED",
                    }
                    runs[label] = run
                    status, body, _ = common.http_get(server.base + path, headers=headers)
                    run["still_200_after_run"] = status == 200 and marker in body
                memory = server.memory()
                if any(
                    "gunicorn" in line.lower() and "error" in line.lower()
                    for line in server.log_tail().splitlines()
                ):
                    result["gunicorn_log_tail"] = server.log_tail()
            result["runs"] = runs
            result["memory"] = memory
            result["summary"] = {
                label: {
                    "requests_per_s": r["requests_per_s"],
                    "p95_ms": r["latency_ms"]["p95"],
                    "p99_ms": r["latency_ms"]["p99"],
                    "errors": sum(r["errors"].values()) + r["responses_3xx"],
                    "verdict_p95": r["verdict"]["p95"],
                    "verdict_errors": r["verdict"]["errors"],
                }
                for label, r in runs.items()
            }
            result["summary"]["memory"] = {
                "max_peak_rss_mb": memory["max_peak_rss_mb"],
                "verdict": common.verdict(
                    memory["max_peak_rss_mb"], RSS_TARGET_MB, higher_is_better=False
                ),
            }
    except Exception as exc:
        result["error"] = f"{exc.__class__.__name__}: {exc}"
        common.write_result(NAME, result)
        raise
    common.write_result(NAME, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
