"""Where the time of the ledger board (/staff/supervision/, issue 7) goes, in-process, against
a kept benchmark database (a tool, not a benchmark: writes no result file).

Build the database once with YS_BENCH_KEEP=1 (bench/common.py pg_database keeps it and logs its
data directory), e.g. `yingshang demo` + yingshang.demo.loaders.supervision.generate(…, Scale("bench", 1))
for 100,000 problems, then:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ys_bench_prof_sup \\
    YINGSHANG_DATA_DIR=/tmp/ys_bench_data_… \\
        .venv/bin/python bench/profile_board.py --user supervisor -n 30 [--profile] [--explain]
    … bench/profile_board.py --user handler_a --path "/staff/supervision/?overdue=1"

Prints per path: status, bytes, median/mean/min of n requests through Django's test client
(one at a time), the SQL of one request (slowest first), optionally cProfile's top functions
(--profile) and EXPLAIN (ANALYZE, BUFFERS) of every SELECT (--explain)."""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingshang.settings")
    os.environ.setdefault("SECRET_KEY", "profile-" + "k" * 60)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    root = os.environ.get("YS_BENCH_SOURCE") or os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))
    )
    sys.path.insert(0, root)
    import django

    django.setup()


def run(paths, *, user="", n=30, profile=False, explain=False, top=30, anonymous=False) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if user and not anonymous:
        from yingshang.org.models import User

        client.force_login(User.objects.get(username=user))
    for path in paths:
        for _ in range(3):
            response = client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        captured = list(queries.captured_queries)  # the log is cleared when a connection opens
        times = []
        for _ in range(n):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"{path}: status {response.status_code}, {len(response.content):,} bytes, "
            f"{len(captured)} queries; median {statistics.median(times):.1f} ms, "
            f"mean {statistics.fmean(times):.1f} ms, min {min(times):.1f} ms (n={n})"
        )
        sql_ms = sum(float(q["time"]) * 1000 for q in captured)
        print(f"  SQL (as seen by Django, one request): {sql_ms:.1f} ms")
        for q in sorted(captured, key=lambda q: -float(q["time"])):
            print(f"  {float(q['time']) * 1000:7.2f} ms  {q['sql'][:240]}")
        if explain:
            with connection.cursor() as cursor:
                for q in captured:
                    sql = q["sql"]
                    if not sql.lstrip("( ").upper().startswith("SELECT") or "django_session" in sql:
                        continue
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    print("\n  " + sql[:300])
                    for (line,) in cursor.fetchall():
                        print("    " + line[:300])
        if profile:
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(n):
                client.get(path)
            prof.disable()
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(top)
            print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
            print(out.getvalue())
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--path", action="append", default=[])
    parser.add_argument("--user", default="supervisor")
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        parser.error("set DATABASE_URL (and YINGSHANG_DATA_DIR) to a kept benchmark database")
    setup()
    return run(
        args.path or ["/staff/supervision/"],
        user=args.user,
        n=args.n,
        profile=args.profile,
        explain=args.explain,
        top=args.top,
    )


if __name__ == "__main__":
    sys.exit(main())
