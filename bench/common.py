"""The benchmark harness: throw-away databases, the app under gunicorn, wrk load, results.

Every benchmark script (bench/bench_*.py) runs in its own process (bench/run.py starts them
one at a time), builds what it needs with the helpers below, measures, writes
bench/results/<name>.json and cleans up its databases and processes — also when it fails.

Databases: PostgreSQL at 127.0.0.1:5432 as user postgres, names `ys_bench_*` only (nothing
else is ever created, dropped or connected to, apart from the `postgres` maintenance database
used to create and drop them). SQLite variants live in a temporary YINGSHANG_DATA_DIR.

The code under test is the working tree, or the directory named by YS_BENCH_SOURCE (bench/run.py
--source HEAD exports the last commit there, so half-written files of other developers do not
break a run).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "bench"
RESULTS_DIR = BENCH_DIR / "results"
SOURCE = Path(os.environ.get("YS_BENCH_SOURCE") or REPO)
PYTHON = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv" / "bin" / "python").exists() else sys.executable
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
PG_SERVER = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}"
SECRET_KEY = "bench-secret-" + "k" * 64  # ≥ 50 characters, never used outside a bench run
DB_PREFIX = "ys_bench_"


# --- bookkeeping ------------------------------------------------------------------------
def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", file=sys.stderr, flush=True)


def conditions() -> dict:
    """What the machine was doing: load averages now, and the note given to run.py."""
    try:
        load = [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        load = []
    return {"loadavg_1_5_15": load, "note": os.environ.get("YS_BENCH_NOTE", "")}


def write_result(name: str, data: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    data = {
        "benchmark": name,
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "source": "working tree" if SOURCE == REPO else os.environ.get("YS_BENCH_SOURCE_LABEL", str(SOURCE)),
        "machine": machine(),
        **data,
    }
    data.setdefault("conditions_end", conditions())
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    log(f"wrote {path.relative_to(REPO)}")
    return path


def verdict(value: float | None, target: float, *, higher_is_better: bool) -> str:
    if value is None:
        return "n/a"
    ok = value >= target if higher_is_better else value < target
    return "met" if ok else "MISSED"


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile of a list (p in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summary_ms(samples_s: list[float]) -> dict:
    ms = [s * 1000 for s in samples_s]
    return {
        "n": len(ms),
        "mean_ms": round(statistics.fmean(ms), 4),
        "p50_ms": round(pct(ms, 50), 4),
        "p95_ms": round(pct(ms, 95), 4),
        "p99_ms": round(pct(ms, 99), 4),
        "max_ms": round(max(ms), 4),
    }


# --- the machine ------------------------------------------------------------------------
def _first(pattern: str, text: str) -> str:
    m = re.search(pattern, text, re.M)
    return m.group(1).strip() if m else ""


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    os_name = platform.platform()
    with contextlib.suppress(OSError):
        os_release = Path("/etc/os-release").read_text()
        os_name = _first(r'^PRETTY_NAME="?([^"\n]*)', os_release) or os_name
    mem_kb = _first(r"^MemTotal:\s+(\d+)", meminfo)
    return {
        "cpu_model": _first(r"^model name\s*:\s*(.*)$", cpuinfo) or platform.processor(),
        "cpu_cores": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gb": round(int(mem_kb) / 1024 / 1024, 1) if mem_kb else None,
        "os": f"{os_name} (kernel {platform.release()})",
        "python": platform.python_version(),
        "postgresql": postgres_version(),
    }


_pg_version: str | None = None


def postgres_version() -> str:
    global _pg_version
    if _pg_version is None:
        try:
            with admin_connection() as conn:
                _pg_version = conn.execute("SHOW server_version").fetchone()[0]
        except Exception as exc:  # the machine description must not fail a run
            _pg_version = f"unavailable ({exc.__class__.__name__})"
    return _pg_version


# --- PostgreSQL databases ---------------------------------------------------------------
@contextlib.contextmanager
def admin_connection():
    import psycopg

    conn = psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True)
    try:
        yield conn
    finally:
        conn.close()


def _check_name(name: str) -> None:
    if not re.fullmatch(DB_PREFIX + r"[a-z0-9_]+", name):
        raise ValueError(f"benchmark databases are named {DB_PREFIX}*: {name!r}")


def drop_database(name: str) -> None:
    _check_name(name)
    with admin_connection() as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def app_env(*, database_url: str | None = None, data_dir: str | Path, **extra) -> dict:
    """Environment of the app under test (management commands, gunicorn, in-process Django)."""
    env = {
        k: v for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "YINGSHANG_DEMO", "PYTHONPATH")
    }
    env.update({
        "SECRET_KEY": SECRET_KEY,
        "YINGSHANG_DATA_DIR": str(data_dir),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "yingshang.settings",
        "PYTHONPATH": str(SOURCE),
    })
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(args: list[str], env: dict, *, timeout: float = 900) -> subprocess.CompletedProcess:
    """`python -m yingshang <args>` against the code under test."""
    return subprocess.run(
        [PYTHON, "-m", "yingshang", *args], cwd=SOURCE, env=env, capture_output=True, text=True, timeout=timeout
    )


def _migrate(env: dict) -> dict:
    """The documented command first; the bench/pg_migrate.py work-around only when the plain
    command fails with the audit trigger migration's placeholder error (see that file)."""
    started = time.perf_counter()
    done = manage(["migrate", "--no-input", "-v0"], env)
    info = {"command": "python -m yingshang migrate"}
    if done.returncode != 0:
        if "incomplete placeholder" not in done.stderr:
            raise RuntimeError(f"migrate failed:\n{done.stderr[-3000:]}")
        log("plain migrate failed on the audit trigger migration ('%' placeholder); using bench/pg_migrate.py")
        info = {
            "command": "bench/pg_migrate.py (work-around)",
            "workaround": "audit/migrations/0003 passes '%' in PL/pgSQL to schema_editor.execute() with params=(); "
                          "psycopg rejects it. Fix: schema_editor.execute(SQL, params=None).",
        }
        # the failed run left the earlier migrations applied; the wrapper continues from there
        again = subprocess.run(
            [PYTHON, str(BENCH_DIR / "pg_migrate.py"), "--no-input", "-v0"],
            cwd=SOURCE, env=env, capture_output=True, text=True, timeout=900,
        )
        if again.returncode != 0:
            raise RuntimeError(f"migrate (work-around) failed:\n{again.stderr[-3000:]}")
    cache = manage(["createcachetable"], env)
    if cache.returncode != 0:
        raise RuntimeError(f"createcachetable failed:\n{cache.stderr[-3000:]}")
    info["seconds"] = round(time.perf_counter() - started, 1)
    return info


@contextlib.contextmanager
def pg_database(suffix: str):
    """A fresh, migrated PostgreSQL database ys_bench_<suffix>; dropped afterwards.
    Yields (database_url, env, info)."""
    name = DB_PREFIX + suffix
    _check_name(name)
    drop_database(name)  # left over from an interrupted run
    with admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    data_dir = tempfile.mkdtemp(prefix="ys_bench_data_")
    url = f"{PG_SERVER}/{name}"
    env = app_env(database_url=url, data_dir=data_dir)
    try:
        log(f"migrating {name} …")
        info = _migrate(env)
        yield url, env, info
    finally:
        with contextlib.suppress(Exception):
            close_django_connections()
        drop_database(name)
        shutil.rmtree(data_dir, ignore_errors=True)
        log(f"dropped {name}")


@contextlib.contextmanager
def sqlite_database():
    """A fresh, migrated SQLite database in a temporary YINGSHANG_DATA_DIR. Yields (None, env, info)."""
    data_dir = tempfile.mkdtemp(prefix="ys_bench_sqlite_")
    env = app_env(data_dir=data_dir)
    try:
        log(f"migrating SQLite in {data_dir} …")
        info = _migrate(env)
        yield None, env, info
    finally:
        with contextlib.suppress(Exception):
            close_django_connections()
        shutil.rmtree(data_dir, ignore_errors=True)


# --- Django in this process -------------------------------------------------------------
_django_env: dict | None = None


def django_setup(env: dict) -> None:
    """Configure Django in this process for the database of `env` (once per process)."""
    global _django_env
    if _django_env is not None:
        if _django_env != env:
            raise RuntimeError("Django is already set up for another database in this process")
        return
    for key in ("DATABASE_URL",):
        os.environ.pop(key, None)
    os.environ.update(env)
    sys.path.insert(0, str(SOURCE))
    import django

    django.setup()
    _django_env = env


def close_django_connections() -> None:
    if _django_env is None:
        return
    from django.db import connections

    connections.close_all()


# --- the app under gunicorn --------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(x) for x in text.split()]
    except OSError:
        out = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    out.append(int(stat.parent.name))
        return out


def _status_kb(pid: int, field: str) -> int | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


class Server:
    def __init__(self, proc: subprocess.Popen, port: int, log_path: Path):
        self.proc = proc
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = log_path

    def worker_pids(self) -> list[int]:
        return _children(self.proc.pid)

    def memory(self) -> dict:
        """VmRSS (now) and VmHWM (peak) of each worker, in MB."""
        workers = []
        for pid in self.worker_pids():
            rss, hwm = _status_kb(pid, "VmRSS"), _status_kb(pid, "VmHWM")
            if rss is not None:
                workers.append({"pid": pid, "rss_mb": round(rss / 1024, 1), "peak_rss_mb": round((hwm or rss) / 1024, 1)})
        return {
            "workers": workers,
            "max_rss_mb": max((w["rss_mb"] for w in workers), default=None),
            "max_peak_rss_mb": max((w["peak_rss_mb"] for w in workers), default=None),
            "master_rss_mb": round((_status_kb(self.proc.pid, "VmRSS") or 0) / 1024, 1),
        }

    def log_tail(self, chars: int = 3000) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-chars:]
        return ""


@contextlib.contextmanager
def gunicorn(env: dict, *, workers: int = 2, extra_args: tuple[str, ...] = ()):
    port = free_port()
    log_dir = Path(tempfile.mkdtemp(prefix="ys_bench_gunicorn_"))
    log_path = log_dir / "gunicorn.log"
    cmd = [
        PYTHON, "-m", "gunicorn", "yingshang.wsgi:application", "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "10", *extra_args,
    ]
    with open(log_path, "w") as out:
        proc = subprocess.Popen(cmd, cwd=SOURCE, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(proc, port, log_path)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n{server.log_tail()}")
            if len(server.worker_pids()) >= workers:
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(server.base + "/", timeout=10).read()  # noqa: S310 (loopback)
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within 60 s:\n{server.log_tail()}")
            time.sleep(0.3)
        log(f"gunicorn up on {server.base} (master {proc.pid}, workers {server.worker_pids()})")
        yield server
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # graceful: workers finish their request and exit
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        shutil.rmtree(log_dir, ignore_errors=True)
        log("gunicorn stopped")


def http_get(url: str, *, headers: dict | None = None) -> tuple[int, str, dict]:
    """One request without following redirects (to check a page before loading it)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)


# --- load generation ---------------------------------------------------------------------
WRK_SCRIPT = BENCH_DIR / "wrk_report.lua"


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0:
        log("wrk is missing: apt-get install -y wrk")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        path = shutil.which("wrk")
        if path:
            return path
    raise RuntimeError("wrk is not installed: sudo apt-get install -y wrk")


def wrk(
    url: str,
    *,
    duration: int = 20,
    connections: int = 50,
    threads: int = 2,
    method: str = "GET",
    headers: dict | None = None,
    body: str | None = None,
    unique_key_header: str | None = None,
    timeout_s: int = 10,
) -> dict:
    """Run wrk against a loopback URL with bench/wrk_report.lua; returns its JSON summary.

    `body` may contain `{n}`, replaced per request by a value unique across threads and
    requests; `unique_key_header` (e.g. "Idempotency-Key") gets such a value too."""
    if not url.startswith(("http://127.0.0.1:", "http://localhost:")):
        raise ValueError("load is only ever sent to loopback addresses")
    env = {**os.environ, "WRK_METHOD": method}
    env["WRK_HEADERS"] = "\n".join(f"{k}: {v}" for k, v in (headers or {}).items())
    env["WRK_RUN_ID"] = f"{os.getpid()}{int(time.time())}"
    if body is not None:
        env["WRK_BODY"] = body
    if unique_key_header:
        env["WRK_UNIQUE_HEADER"] = unique_key_header
    cmd = [
        ensure_wrk(), "-t", str(threads), "-c", str(connections), "-d", f"{duration}s",
        "--timeout", f"{timeout_s}s", "--latency", "-s", str(WRK_SCRIPT), url,
    ]
    log(f"wrk -c{connections} -d{duration}s {method} {url}")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=duration + 120)
    marker = "WRK_JSON "
    for line in done.stdout.splitlines():
        if line.startswith(marker):
            result = json.loads(line[len(marker):])
            result.update({"connections": connections, "threads": threads, "duration_s": duration, "path": "/" + url.split("/", 3)[-1]})
            return result
    raise RuntimeError(f"wrk gave no JSON (rc {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
