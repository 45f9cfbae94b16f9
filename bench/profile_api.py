"""Where the time of one API write goes, on a database kept by a benchmark (YS_BENCH_KEEP=1):
the same request the benchmark sends, through Django's test client with a bearer token and a
fresh Idempotency-Key, N times; the SQL of one request, then cProfile. A tool (writes no
result file). Examples:

    YS_BENCH_KEEP=1 YS_BENCH_VOLUME=0.05 .venv/bin/python bench/bench_ratings.py
    .venv/bin/python bench/profile_api.py ratings -n 200
    .venv/bin/python bench/profile_api.py hotline -n 200 --sort tottime
    .venv/bin/python bench/profile_api.py ratings --serve 15   # load + CPU split per request
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

# name: (database suffix, user, path, body maker, ids query)
RATING_IDS = (
    "SELECT id FROM hotline_workorder w WHERE status = 'closed' AND main_unit_id IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM ratings_rating r WHERE r.work_order_id = w.id) ORDER BY id"
)


def _rating_body(i):
    return {
        "object": "work_order",
        "id": i,
        "level": 5,
        "channel": "hotline_callback",
        "comment": "回访：问题已解决，表示满意",
    }


HOTLINE_BODY = {
    "content": "{n} 号楼前道路井盖破损，夜间行人容易踩空，请尽快修复。",
    "channel": "phone",
    "category": "complaint",
    "caller_name": "王先生",
    "caller_phone": "13800138000",
    "address": "示范县人民路88号",
}


def serve(env: dict, *, user_token: str, path: str, template: str, ids, seconds: int) -> None:
    """The benchmark's load against the kept database, with the CPU split per request."""
    common.close_django_connections()
    uses_ids = "{id}" in template
    extra = (
        ("--threads", os.environ["YS_PROFILE_THREADS"])
        if os.environ.get("YS_PROFILE_THREADS")
        else ()
    )
    with common.gunicorn(env, workers=2, extra_args=extra) as server:
        run = common.load_run(
            server,
            path,
            label=f"POST {path}",
            method="POST",
            body=template,
            headers={"Authorization": f"Bearer {user_token}", "Content-Type": "application/json"},
            unique_key_header="Idempotency-Key",
            expect_status=201,
            duration=seconds,
            connections=common.WRITE_CONNECTIONS,
            ids=list(ids)[:60_000] if uses_ids else None,
        )
    lat = run["latency_ms"]
    print(
        f"{run['requests_per_s']:.1f} requests/s, p50 {lat['p50']:.1f} p95 {lat['p95']:.1f} "
        f"p99 {lat['p99']:.1f} ms, errors {run['errors_total']}"
    )
    print("CPU ms per request:", run.get("cpu_ms_per_request"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["ratings", "hotline", "cases"])
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument(
        "--serve",
        type=int,
        default=0,
        metavar="SECONDS",
        help="instead of cProfile: the benchmark's load (2 gunicorn workers, wrk at "
        "common.WRITE_CONNECTIONS clients) for SECONDS, with the CPU split per request",
    )
    args = parser.parse_args()
    name = os.environ.get("YS_PROFILE_DB") or common.DB_PREFIX + args.what
    env = common.app_env(
        database_url=f"{common.PG_SERVER}/{name}", data_dir=tempfile.mkdtemp(prefix="ys_prof_")
    )
    common.django_setup(env)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if args.what == "ratings":
        from yingshang.ratings.models import RatingSettings

        limits = RatingSettings.current()
        limits.public_per_ip_per_minute = 1_000_000
        limits.save()
        with connection.cursor() as cur:
            cur.execute(RATING_IDS)
            ids = [r[0] for r in cur.fetchall()]
        user, path, make = "operator", "/api/v1/ratings/ratings", _rating_body
        template = json.dumps(_rating_body("{id}"), ensure_ascii=False).replace('"{id}"', "{id}")
    elif args.what == "hotline":
        ids = list(range(10_000_000, 10_100_000))
        user, path = "operator", "/api/v1/hotline/orders"
        template = json.dumps(HOTLINE_BODY, ensure_ascii=False)

        def make(i):
            return {**HOTLINE_BODY, "content": HOTLINE_BODY["content"].replace("{n}", str(i))}

    else:
        import bench_cases

        body, _about = bench_cases.submit_payload()
        ids = list(range(1_000_000))
        user, path = "zhangsan", "/api/v1/cases"
        template = body

        def make(i):
            return json.loads(body)

    token = common.bearer_token(user)
    client = Client(HTTP_HOST="127.0.0.1")
    ids = iter(ids)

    def post():
        response = client.post(
            path,
            data=json.dumps(make(next(ids)), ensure_ascii=False).encode(),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
        )
        if response.status_code >= 300:
            raise RuntimeError(f"{response.status_code} {response.content[:500]!r}")
        return response

    for _ in range(5):
        post()
    with CaptureQueriesContext(connection) as queries:
        t = time.perf_counter()
        post()
        one = time.perf_counter() - t
    print(f"one request {one * 1000:.1f} ms, {len(queries.captured_queries)} statements")
    kinds = Counter(
        q["sql"].split()[0] + " " + (q["sql"].split('"')[1] if '"' in q["sql"] else "")
        for q in queries.captured_queries
    )
    for k, v in kinds.most_common(40):
        print(f"  {v:3d} × {k}")
    if os.environ.get("YS_PROFILE_SQL"):
        for q in queries.captured_queries:
            print(f"  {float(q['time']) * 1000:6.2f} ms  {q['sql'][:150]}")
    if args.serve:
        serve(env, user_token=token, path=path, template=template, ids=ids, seconds=args.serve)
        return 0
    started = time.perf_counter()
    for _ in range(args.n):
        post()
    print(
        f"\n{args.n} requests without the profiler: {(time.perf_counter() - started) / args.n * 1000:.2f} ms each"
    )
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(args.n):
        post()
    profiler.disable()
    if os.environ.get("YS_PROFILE_DUMP"):
        profiler.dump_stats(os.environ["YS_PROFILE_DUMP"])
    elapsed = time.perf_counter() - started
    print(f"{args.n} requests under the profiler: {elapsed / args.n * 1000:.1f} ms each\n")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    common.close_django_connections()
    return 0


if __name__ == "__main__":
    sys.exit(main())
