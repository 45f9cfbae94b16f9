"""Before/after in one run, interleaved: each benchmark runs for the baseline tree and for this
tree back to back (ABBA order: the baseline first for odd benchmarks, this tree first for even
ones), so the machine's drift over the ~45 minutes of a full run falls on both sides alike. A
single run of each code 25 minutes apart moved figures of unchanged code by 15–25 % on this
machine (session 7), more than the 10 % bound of issue 16.

    git archive ad0d715 | tar -x -C /work/bench_base && ln -s $PWD/.venv /work/bench_base/.venv
    .venv/bin/python bench/ab.py /work/bench_base --commit ad0d715 --label "before the kit"
    .venv/bin/python bench/ab.py /work/bench_base pages ratings   # selected benchmarks

Each side writes its own bench/results/<name>.json (the baseline inside its tree); then
bench/compare.py writes bench/results/comparison.md and docs/performance.md is rebuilt.
"""

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import common  # noqa: E402
from run import BENCHMARKS  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("baseline", type=Path, help="an exported tree of the baseline commit")
    parser.add_argument("names", nargs="*", help="benchmarks (default all)")
    parser.add_argument("--commit", required=True, help="the baseline's commit, for the report")
    parser.add_argument("--label", default="", help="what the baseline is")
    parser.add_argument("--note", default="", help="conditions of the run")
    args = parser.parse_args()
    names = args.names or list(BENCHMARKS)
    trees = {"baseline": args.baseline.resolve(), "current": HERE.parent}
    failed = []
    for i, name in enumerate(names):
        order = ("baseline", "current") if i % 2 == 0 else ("current", "baseline")
        for side in order:
            common.log(f"##### {name}: {side} ({trees[side]})")
            code = subprocess.run(
                [
                    str(trees[side] / ".venv" / "bin" / "python"),
                    "bench/run.py",
                    name,
                    "--note",
                    f"{args.note} [interleaved A/B run: {side}]".strip(),
                ],
                cwd=trees[side],
            ).returncode
            if code:
                failed.append(f"{name}:{side}")
    subprocess.run(
        [
            sys.executable,
            str(HERE / "compare.py"),
            str(trees["baseline"] / "bench" / "results"),
            "--commit",
            args.commit,
            "--label",
            args.label or args.commit,
        ],
        check=True,
    )
    subprocess.run([sys.executable, str(HERE / "run.py"), "--report-only"], check=True)
    if failed:
        common.log(f"failed: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
