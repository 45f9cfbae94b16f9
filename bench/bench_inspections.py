"""Issue 23: the 双随机 draw over 200,000 entities and 2,000 inspectors under 5 s, its
verification under 5 s, and the public results page over 1,000,000 results at p95 < 300 ms on
PostgreSQL.

1. algorithm: `inspections.draw.run` and `draw.verify` on synthetic snapshots (no database) —
   what `yingshang inspections verify-draw FILE` costs anyone re-running a draw.
2. service (PostgreSQL): 200,000 firms and 2,000 inspectors in the registers; `plan_commit`
   (snapshot, risk grading, hashes) and `plan_draw` (the draw, the reveal, the inspections
   created) timed separately; the exported file verified.
3. results page (PostgreSQL): 1,000,000 current published results made in SQL
   (generate_series); GET /inspections/results/ (first page, a deep keyset page, search by USCC,
   search by name prefix) and GET /api/v1/inspections/results through Django's test client, in
   this process, SAMPLES times each; p95 per query.

YS_BENCH_VOLUME scales every count (e.g. 0.001 to try the script)."""

import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

NAME = "inspections"
ENTITIES = 200_000
INSPECTORS = 2_000
RESULTS = 1_000_000
SAMPLES = 60
TARGET_DRAW_S = 5.0
TARGET_VERIFY_S = 5.0
TARGET_PAGE_P95_MS = 300.0


def synthetic(n_entities: int, n_inspectors: int, seed: int = 23):
    rng = random.Random(seed)
    entities = sorted(
        [f"91{i:016d}", f"1399991{rng.randrange(20):02d}000", rng.choice("AAAAABBBCD")]
        for i in range(n_entities)
    )
    codes = [e[0] for e in entities]
    roster = sorted(
        [
            f"I{j:05d}",
            f"u{j % 8}",
            f"1399991{rng.randrange(20):02d}000",
            sorted(set(rng.sample(codes, min(3, len(codes))))),
        ]
        for j in range(n_inspectors)
    )
    return entities, roster


def algorithm_part() -> dict:
    from yingshang.inspections import draw

    # at least 40 inspectors: a tiny trial run still has two eligible ones for every entity
    entities, roster = synthetic(common.volume(ENTITIES), max(40, common.volume(INSPECTORS)))
    plan = {
        "ratios": {"A": 500, "B": 1000, "C": 1500, "D": 2500},
        "per_entity": 2,
        "exclude_same_region": True,
    }
    seed = "a5" * 32
    run_s, result = common.timed(draw.run, plan, entities, roster, seed)
    doc = draw.export(
        plan=plan, entities=entities, inspectors=roster, seed=seed, result=result, meta={}
    )
    text = json.dumps(doc, ensure_ascii=False)

    def verify_from_text():
        return draw.verify(json.loads(text))

    verify_s, problems = common.timed(verify_from_text)
    return {
        "entities": len(entities),
        "inspectors": len(roster),
        "drawn": len(result),
        "draw_s": round(run_s, 3),
        "verify_s": round(verify_s, 3),
        "verify_ok": problems == [],
        "file_mb": round(len(text.encode()) / 1e6, 1),
        "draw_verdict": common.verdict(run_s, TARGET_DRAW_S, higher_is_better=False),
        "verify_verdict": common.verdict(verify_s, TARGET_VERIFY_S, higher_is_better=False),
    }


def _registers(n_firms: int, n_inspectors: int):
    from django.db import connection

    from yingshang.enterprises.models import Firm
    from yingshang.inspections import services
    from yingshang.inspections.models import Inspector
    from yingshang.org.identifiers import valid_uscc
    from yingshang.org.models import Unit, User

    county = Unit.objects.create(kind="county", code="bench-county", name="基准县")
    units = [
        Unit.objects.create(kind="department", code=f"bench-u{k}", name=f"基准局{k}", parent=county)
        for k in range(2)
    ]
    admin = User.objects.create(username="bench-insp-admin", is_superuser=True)
    rng = random.Random(5)
    batch = []
    for i in range(n_firms):
        batch.append(
            Firm(
                uscc=valid_uscc(f"91139999MA{i:07d}"),
                name=f"基准企业{i:07d}有限公司",
                region_code=f"1399991{rng.randrange(20):02d}000",
                industry_code="F52",
            )
        )
        if len(batch) == 10_000:
            Firm.objects.bulk_create(batch)
            batch = []
    Firm.objects.bulk_create(batch)
    Inspector.objects.bulk_create(
        [
            Inspector(
                unit=units[j % 2],
                code=f"BI{j:05d}",
                name=f"检查员{j}",
                region_code=f"1399991{rng.randrange(20):02d}000",
            )
            for j in range(n_inspectors)
        ]
    )
    matters = [
        services.matter_add(
            actor=admin,
            unit=u,
            code=f"bench-m{k}",
            name="基准事项",
            legal_basis="依据",
            checklist=["要点"],
        )
        for k, u in enumerate(units)
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return admin, units, matters


def service_part(env) -> dict:
    from yingshang.inspections import draw, services

    admin, units, matters = _registers(common.volume(ENTITIES), max(40, common.volume(INSPECTORS)))
    today = dt.date.today()
    plan = services.plan_create(
        actor=admin,
        title="基准联合抽查",
        lead_unit=units[0],
        units=units[1:],
        matters=matters,
        ratio_bp=500,
        window_start=today,
        window_end=today + dt.timedelta(days=60),
    )
    commit_s, committed = common.timed(services.plan_commit, actor=admin, plan=plan)
    draw_s, revealed = common.timed(services.plan_draw, actor=admin, plan=plan)
    verify_s, problems = common.timed(
        lambda: draw.verify(json.loads(json.dumps(services.export_document(revealed))))
    )
    return {
        "population": committed.population,
        "inspectors": committed.inspector_count,
        "drawn": revealed.inspections.count(),
        "commit_s": round(commit_s, 3),
        "draw_s": round(draw_s, 3),
        "verify_s": round(verify_s, 3),
        "verify_ok": problems == [],
        "draw_verdict": common.verdict(draw_s, TARGET_DRAW_S, higher_is_better=False),
        "plan_id": plan.pk,
        "draw_id": revealed.pk,
    }


def results_part(plan_id: int, draw_id: int) -> dict:
    from django.db import connection
    from django.test import Client

    from yingshang.inspections.models import Inspection, PublishedResult

    n = common.volume(RESULTS)
    started = time.perf_counter()
    insp, res = Inspection._meta.db_table, PublishedResult._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), count(*) FROM enterprises_firm")
        first_firm, firms = cursor.fetchone()
        cursor.execute(
            f"INSERT INTO {insp} (draw_id, plan_id, firm_id, grade, status, scheduled_on, ended_on, result, checklist,"
            " findings, signature, signer, follow_up, published_late, void_reason, clock_state, published_at)"
            f" SELECT %s, %s, %s + (g %% %s), 'A', 'published', DATE '2026-01-01', DATE '2026-01-01', 'no_problem',"
            " '[]', '', 'signed', '', '', false, '', '', now() - (g || ' minutes')::interval"
            " FROM generate_series(1, %s) g",
            [draw_id, plan_id, first_firm, firms, n],
        )
        cursor.execute(
            f"INSERT INTO {res} (inspection_id, version, current, firm_id, firm_name, uscc, plan_title, units, matters,"
            " inspected_on, result, summary, correction_reason, published_at)"
            f" SELECT i.id, 1, true, f.id, f.name, f.uscc, '基准联合抽查', '基准局0、基准局1', '基准事项', i.ended_on,"
            f" i.result, '', '', i.published_at FROM {insp} i JOIN enterprises_firm f ON f.id = i.firm_id"
            " WHERE i.status = 'published'"
        )
        cursor.execute(f"VACUUM ANALYZE {insp}")
        cursor.execute(f"VACUUM ANALYZE {res}")
        cursor.execute(f"SELECT count(*) FROM {res}")
        total = cursor.fetchone()[0]
    made_s = time.perf_counter() - started
    client = Client(HTTP_HOST="127.0.0.1")
    deep = PublishedResult.objects.filter(current=True).order_by("-published_at", "-id")[
        max(0, total - 50)
    ]
    cursor_value = f"{deep.published_at.timestamp():.6f}_{deep.pk}"
    sample = PublishedResult.objects.order_by("id")[total // 2]
    queries = {
        "page_first": "/inspections/results/",
        "page_deep_keyset": f"/inspections/results/?after={cursor_value}",
        "page_search_uscc": f"/inspections/results/?q={sample.uscc}",
        "page_search_name_prefix": "/inspections/results/?q=基准企业00123",
        "api_first": "/api/v1/inspections/results",
    }
    out = {"results": total, "made_s": round(made_s, 1)}
    for url in queries.values():  # warm-up: imports, URL resolver, template compilation
        client.get(url)
    for label, url in queries.items():
        times = []
        for _ in range(common.volume(SAMPLES) if common.volume(SAMPLES) > 5 else 5):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
            assert response.status_code == 200, (url, response.status_code)
        summary = common.summary_ms(times)
        summary["verdict"] = common.verdict(
            summary["p95_ms"], TARGET_PAGE_P95_MS, higher_is_better=False
        )
        out[label] = summary
    return out


def summary(data: dict) -> dict:
    """The rows of docs/performance.md (bench/run.py, rows_generic)."""
    a, s, r = data["algorithm"], data["service"], data["results_page"]
    rows = {
        f"draw algorithm over {a['entities']:,} entities / {a['inspectors']:,} inspectors": {
            "target": f"< {TARGET_DRAW_S:g} s",
            "seconds": a["draw_s"],
            "drawn": a["drawn"],
            "verdict": a["draw_verdict"],
        },
        f"verify-draw from the exported file ({a['file_mb']} MB)": {
            "target": f"< {TARGET_VERIFY_S:g} s",
            "seconds": a["verify_s"],
            "match": a["verify_ok"],
            "verdict": a["verify_verdict"],
        },
        f"plan_draw service on PostgreSQL ({s['population']:,} firms, {s['inspectors']:,} inspectors)": {
            "target": f"< {TARGET_DRAW_S:g} s",
            "seconds": s["draw_s"],
            "commit_s": s["commit_s"],
            "drawn": s["drawn"],
            "verdict": s["draw_verdict"],
        },
    }
    for key in (
        "page_first",
        "page_deep_keyset",
        "page_search_uscc",
        "page_search_name_prefix",
        "api_first",
    ):
        row = r[key]
        rows[f"results {key} over {r['results']:,} results: p95"] = {
            "target": f"< {TARGET_PAGE_P95_MS:g} ms",
            "p50_ms": row["p50_ms"],
            "p95_ms": row["p95_ms"],
            "verdict": row["verdict"],
        }
    return rows


def main() -> int:
    data = {
        "targets": {
            "draw_s": TARGET_DRAW_S,
            "verify_s": TARGET_VERIFY_S,
            "page_p95_ms": TARGET_PAGE_P95_MS,
        },
        "conditions_start": common.conditions(),
    }
    with common.pg_database("inspections") as (_url, env, info):
        data["migrate"] = info
        common.django_setup(env)
        common.log("algorithm …")
        data["algorithm"] = algorithm_part()
        common.log("service (commit, draw) …")
        data["service"] = service_part(env)
        common.log("results page …")
        data["results_page"] = results_part(data["service"]["plan_id"], data["service"]["draw_id"])
    data["summary"] = summary(data)
    path = common.write_result(NAME, data)
    common.log(f"wrote {path}")
    print(
        json.dumps(
            {k: data[k] for k in ("algorithm", "service", "results_page")},
            ensure_ascii=False,
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
