"""Where the time of the Open311 reads (GET /open311/v2/requests.json / .xml, 1,000 rows,
issue 5) goes, in-process, against a kept benchmark database with ~1M work orders (a tool, not
a benchmark: writes no result file). Anonymous requests, as the benchmark sends them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ys_bench_prof_hot \\
    YINGSHANG_DATA_DIR=/tmp/ys_bench_data_… \\
        .venv/bin/python bench/profile_open311.py -n 20 [--profile] [--explain]

Same output as bench/profile_board.py (timing of n requests, SQL, cProfile, EXPLAIN)."""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import profile_board


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--path", action="append", default=[])
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        parser.error("set DATABASE_URL (and YINGSHANG_DATA_DIR) to a kept benchmark database")
    profile_board.setup()
    return profile_board.run(
        args.path or ["/open311/v2/requests.json", "/open311/v2/requests.xml"],
        n=args.n,
        profile=args.profile,
        explain=args.explain,
        top=args.top,
        anonymous=True,
    )


if __name__ == "__main__":
    sys.exit(main())
