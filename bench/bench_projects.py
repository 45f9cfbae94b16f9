"""Issue 22 (projects): project statistics (time per stage and per project type against the
limits, overdue by unit, returns per stage — yingshang/projects/stats.py, what the statistics
page and /api/v1/projects/statistics compute) over 50,000 projects and 1,000,000 parallel stage
tasks in under 2 s on PostgreSQL, for a countywide supervisor and for a department handler.

Volume: `yingshang demo` (its projects give template rows), then rows cloned in SQL from them:
50,000 projects × 4 stages (200,000 stage rows, the submitted ones each with a case) and
1,000,000 approval tasks spread over the department units, with late, returned and open
overdue shares. YS_BENCH_VOLUME scales it (0.001 for a smoke run)."""

import statistics as st
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

NAME = "projects"
PROJECTS = 50_000
TASKS = 1_000_000
TARGET_S = 2.0


def _clone(cursor, model, template_id: int, n: int, overrides: dict[str, str]) -> None:
    """INSERT n copies of one row, columns in `overrides` given as SQL over g.i (1..n)."""
    table = model._meta.db_table
    cols = [f.column for f in model._meta.concrete_fields if f.column != "id"]
    select = ", ".join(overrides.get(c, f"t.{c}") for c in cols)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select} "
        # no parameters: the expressions use %, and every value here is an int we made
        f"FROM {table} t, generate_series(1, {int(n)}) AS g(i) WHERE t.id = {int(template_id)}"
    )


def grow(projects: int, tasks: int) -> dict:
    from django.db import connection

    from yingshang.cases.models import ApprovalTask, Case
    from yingshang.org.models import Unit
    from yingshang.projects.models import Project, ProjectStage, ProjectType

    started = time.perf_counter()
    types = list(ProjectType.objects.values_list("pk", flat=True))
    units = list(Unit.objects.filter(kind="department").values_list("pk", flat=True))
    template = Project.objects.order_by("id").first()
    stage_t = ProjectStage.objects.filter(case__isnull=False).order_by("id").first()
    case_t = stage_t.case_id
    task_t = ApprovalTask.objects.order_by("id").first().pk
    from yingshang.projects.models import StageDefinition

    defs = {
        (d.project_type_id, d.order): d
        for d in StageDefinition.objects.select_related("package", "matter")
    }
    type_array = "ARRAY[" + ",".join(map(str, types)) + "]"
    unit_array = "ARRAY[" + ",".join(map(str, units)) + "]"
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM projects_project")
        p0 = cursor.fetchone()[0]
        # projects: every 5th completed, every 9th over its limit
        _clone(
            cursor,
            Project,
            template.pk,
            projects,
            {
                "code": "'B' || lpad(g.i::text, 23, '0')",
                "project_type_id": f"({type_array})[1 + g.i % {len(types)}]",
                "status": "CASE WHEN g.i % 5 = 0 THEN 'completed' ELSE 'in_progress' END",
                "current_stage": "1 + g.i % 4",
                "gov_days_used": "(g.i * 7) % 140",
                "late": "g.i % 9 = 0",
            },
        )
        cursor.execute("SELECT coalesce(max(id), 0) FROM cases_case")
        c0 = cursor.fetchone()[0]
        submitted = projects * 4 * 3 // 4  # three of four stages submitted
        _clone(cursor, Case, case_t, submitted, {"number": "'B' || lpad(g.i::text, 20, '0')"})
        # stages: 4 per project; stage k of project i has case c0 + (i-1)*3 + k for k ≤ 3
        values = ",".join(
            f"({d.pk},{d.order},{d.project_type_id},{d.lead_unit_id},{d.limit_days})"
            for d in defs.values()
        )
        cursor.execute(
            f"""INSERT INTO projects_projectstage (project_id, definition_id, "order", lead_unit_id, status, case_id,
                limit_days, submitted_at, approved_at, days_used, late, returns, waived, reused, due_at, clock_state)
            SELECT p.id, v.def_id, v.ord, v.lead,
                CASE WHEN v.ord = 4 THEN 'not_started' WHEN v.ord < p.current_stage THEN 'approved'
                     WHEN p.id % 7 = 0 THEN 'correcting' ELSE 'in_review' END,
                CASE WHEN v.ord = 4 THEN NULL ELSE {int(c0)} + (p.id - {int(p0)} - 1) * 3 + v.ord END,
                v.lim, now(), CASE WHEN v.ord < p.current_stage THEN now() END,
                CASE WHEN v.ord < p.current_stage THEN (p.id + v.ord) % (v.lim + 5) END,
                v.ord < p.current_stage AND (p.id + v.ord) % (v.lim + 5) > v.lim,
                CASE WHEN p.id % 6 = 0 THEN 1 ELSE 0 END, '[]', '[]',
                now() + ((p.id % 20) - 8) * interval '1 day', ''
            FROM projects_project p
            JOIN (VALUES {values}) AS v(def_id, ord, type_id, lead, lim) ON v.type_id = p.project_type_id
            WHERE p.id > {int(p0)}"""
        )
        per_case = max(1, -(-tasks // submitted))  # rounded up: at least `tasks` rows
        _clone(
            cursor,
            ApprovalTask,
            task_t,
            submitted * per_case,
            {
                "case_id": f"{c0} + 1 + (g.i - 1) / {per_case}",
                "unit_id": f"({unit_array})[1 + g.i % {len(units)}]",
                "status": "CASE WHEN g.i % 3 = 0 THEN 'pending' ELSE 'done' END",
                "late": "g.i % 11 = 0",
                "due_at": "now() + ((g.i % 30) - 10) * interval '1 day'",
            },
        )
        for table in (
            "projects_project",
            "projects_projectstage",
            "cases_case",
            "cases_approvaltask",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
        counts = {}
        for table in ("projects_project", "projects_projectstage", "cases_approvaltask"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return {"seconds": round(time.perf_counter() - started, 1), "rows": counts}


def main() -> int:
    result = {
        "targets": {"statistics_s": f"< {TARGET_S}", "projects": PROJECTS, "tasks": TASKS},
        "conditions_start": common.conditions(),
        "database": "postgresql",
    }
    try:
        missing = common.missing_modules(
            "yingshang.projects.stats", "yingshang.demo.loaders.projects"
        )
        if missing:
            common.not_available(NAME, f"not in the code under test: {', '.join(missing)}")
            return 0
        with common.pg_database("projects") as (_url, env, info):
            result["migrate"] = info
            demo = common.manage(["demo", "--quiet"], env)
            if demo.returncode != 0:
                raise RuntimeError(f"yingshang demo failed:\n{demo.stderr[-3000:]}")
            common.django_setup(env)
            from yingshang.org.models import User
            from yingshang.projects import stats

            result["volume"] = grow(common.volume(PROJECTS), common.volume(TASKS))
            runs = {}
            for username in ("supervisor", "zrzy_handler"):
                user = User.objects.get(username=username)
                stats.project_statistics(user)  # warm
                samples = [common.timed(stats.project_statistics, user)[0] for _ in range(5)]
                med = st.median(samples)
                runs[username] = {
                    "median_s": round(med, 3),
                    "max_s": round(max(samples), 3),
                    "target": f"< {TARGET_S} s",
                    "verdict": common.verdict(med, TARGET_S, higher_is_better=False),
                }
            result["runs"] = runs
            rows = result["volume"]["rows"]
            result["summary"] = {
                "volume": {
                    "projects": rows["projects_project"],
                    "stages": rows["projects_projectstage"],
                    "tasks": rows["cases_approvaltask"],
                    "made_in_s": result["volume"]["seconds"],
                },
                **{f"statistics ({u})": r for u, r in runs.items()},
            }
    except Exception as exc:
        result["error"] = repr(exc)
        common.write_result(NAME, result)
        raise
    result["conditions_end"] = common.conditions()
    common.write_result(NAME, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
