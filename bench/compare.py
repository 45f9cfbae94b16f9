"""Side-by-side figures of two benchmark runs made in the same session: a baseline (an earlier
commit, run from its own exported tree) and the current code.

    .venv/bin/python bench/compare.py BASELINE_RESULTS_DIR --label "ad0d715 (before the kit)"

reads BASELINE_RESULTS_DIR/<name>.json and bench/results/<name>.json, copies the baseline files
to bench/results/baselines/<name>_<commit>.json and writes bench/results/comparison.md, which
`bench/run.py` puts into docs/performance.md. A figure is "worse" when it moved the wrong way
by more than the tolerance (10 %: issue 16's bound)."""

import argparse
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import common  # noqa: E402

TOLERANCE = 0.10
# parts of a figure's key that say which way is better
HIGHER = ("per_s",)
LOWER = ("_ms", "seconds", "sweep_s", "rss_mb")
# inputs, counts and reference figures of other software: not figures of our code
SKIP = (
    "existing",
    "rows",
    "made.",
    "errors",
    "connections",
    "chinese_calendar",
    "numpy",
    "sql_inserts",
    "api_share",
    "orders_in_month",
    "ratings_in_month",
    "moved_to",
    "created",
    "progress_updates",
    "speedup",
    "train.orders",
    "generator.made",
    "seed_generator.cases",
    "import.rows",
)


def flatten(node, prefix=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from flatten(value, f"{prefix}.{key}" if prefix else key)
    elif isinstance(node, int | float) and not isinstance(node, bool):
        yield prefix, node


def direction(key: str) -> int:
    """+1 higher is better, -1 lower is better, 0 not compared."""
    if any(s in key for s in SKIP):
        return 0
    if any(s in key for s in HIGHER):
        return 1
    if any(key.endswith(s) or s in key for s in LOWER):
        return -1
    return 0


def compare(baseline: dict, current: dict) -> list[tuple]:
    old = dict(flatten(baseline.get("summary", {})))
    rows = []
    for key, new in flatten(current.get("summary", {})):
        sign = direction(key)
        if not sign or key not in old or not old[key]:
            continue
        change = (new - old[key]) / abs(old[key])
        worse = -change * sign > TOLERANCE
        rows.append((key, old[key], new, change, sign, worse))
    return rows


def _fmt(v) -> str:
    return f"{v:,.2f}" if isinstance(v, float) and abs(v) < 1000 else f"{v:,.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("baseline", type=Path)
    parser.add_argument("--label", required=True, help="what the baseline is (commit, why)")
    parser.add_argument("--commit", required=True, help="the baseline's short commit id")
    parser.add_argument("--current", default="the working tree", help="what the current run is")
    args = parser.parse_args()

    lines = [
        "## Before and after the workflow kit (issue 16)",
        "",
        f"Baseline: {args.label}. Current: {args.current}. Both ran back to back on the machine",
        "above with nothing else running, with the same benchmark scripts of their own trees.",
        f"A figure is **worse** when it moved the wrong way by more than {TOLERANCE:.0%}.",
        "",
        "| benchmark | figure | baseline | current | change | |",
        "|---|---|---|---|---|---|",
    ]
    worse_total = compared = 0
    baselines = common.RESULTS_DIR / "baselines"
    baselines.mkdir(parents=True, exist_ok=True)
    for path in sorted(args.baseline.glob("*.json")):
        current_path = common.RESULTS_DIR / path.name
        if not current_path.exists():
            continue
        base, cur = json.loads(path.read_text()), json.loads(current_path.read_text())
        shutil.copy(path, baselines / f"{path.stem}_{args.commit}.json")
        for key, old, new, change, sign, worse in compare(base, cur):
            compared += 1
            worse_total += worse
            better = "higher" if sign > 0 else "lower"
            mark = "**worse**" if worse else ""
            lines.append(
                f"| {path.stem} | `{key}` ({better} is better) | {_fmt(old)} | {_fmt(new)} "
                f"| {change:+.1%} | {mark} |"
            )
    lines += ["", f"{compared} figures compared; {worse_total} worse by more than 10 %.", ""]
    out = common.RESULTS_DIR / "comparison.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print(out.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
