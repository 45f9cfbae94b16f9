"""Where the time of one case submission (POST /api/v1/cases) goes: the bench_cases.py payload
(a matter with its form and 6 small PDFs) sent N times through Django's test client with a
bearer token and a fresh Idempotency-Key, on a PostgreSQL benchmark database with the demo
county; the SQL of one submission, then cProfile. A tool (writes no result file).

    .venv/bin/python bench/profile_submit.py -n 40
"""

import argparse
import cProfile
import io
import pstats
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_cases
import common


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=40)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative", help="pstats key: cumulative, tottime, …")
    args = parser.parse_args()
    with common.pg_database("profile") as (_url, env, _info):
        demo = common.manage(["demo", "--quiet"], env)
        if demo.returncode != 0:
            raise RuntimeError(demo.stderr[-2000:])
        common.django_setup(env)
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        body, about = bench_cases.submit_payload()
        token = common.bearer_token("zhangsan")
        client = Client(HTTP_HOST="127.0.0.1")

        def post():
            return client.post(
                "/api/v1/cases",
                data=body.encode(),
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
            )

        for _ in range(3):
            post()
        with CaptureQueriesContext(connection) as queries:
            t = time.perf_counter()
            response = post()
            one = time.perf_counter() - t
        print(
            f"{about}: status {response.status_code} in {one * 1000:.1f} ms, {len(queries.captured_queries)} queries"
        )
        kinds = Counter(
            q["sql"].split()[0] + " " + (q["sql"].split('"')[1] if '"' in q["sql"] else "")
            for q in queries.captured_queries
        )
        for k, v in kinds.most_common(40):
            print(f"  {v:3d} × {k}")
        slow = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:8]
        for q in slow:
            print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:150]}")
        started = time.perf_counter()
        for _ in range(args.n):
            post()
        plain = (time.perf_counter() - started) / args.n
        print(f"\n{args.n} submissions without the profiler: {plain * 1000:.1f} ms each")
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(args.n):
            post()
        profiler.disable()
        elapsed = time.perf_counter() - started
        print(
            f"\n{args.n} submissions in {elapsed:.2f} s under the profiler: {elapsed / args.n * 1000:.1f} ms each"
        )
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())
        common.close_django_connections()
    return 0


if __name__ == "__main__":
    sys.exit(main())
