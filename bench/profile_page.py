"""Where the time of one page goes: N requests through Django's test client in this process
(PostgreSQL benchmark database with the demo county), under cProfile, plus the SQL of one
request. Not a benchmark (writes no result file); a tool for explaining a missed target.

    .venv/bin/python bench/profile_page.py /staff/ --user leader -n 200
    .venv/bin/python bench/profile_page.py / -n 300
    .venv/bin/python bench/profile_page.py "/staff/cases/?q=to_review" --user xzsp_handler --seed 0.05
    .venv/bin/python bench/profile_page.py "/staff/firms/{firm}/" --user supervisor --firm
"""

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--user", default="")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="cumulative", help="pstats key: cumulative, tottime, …")
    parser.add_argument(
        "--seed", default="", help="also run `yingshang seed --scale SEED` (e.g. 0.05)"
    )
    parser.add_argument(
        "--firm",
        action="store_true",
        help="give the demo firm the firms benchmark's 10,000 records; {firm} in PATH is its id",
    )
    args = parser.parse_args()
    with common.pg_database("profile") as (_url, env, _info):
        demo = common.manage(["demo", "--quiet"], env)
        if demo.returncode != 0:
            raise RuntimeError(demo.stderr[-2000:])
        if args.seed:
            seeded = common.manage(["seed", "--scale", args.seed], env)
            if seeded.returncode != 0:
                raise RuntimeError(seeded.stderr[-2000:])
            print(seeded.stdout.strip().splitlines()[-1])
        common.django_setup(env)
        if args.firm:
            import bench_firms

            args.path = args.path.replace("{firm}", str(bench_firms.grow()["firm_id"]))
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        client = Client(HTTP_HOST="127.0.0.1")
        if args.user:
            from yingshang.org.models import User

            client.force_login(User.objects.get(username=args.user))
        for _ in range(10):
            client.get(args.path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(args.path)
        print(
            f"status {response.status_code}, {len(response.content)} bytes, {len(queries.captured_queries)} queries:"
        )
        for q in queries.captured_queries:
            print(f"  {float(q['time']) * 1000:6.2f} ms  {q['sql'][:160]}")
        started = time.perf_counter()
        for _ in range(args.n):
            client.get(args.path)
        plain = (time.perf_counter() - started) / args.n
        print(f"\n{args.n} requests without the profiler: {plain * 1000:.2f} ms each")
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(args.n):
            client.get(args.path)
        profiler.disable()
        elapsed = time.perf_counter() - started
        print(
            f"\n{args.n} requests in {elapsed:.2f} s under the profiler: {elapsed / args.n * 1000:.2f} ms each"
        )
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())
        common.close_django_connections()
    return 0


if __name__ == "__main__":
    sys.exit(main())
