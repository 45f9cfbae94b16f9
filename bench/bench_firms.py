"""Issue 21: the firm page (一企一档) of a firm with 10,000 related records — p95 < 300 ms on
PostgreSQL with 2 gunicorn workers, no errors: measured with 10 concurrent clients (what two
workers on two cores can serve) and with one client at a time (a reader on a quiet server).

The demo county is loaded, then the demo firm (firm_demo's) is given 10,000 records in SQL, each
a copy of one of the demo's own rows with a new number: 5,000 cases, 4,000 work orders about the
firm and 1,000 real-name ratings by its account (YS_BENCH_VOLUME scales them for a smoke run).
Measured: the staff page for a supervisor (county-wide: every panel counts all) and for a
department handler (scoped: the panels count through the case and hotline scopes), and the
firm's own portal page; in process first (service time, SQL queries), then under wrk in three
set-ups: the panels kept between saves (enterprises.panelcache, the default), the same while
one of the firm's records is saved every second, and the panels built on every request
(FIRM_PANELS_CACHE_SECONDS=0). The verdict is on the second: the page as served while the
firm's records change.
"""

import contextlib
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

NAME = "firms"
DURATION = int(os.environ.get("YS_BENCH_DURATION", "20"))  # shorter only for a smoke run
CONNECTIONS = 10
P95_TARGET_MS = 300
SPLIT = {"cases": 5_000, "orders": 4_000, "ratings": 1_000}  # 10,000 related records


def _clone(model, template_id: int, n: int, *, prefix: str, time_field: str, **set_cols) -> int:
    """n copies of row `template_id` of `model` in one INSERT … SELECT: a unique number per copy,
    the time shifted back a minute per copy, and `set_cols` overriding columns."""
    from django.db import connection

    table = model._meta.db_table
    cols = [f.column for f in model._meta.concrete_fields if f.column != "id"]
    number_field = "number" if "number" in cols else None
    select = []
    params = []
    for c in cols:
        if c == number_field:
            select.append(f"'{prefix}' || lpad(g::text, 9, '0')")
        elif c == time_field:
            select.append(f"{c} - g * interval '1 minute'")
        elif c in set_cols:
            select.append("%s")
            params.append(set_cols[c])
        else:
            select.append(c)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(select)} "
            f"FROM {table}, generate_series(1, %s) g WHERE id = %s",
            [*params, n, template_id],
        )
        cursor.execute(f"VACUUM ANALYZE {table}")
    return n


def _rate_cases(template_id: int, firm_id: int, rater_id: int, n: int) -> int:
    from django.db import connection

    from yingshang.ratings.models import Rating

    table = Rating._meta.db_table
    cols = [f.column for f in Rating._meta.concrete_fields if f.column != "id"]
    own = {
        "case_id": "c.id",
        "work_order_id": "NULL",
        "visit_id": "NULL",
        "rater_id": "%s",
        "anonymous": "false",
        "created_at": "c.created_at + interval '1 day'",
    }
    select = ", ".join(own.get(c, f"r.{c}") for c in cols)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select} FROM {table} r, "
            "(SELECT id, created_at FROM cases_case WHERE firm_id = %s AND number LIKE 'FB%%' "
            "ORDER BY id LIMIT %s) c WHERE r.id = %s",
            [rater_id, firm_id, n, template_id],
        )
        made = cursor.rowcount
        cursor.execute(f"VACUUM ANALYZE {table}")
    return made


def grow() -> dict:
    """Give the demo firm its 10,000 records; returns what was made and who looks."""
    from yingshang.cases.models import Case
    from yingshang.hotline.models import WorkOrder
    from yingshang.org.models import RoleAssignment, User
    from yingshang.ratings.models import Rating

    rep = User.objects.get(username="firm_demo")
    firm = rep.firm
    made = {}
    case = Case.objects.exclude(unit__isnull=True).order_by("-pk").first()
    made["cases"] = _clone(
        Case,
        case.pk,
        common.volume(SPLIT["cases"]),
        prefix="FB",
        time_field="created_at",
        firm_id=firm.pk,
        applicant_id=rep.pk,
    )
    order = WorkOrder.objects.filter(external_number="", main_unit__isnull=False).order_by("-pk")
    order = order.first()
    made["orders"] = _clone(
        WorkOrder,
        order.pk,
        common.volume(SPLIT["orders"]),
        prefix="FW",
        time_field="registered_at",
        firm_id=firm.pk,
    )
    # a real-name rating by the firm's account of each of its first copied cases (a rating is
    # of one case, order or visit, each rated once per point): copies of a demo rating
    rating = Rating.objects.order_by("pk").first()
    made["ratings"] = (
        _rate_cases(rating.pk, firm.pk, rep.pk, common.volume(SPLIT["ratings"])) if rating else 0
    )
    handler = (
        RoleAssignment.objects.filter(
            unit_id=case.unit_id, role="dept_handler", revoked_at__isnull=True
        )
        .select_related("user")
        .first()
    )
    return {
        "firm_id": firm.pk,
        "made": made,
        "related_total": sum(made.values()),
        "handler": handler.user.username if handler else None,
    }


def service_times(paths: dict, n: int = 30) -> dict:
    """In this process, through Django's test client: each page with its panels built on every
    request (FIRM_PANELS_CACHE_SECONDS=0) and kept (the default)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from yingshang import processcache

    out = {}
    for setup, seconds in (("built", 0), ("kept", settings.FIRM_PANELS_CACHE_SECONDS)):
        processcache.clear_all()
        with override_settings(FIRM_PANELS_CACHE_SECONDS=seconds):
            for label, (path, cookie) in paths.items():
                client = Client(HTTP_HOST="127.0.0.1")
                client.cookies[settings.SESSION_COOKIE_NAME] = cookie.split("=", 1)[1]
                client.get(path)  # warm
                samples = []
                with CaptureQueriesContext(connection) as queries:
                    for _ in range(n):
                        started = time.perf_counter()
                        response = client.get(path)
                        samples.append(time.perf_counter() - started)
                out[f"{label}_{setup}"] = {
                    "status": response.status_code,
                    "queries_per_request": round(len(queries.captured_queries) / n, 1),
                    **common.summary_ms(samples),
                }
    connection.close()
    return out


class Writer:
    """Saves a record of the firm every `every` seconds while the load runs (as a department
    would): here its version is bumped in SQL, which is what such a save does after its commit,
    so every process builds the panels again at its next request."""

    def __init__(self, firm_id: int, every: float = 1.0):
        self.firm_id = firm_id
        self.every = every
        self.bumps = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from django.db import connection

        from yingshang.enterprises import panelcache

        try:
            while not self._stop.wait(self.every):
                panelcache.bump([self.firm_id])
                self.bumps += 1
        finally:
            connection.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def load(server, paths: dict, writer_firm: int | None = None) -> dict:
    runs = {}
    for label, (path, cookie) in paths.items():
        headers = {"Accept-Language": "zh-hans", "Cookie": cookie}
        status, body, _ = common.http_get(server.base + path, headers=headers)
        if status != 200 or 'data-testid="panel-cases"' not in body:
            raise RuntimeError(f"{label}: {path} answered {status} without the panels")
        common.wrk(server.base + path, duration=3, connections=4, headers=headers)
        with Writer(writer_firm) if writer_firm else contextlib.nullcontext() as writer:
            run = common.wrk(
                server.base + path,
                duration=DURATION,
                connections=CONNECTIONS,
                headers=headers,
            )
        if writer is not None:
            run["firm_saves_during_run"] = writer.bumps
        # one reader at a time (a person opening the page on a quiet server), besides the 10
        # at once above that measure what 2 workers can serve
        one = common.wrk(server.base + path, duration=10, connections=1, threads=1, headers=headers)
        run["one_client"] = {
            "requests_per_s": one["requests_per_s"],
            "latency_ms": one["latency_ms"],
            "errors": sum(one["errors"].values()) + one["responses_3xx"],
        }
        errors = sum(run["errors"].values()) + run["responses_3xx"]
        run["verdict"] = {
            "p95": common.verdict(run["latency_ms"]["p95"], P95_TARGET_MS, higher_is_better=False),
            "errors": "met" if errors == 0 else "MISSED",
        }
        runs[label] = run
    return runs


def summary(runs: dict) -> dict:
    return {
        label: {
            "requests_per_s": r["requests_per_s"],
            "p95_ms": r["latency_ms"]["p95"],
            "errors": sum(r["errors"].values()) + r["responses_3xx"],
            "verdict_p95": r["verdict"]["p95"],
            "verdict_errors": r["verdict"]["errors"],
            "one_client_p95_ms": r["one_client"]["latency_ms"]["p95"],
            "verdict_one_client_p95": common.verdict(
                r["one_client"]["latency_ms"]["p95"], P95_TARGET_MS, higher_is_better=False
            ),
            **(
                {"firm_saves_during_run": r["firm_saves_during_run"]}
                if "firm_saves_during_run" in r
                else {}
            ),
        }
        for label, r in runs.items()
    }


# the page as served (panels kept between saves), the same with one save of the firm's records
# a second, and the panels built on every request (what a reader pays the first time)
SETUPS = {
    "kept": ({}, False),
    "kept_one_save_per_s": ({}, True),
    "built_every_request": ({"FIRM_PANELS_CACHE_SECONDS": "0"}, False),
}


def main() -> int:
    result = {
        "targets": {"p95_ms": f"< {P95_TARGET_MS}", "errors": 0, "related_records": 10_000},
        "conditions_start": common.conditions(),
        "database": "postgresql",
        "gunicorn_workers": 2,
    }
    try:
        with common.pg_database("firms") as (_url, env, info):
            result["migrate"] = info
            started = time.perf_counter()
            demo = common.manage(["demo", "--quiet"], env)
            if demo.returncode != 0:
                raise RuntimeError(f"yingshang demo failed:\n{demo.stderr[-3000:]}")
            result["demo_load_s"] = round(time.perf_counter() - started, 1)
            common.django_setup(env)
            result["grow"] = grown = grow()
            firm_page = f"/staff/firms/{grown['firm_id']}/"
            paths = {
                "staff_supervisor": (firm_page, common.login_cookie("supervisor")),
                "portal_firm": ("/firm/", common.login_cookie("firm_demo")),
            }
            if grown["handler"]:
                paths["staff_dept_handler"] = (firm_page, common.login_cookie(grown["handler"]))
            result["in_process_service_time"] = service_times(paths)
            common.close_django_connections()
            result["setups"] = {}
            for setup, (extra_env, writes) in SETUPS.items():
                with common.gunicorn({**env, **extra_env}, workers=2) as server:
                    runs = load(server, paths, grown["firm_id"] if writes else None)
                result["setups"][setup] = {"runs": runs, "summary": summary(runs)}
            common.close_django_connections()
            # the figures judged: the page as served while the firm's records change
            result["runs"] = result["setups"]["kept_one_save_per_s"]["runs"]
            result["summary"] = result["setups"]["kept_one_save_per_s"]["summary"]
    except Exception as exc:
        result["error"] = f"{exc.__class__.__name__}: {exc}"
        common.write_result(NAME, result)
        raise
    common.write_result(NAME, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
