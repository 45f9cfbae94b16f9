"""Issue 4 (cases):
- the seed generator produces a county-year of cases (≥ 200,000) in under 3 minutes;
- case submission API (POST /api/v1/cases, bearer token, unique Idempotency-Key) on PostgreSQL,
  2 gunicorn workers, 1M existing cases: ≥ 200 requests/s, p95 < 100 ms, no errors (judged at
  common.WRITE_CONNECTIONS clients, also reported at 50); and the
  ratio to plain SQL inserts of the same rows in the same run;
- staff queue and statistics pages at 1M cases: p95 < 300 ms.

Volume: `yingshang demo` (the demo county and catalogue), then the cases generator
(yingshang/cases/demo.py generate) at county-year scale — timed: that is the seed benchmark —
and the 200,000 generated rows copied four times in SQL (new case numbers) to reach 1,000,000.

Plain SQL baseline: the rows the API created during the load run are inserted again (new
numbers) with one INSERT … VALUES per row, each its own transaction, over one connection, and
over two connections in parallel (like the two workers).
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

NAME = "cases"
DURATION = 20
TARGET_SEED_S = 180
TARGET_RPS = 200
TARGET_P95 = 100
TARGET_PAGE_P95 = 300
PAGE_CONNECTIONS = 10
COPIES = 4


def seed(ctx_log) -> dict:
    from yingshang.cases.models import Case
    from yingshang.demo.loaders import cases as cases_demo
    from yingshang.demo.registry import DemoContext, Scale

    before = Case.objects.count()
    ctx = DemoContext()
    started = time.perf_counter()
    factor = common.volume(1_000_000) / 1_000_000
    made = cases_demo.generate(ctx, Scale("county-year", factor))
    elapsed = time.perf_counter() - started
    after = Case.objects.count()
    return {
        "made": made,
        "cases_before": before,
        "cases_after": after,
        "seconds": round(elapsed, 1),
        "cases_per_s": round((after - before) / elapsed),
    }


def submit_payload() -> tuple[str, dict]:
    """A realistic online submission: a matter of the catalogue with its form filled in and a
    small PDF for every material (base64 in JSON, as the API takes files)."""
    import base64

    from yingshang.cases import selectors
    from yingshang.catalog.models import Matter
    from yingshang.demo.loaders.cases import PDF, _form
    from yingshang.org.models import User

    user = User.objects.get(username="zhangsan")
    matter = (
        Matter.objects.filter(is_active=True, current_version__isnull=False)
        .select_related("current_version")
        .order_by("id")
        .first()
    )
    version = matter.current_version
    fields = selectors.form_fields_for(version=version)
    materials = selectors.materials_for(version=version)
    payload = {
        "matter_id": matter.pk,
        "channel": "mobile_api",
        "form_data": _form(fields, user),
        "files": [
            {
                "material_key": m["key"],
                "name": f"{m['key']}.pdf",
                "content_base64": base64.b64encode(PDF).decode(),
            }
            for m in materials
        ],
    }
    return json.dumps(payload, ensure_ascii=False), {
        "matter": version.name,
        "materials": len(materials),
        "form_fields": len(fields),
    }


def main() -> int:
    result = {
        "targets": {
            "seed_county_year_s": f"< {TARGET_SEED_S}",
            "submit_rps": f">= {TARGET_RPS}",
            "submit_p95_ms": f"< {TARGET_P95}",
            "pages_p95_ms": f"< {TARGET_PAGE_P95}",
        },
        "conditions_start": common.conditions(),
        "database": "postgresql",
        "gunicorn_workers": 2,
    }
    try:
        missing = common.missing_modules("yingshang.demo.loaders.cases", "yingshang.cases.api")
        if missing:
            common.not_available(NAME, f"not in the code under test: {', '.join(missing)}")
            return 0
        with common.pg_database("cases") as (url, env, info):
            result["migrate"] = info
            started = time.perf_counter()
            demo = common.manage(["demo", "--quiet"], env)
            if demo.returncode != 0:
                raise RuntimeError(f"yingshang demo failed:\n{demo.stderr[-3000:]}")
            result["demo_load_s"] = round(time.perf_counter() - started, 1)
            common.django_setup(env)
            common.log("cases generator, county-year …")
            result["seed"] = seed(common.log)
            common.log("growing to 1M cases …")
            from django.db import connection

            from yingshang.cases.models import Case

            target = common.volume(1_000_000)
            result["grow"] = common.copy_rows(
                Case, copies=COPIES, where="number LIKE 'YS%%'", limit_total=target
            )
            with connection.cursor() as cursor:  # as autovacuum would after the bulk load
                cursor.execute("VACUUM ANALYZE cases_approvaltask")
            common.log("statistics rollup from scratch …")
            from yingshang.cases import rollup

            started = time.perf_counter()
            rows = rollup.rebuild()
            result["stats_rollup_rebuild"] = {
                "rows": rows,
                "seconds": round(time.perf_counter() - started, 1),
            }
            body, about = submit_payload()
            result["submission"] = about
            token = common.bearer_token("zhangsan")
            api_session = common.session_api_headers("zhangsan")
            staff = {
                "queue": common.login_cookie("xzsp_handler"),
                "statistics": common.login_cookie("leader"),
            }
            first_new_id = Case.objects.order_by("-id").values_list("id", flat=True).first() + 1
            common.close_django_connections()
            runs = {}
            with common.gunicorn(env, workers=2) as server:
                submit = {
                    "method": "POST",
                    "body": body,
                    "headers": {
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                    "unique_key_header": "Idempotency-Key",
                    "expect_status": 201,
                    "fallback_headers": api_session,
                    "duration": DURATION,
                }
                runs["submit_api"] = common.load_run(
                    server,
                    "/api/v1/cases",
                    label="POST /api/v1/cases",
                    connections=common.WRITE_CONNECTIONS,
                    p95_ms=TARGET_P95,
                    min_rps=TARGET_RPS,
                    **submit,
                )
                runs["submit_api_50_clients"] = common.load_run(
                    server,
                    "/api/v1/cases",
                    label="POST /api/v1/cases (50 clients, not judged)",
                    connections=common.WRITE_CONNECTIONS_HEAVY,
                    warm=False,
                    **submit,
                )
                for label, path, who in (
                    ("queue_to_review", "/staff/cases/?q=to_review", "queue"),
                    ("queue_overdue", "/staff/cases/?q=overdue", "queue"),
                    ("statistics", "/staff/cases/statistics/", "statistics"),
                    # issue 2's page with the home cards counting 1M cases
                    ("workbench_home_leader", "/staff/", "statistics"),
                ):
                    runs[label] = common.load_run(
                        server,
                        path,
                        label=f"GET {path}",
                        headers={"Cookie": staff[who]},
                        duration=15,
                        connections=PAGE_CONNECTIONS,
                        p95_ms=TARGET_PAGE_P95,
                    )
            result["runs"] = runs
            common.log("plain SQL inserts of the same rows …")
            common.django_setup(env)
            result["plain_sql"] = common.plain_sql_reinsert(Case, url, first_new_id)
            api_rps = runs["submit_api"]["requests_per_s"]
            sql = result["plain_sql"]
            summary = {
                "seed_generator": {
                    "cases": result["seed"]["cases_after"] - result["seed"]["cases_before"],
                    "seconds": result["seed"]["seconds"],
                    "target": f"≥ 200,000 in < {TARGET_SEED_S} s",
                    "verdict": "met"
                    if result["seed"]["seconds"] < TARGET_SEED_S
                    and result["seed"]["cases_after"] - result["seed"]["cases_before"] >= 200_000
                    else "MISSED",
                },
                "existing_cases": result["grow"]["rows_after"],
            }
            for label, run in runs.items():
                summary[label] = common.run_row(run)
            if sql.get("rows"):
                summary["submit_vs_plain_sql"] = {
                    "api_requests_per_s": api_rps,
                    "sql_inserts_per_s_one_connection": sql["one_connection_inserts_per_s"],
                    "sql_inserts_per_s_two_connections": sql["two_connections_inserts_per_s"],
                    "api_share_of_plain_sql_two_connections": round(
                        api_rps / sql["two_connections_inserts_per_s"], 3
                    ),
                }
            result["summary"] = summary
    except Exception as exc:
        result["error"] = f"{exc.__class__.__name__}: {exc}"
        common.write_result(NAME, result)
        raise
    common.write_result(NAME, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
