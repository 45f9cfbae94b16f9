"""Run the benchmarks (`make bench`) and regenerate docs/performance.md.

    .venv/bin/python bench/run.py                  # every benchmark, one at a time
    .venv/bin/python bench/run.py pages audit      # selected ones
    .venv/bin/python bench/run.py --report-only    # only rebuild docs/performance.md from bench/results
    .venv/bin/python bench/run.py --source HEAD    # benchmark the last commit (exported to a temp dir)
    .venv/bin/python bench/run.py --note "quiet machine, nothing else running"

Each benchmark is bench/bench_<name>.py, run in its own process; it writes
bench/results/<name>.json (also when it fails or when what it measures has not landed yet).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import common  # noqa: E402

# name: (issue, what, needs wrk, time limit in seconds)
BENCHMARKS = {
    "pages": (2, "workbench and portal home under load", True, 300),
    "calendar": (3, "working-day arithmetic", False, 300),
    "audit": (3, "audit record and verify at 1M events", False, 600),
    "sweep": (3, "clock sweep over 1M open clocks", False, 400),
    "cases": (
        4,
        "case submission API, queue and statistics at 1M cases, seed generator",
        True,
        900,
    ),
    "hotline": (5, "work-order API, KPI, Open311, smart dispatch", True, 900),
    "ratings": (6, "rating submission and statistics", True, 900),
    "supervision": (7, "import and ledger board", True, 600),
    "firms": (21, "firm page (一企一档) with 10,000 related records", True, 900),
    "assessment": (
        20,
        "monthly ranking vs one SQL query, Word bulletin, leader dashboard",
        True,
        2400,
    ),
    "credit": (21, "public 信用公示 page at 200,000 records, nightly expiry over 1M", True, 1200),
    "projects": (22, "construction-project statistics at 50,000 projects", True, 1200),
    "policies": (
        22,
        "免申即享 over 200,000 firms, weekly digest for 100,000 subscribers",
        False,
        1200,
    ),
    "indicators": (
        19,
        "scoring 200 leaves × 30 sites × 40 periods, evaluation page, measured leaves at 1M",
        True,
        1500,
    ),
    "inspections": (23, "双随机 draw, its verification and the public results page", True, 1800),
    "city": (
        24,
        "a city-year on PostgreSQL (10M work orders, 3M cases, 5M ratings, 30M audit events): "
        "county and city KPIs, staff queues, incremental audit verify",
        True,
        3600,
    ),
    "cluster": (
        24,
        "mixed load through nginx to 2 app servers vs 1 server with twice the workers",
        False,
        1800,
    ),
}
DOC = HERE.parent / "docs" / "performance.md"


def export_source(ref: str) -> Path:
    target = Path(tempfile.mkdtemp(prefix="ys_bench_src_"))
    archive = subprocess.run(
        ["git", "archive", ref], cwd=HERE.parent, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def run(names: list[str], env: dict) -> dict:
    statuses = {}
    for name in names:
        script = HERE / f"bench_{name}.py"
        if not script.exists():
            statuses[name] = "no script"
            common.write_result(
                name, {"status": "not available yet", "summary": {"status": "not available yet"}}
            )
            continue
        limit = BENCHMARKS.get(name, (0, "", False, 900))[3]
        common.log(f"=== {name} (limit {limit} s) ===")
        started = time.perf_counter()
        try:
            # own session: on a time-out the whole group (gunicorn, wrk …) is stopped with it
            proc = subprocess.Popen([common.PYTHON, str(script)], env=env, start_new_session=True)
            code = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
            code = "timeout"
            _cleanup_databases()
        statuses[name] = {"exit": code, "seconds": round(time.perf_counter() - started, 1)}
        common.log(f"=== {name}: {statuses[name]} ===")
    return statuses


def _cleanup_databases() -> None:
    """After a killed benchmark: drop what it left (only ys_bench_* databases)."""
    try:
        with common.admin_connection() as conn:
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE 'ys\\_bench\\_%'"
                )
            ]
        for name in names:
            common.drop_database(name)
    except Exception as exc:
        common.log(f"cleanup failed: {exc}")


# --- docs/performance.md ------------------------------------------------------------------
def _fmt(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def rows_pages(d):
    s = d["summary"]
    out = []
    for label, title in (
        ("portal_home", "门户首页 portal home (anonymous)"),
        ("workbench_home_leader", "工作台首页 workbench home — county leader"),
        ("workbench_home_scjg_handler", "工作台首页 workbench home — department handler"),
    ):
        if label in s:
            r = s[label]
            out.append(
                (
                    f"{title}: p95 / p99, {d['runs'][label]['connections']} clients",
                    "p95 < 150 ms",
                    f"{r['p95_ms']:.0f} / {r['p99_ms']:.0f} ms at {r['requests_per_s']:.0f} req/s",
                    r["verdict_p95"],
                )
            )
            out.append(
                (
                    f"{title}: errors (non-2xx, timeouts, redirects)",
                    "0",
                    _fmt(r["errors"]),
                    r["verdict_errors"],
                )
            )
    if "memory" in s:
        out.append(
            (
                "RSS per gunicorn worker (peak)",
                "< 200 MB",
                f"{s['memory']['max_peak_rss_mb']} MB",
                s["memory"]["verdict"],
            )
        )
    for label, r in d.get("in_process_service_time", {}).items():
        out.append(
            (
                f"{label}: service time in-process, one request at a time",
                "—",
                f"p50 {r['p50_ms']:.1f} ms, {r['queries_per_request']} SQL queries",
                "info",
            )
        )
    return out


def rows_calendar(d):
    out = []
    for fn, s in d["summary"].items():
        out.append(
            (
                f"`{fn}` module-level, one core (best of {d['ours'][fn]['module_level']['passes']} passes; median pass)",
                "≥ 300,000 calls/s",
                f"{s['module_level_calls_per_s']:,} ({s['module_level_calls_per_s_median_pass']:,}) calls/s",
                s["verdict_speed"],
            )
        )
        out.append(
            (f"`{fn}` WorkCalendar method", "—", f"{s['method_calls_per_s']:,} calls/s", "info")
        )
        out.append(
            (
                f"`{fn}` vs chinese_calendar ({d['chinese_calendar'][fn]['function']})",
                "≥ 50×",
                f"{s['speedup_vs_chinese_calendar']:,}× ({s['chinese_calendar_calls_per_s']:,} calls/s)",
                s["verdict_ratio"],
            )
        )
        out.append(
            (
                f"`{fn}` identical results to chinese_calendar ({d['chinese_calendar'][fn]['inputs_compared']:,} inputs)",
                "identical",
                f"{d['chinese_calendar'][fn]['results_differing_from_ours']} differ",
                s["verdict_identical"],
            )
        )
        out.append(
            (
                f"`{fn}` numpy busday (vectorised / scalar)",
                "—",
                f"{s['numpy_vectorised_calls_per_s']:,} / {s['numpy_scalar_calls_per_s']:,} calls/s; "
                f"{s['numpy_results_differing']:,} of {d['inputs']['n']:,} results differ",
                "info",
            )
        )
    return out


def rows_audit(d):
    out = []
    for backend, s in d["summary"].items():
        if "error" in s:
            out.append((f"{backend}", "—", s["error"], "ERROR"))
            continue
        out.append(
            (
                f"{backend}: `audit.record` at {s['existing_events']:,} events — call / added to the transaction (mean)",
                "< 2 ms",
                f"{s['record_call_mean_ms']:.2f} / {s['added_to_transaction_mean_ms']:.2f} ms "
                f"(call p95 {s['record_call_p95_ms']:.2f} ms)",
                s["verdict_record"],
            )
        )
        out.append(
            (
                f"{backend}: `verify_chain` over {s['existing_events']:,}+ events",
                "≥ 50,000 events/s",
                f"{s['verify_events_per_s']:,} events/s (chain ok: {_fmt(s['verify_ok'])})",
                s["verdict_verify"],
            )
        )
    return out


def rows_sweep(d):
    s = d["summary"]
    return [
        (
            f"sweep over {s['open_clocks']:,} open clocks ({s['moved_to_warning']:,} → warning, {s['moved_to_overdue']:,} → overdue)",
            "< 10 s",
            f"{s['sweep_s']:.2f} s",
            s["verdict"],
        ),
        (
            "moves equal to the expected ones",
            "yes",
            _fmt(s["moves_as_expected"]),
            "met" if s["moves_as_expected"] else "MISSED",
        ),
        ("no-op sweep right after", "—", f"{s['noop_sweep_s'] * 1000:.1f} ms", "info"),
    ]


def rows_generic(d):
    s = d.get("summary", {})
    rows = []
    for key, value in s.items():
        if isinstance(value, dict):
            measured = ", ".join(
                f"{k}: {_fmt(v)}"
                for k, v in value.items()
                if not k.startswith("verdict") and k not in ("target",)
            )
            verdicts = [v for k, v in value.items() if k.startswith("verdict")]
            rows.append((key, value.get("target", "—"), measured, " / ".join(verdicts) or "info"))
        else:
            rows.append((key, "—", _fmt(value), "info"))
    return rows


FIRM_SETUPS = {
    "kept_one_save_per_s": "panels kept, one of the firm's records saved each second (judged)",
    "kept": "panels kept, no saves",
    "built_every_request": "panels built on every request (FIRM_PANELS_CACHE_SECONDS=0)",
}


def rows_firms(d):
    """The page in each set-up, then the in-process time; older results have no set-ups."""
    if "setups" not in d:
        return rows_generic(d)
    rows = []
    for setup, what in FIRM_SETUPS.items():
        for label, s in d["setups"].get(setup, {}).get("summary", {}).items():
            judged = setup == "kept_one_save_per_s"
            measured = (
                f"p95 {_fmt(s['p95_ms'])} ms, {_fmt(s['requests_per_s'])} requests/s, "
                f"errors {s['errors']}; one client p95 {_fmt(s['one_client_p95_ms'])} ms"
            )
            if "firm_saves_during_run" in s:
                measured += f"; {s['firm_saves_during_run']} saves during the run"
            verdict = f"{s['verdict_p95']} / {s['verdict_errors']}" if judged else "info"
            rows.append((f"{label}, {what}", "p95 < 300 ms, 10 clients", measured, verdict))
    for label, s in d.get("in_process_service_time", {}).items():
        rows.append(
            (
                f"{label} in process",
                "—",
                f"p50 {_fmt(s['p50_ms'])} ms, {s['queries_per_request']} queries",
                "info",
            )
        )
    return rows


RENDERERS = {
    "firms": rows_firms,
    "pages": rows_pages,
    "calendar": rows_calendar,
    "audit": rows_audit,
    "sweep": rows_sweep,
}


def machine_line(m: dict) -> str:
    return (
        f"{m.get('cpu_model')}, {m.get('cpu_cores')} cores, {m.get('memory_gb')} GB RAM, {m.get('os')}, "
        f"Python {m.get('python')}, PostgreSQL {m.get('postgresql')}"
    )


def write_doc() -> None:
    results = {}
    for path in sorted(common.RESULTS_DIR.glob("*.json")):
        try:
            results[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
    order = [n for n in BENCHMARKS if n in results] + sorted(
        n for n in results if n not in BENCHMARKS
    )
    machines = {machine_line(d["machine"]) for d in results.values() if "machine" in d}
    lines = [
        "# Performance",
        "",
        "Generated by `bench/run.py` (`make bench`) from `bench/results/*.json` — do not edit by hand.",
        'Targets are those of issues 2–7 and 19–24 ("Performance" sections). Every figure below was measured by',
        "the benchmark named in its heading; the JSON files hold the details (percentiles, counts,",
        "load averages before and after, the exact inputs). Comparisons (chinese_calendar, numpy, plain",
        "SQL) ran in the same run as the figure they are compared with.",
        "",
        "## Machine",
        "",
    ]
    lines += [f"- {m}" for m in sorted(machines)] or ["- (no results yet)"]
    lines += [
        "",
        "How to run: `make bench` (every benchmark in turn; `city` alone ~15 min) or `.venv/bin/python bench/run.py NAME…`; each benchmark",
        "creates and drops its own `ys_bench_*` PostgreSQL database (127.0.0.1:5432, user postgres) and",
        "starts/stops its own gunicorn (2 workers) where it needs HTTP; load comes from `wrk`",
        "(`bench/wrk_report.lua`).",
        "",
    ]
    for name in order:
        d = results[name]
        issue, what = BENCHMARKS.get(name, ("?", name, False, 0))[:2]
        lines += [f"## `{name}` — issue {issue}: {what}", ""]
        cond = d.get("conditions_start", {})
        end = d.get("conditions_end", {})
        meta = [f"run {d.get('finished_at', '?')}", f"code: {d.get('source', '?')}"]
        if cond.get("loadavg_1_5_15"):
            meta.append(
                f"load average before/after {cond['loadavg_1_5_15'][0]} / {end.get('loadavg_1_5_15', ['?'])[0]}"
            )
        if cond.get("note"):
            meta.append(f"conditions: {cond['note']}")
        if d.get("volume_factor", 1) != 1:
            meta.append(
                f"**volumes scaled ×{d['volume_factor']} (a smoke run, not the target volume)**"
            )
        lines += ["_" + "; ".join(meta) + "_", ""]
        if (
            d.get("status") == "not available yet"
            or d.get("summary", {}).get("status") == "not available yet"
        ):
            lines += [f"Not available yet: {d.get('reason', 'the module has not landed')}.", ""]
            continue
        if "error" in d and "summary" not in d:
            lines += [f"**Failed:** `{d['error']}`", ""]
            continue
        try:
            rows = RENDERERS.get(name, rows_generic)(d)
        except (KeyError, TypeError, ValueError) as exc:
            rows = rows_generic(d)
            rows.insert(
                0,
                ("(renderer)", "—", f"summary shown raw ({exc.__class__.__name__}: {exc})", "info"),
            )
        smoke = d.get("volume_factor", 1) != 1 or "smoke" in (cond.get("note") or "")
        if smoke:  # figures at a fraction of the volume say nothing about the targets
            rows = [
                (a, b, c, "not judged (smoke run)" if v not in ("info", "ERROR") else v)
                for a, b, c, v in rows
            ]
        lines += ["| measure | target | measured | verdict |", "|---|---|---|---|"]
        lines += [
            f"| {a} | {b} | {c} | {v if v != 'MISSED' else '**MISSED**'} |" for a, b, c, v in rows
        ]
        lines.append("")
        if d.get("migrate", {}).get("workaround"):
            lines += [
                f"Note: PostgreSQL migrate needed a work-around: {d['migrate']['workaround']}",
                "",
            ]
        for note in d.get("notes", []):
            lines += [f"Note: {note}", ""]
        for label, run_data in (d.get("runs") or {}).items():
            if isinstance(run_data, dict) and run_data.get("auth_fallback"):
                lines += [f"Note ({label}): {run_data['auth_fallback']}.", ""]
    comparison = common.RESULTS_DIR / "comparison.md"  # written by bench/compare.py
    if comparison.exists():
        lines += ["", comparison.read_text(encoding="utf-8").rstrip(), ""]
    analysis = HERE / "analysis.md"
    if analysis.exists():
        lines += ["", analysis.read_text(encoding="utf-8").rstrip(), ""]
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    common.log(f"wrote {DOC.relative_to(HERE.parent)}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "names", nargs="*", help=f"benchmarks to run (default all): {', '.join(BENCHMARKS)}"
    )
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument(
        "--source", default="worktree", help="worktree (default) or a git ref such as HEAD"
    )
    parser.add_argument(
        "--note", default="", help="conditions of the run, written into the results"
    )
    args = parser.parse_args()
    if args.report_only:
        write_doc()
        return 0
    names = args.names or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS and not (HERE / f"bench_{n}.py").exists()]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    env = {**os.environ, "YS_BENCH_NOTE": args.note}
    source = None
    if args.source != "worktree":
        source = export_source(args.source)
        commit = subprocess.run(
            ["git", "rev-parse", "--short", args.source],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
        ).stdout.strip()
        env.update(
            {
                "YS_BENCH_SOURCE": str(source),
                "YS_BENCH_SOURCE_LABEL": f"git {args.source} ({commit})",
            }
        )
    if any(BENCHMARKS.get(n, (0, "", False))[2] for n in names):
        common.ensure_wrk()
    try:
        statuses = run(names, env)
    finally:
        if source:
            shutil.rmtree(source, ignore_errors=True)
    write_doc()
    failed = {n: s for n, s in statuses.items() if isinstance(s, dict) and s["exit"] != 0}
    if failed:
        common.log(f"failed: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
