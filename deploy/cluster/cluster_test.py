"""The cluster test: the whole stack of deploy/ run together on one machine, with faults.

    .venv/bin/python deploy/cluster/cluster_test.py [--duration 75] [--clients 4] [--keep]
    .venv/bin/python deploy/cluster/cluster_test.py --failover      # the failover drill
    .venv/bin/python deploy/cluster/cluster_test.py --throughput [--json F]  # proxy cost

`make cluster-test` runs it (after installing Debian's nginx and pgbouncer when run as root).
In a temporary directory, on loopback ports that no system service uses, it starts:

- a PostgreSQL primary (deploy/postgresql/primary.conf, synchronous replication) and a streaming
  standby made with `pg_basebackup -R` (deploy/postgresql/standby.conf);
- pgbouncer in transaction pooling (made from deploy/pgbouncer/pgbouncer.ini) serving
  `yingshang` (the primary) and `yingshang_replica` (the standby), SCRAM secrets from pg_authid;
- its own redis-server (deploy/redis/redis.conf, append-only file);
- two gunicorn app servers (yingshang/gunicorn_conf.py, 2 workers each) behind nginx (made from
  deploy/nginx/yingshang.conf, static files collected and served by nginx);
- two workers (`python -m yingshang worker`, RQ on the Redis above).

The app runs with DATABASE_URL through pgbouncer (DATABASE_POOLER=pgbouncer), the replica as
DATABASE_REPLICA_URL, REDIS_URL, production settings (DEBUG off) without HTTPS. It migrates
(through pgbouncer, as docs/operations.md says) and loads the demo county.

Client threads then run a mixed load through nginx: portal pages, case submissions (applicant,
REST API, Idempotency-Key), work-order registration (hotline operator), 12345 callback ratings,
case acceptance by the clerk (each sends the applicant an SMS through the worker), staff queues
and two report pages that read the replica (hotline KPIs, case statistics). A failed request
(connection error, 5xx) is counted and retried with the same Idempotency-Key. Meanwhile the
test SIGKILLs one app server and one worker and starts them again, and restarts Redis.

At the end it reads the primary and proves: every acknowledged write is there exactly once;
every SMS was delivered exactly once (the SMS adapter of the workers is `RecordingSms` below,
which appends each send to a file); the errors fell in a fault's window; the reports were
served by the standby (pg_stat_statements on the standby); the replication lag (sampled every
second from pg_stat_replication). It prints one table and exits 1 on any loss or duplicate.

--failover: the drill of docs/operations.md on this cluster, under a write load: stop the
primary (immediate shutdown: a crash), stop the workers, promote the standby, point pgbouncer's
both databases at it and RELOAD, empty synchronous_standby_names, start the workers; the load
resumes; then the same checks on the new primary (no acknowledged write lost).

--throughput: what nginx and a second app server cost (issue 24). No faults; after a 20 s
warm-up (not counted) the mixed load for `--duration` seconds, in the order A B B A, through nginx to the two app servers (2 gunicorn
workers each) and straight to one app server with 4 workers; requests per second of each, and
the ratio, which should be at least 0.9 (within 10 %). `--json F` writes the figures (used by
bench/bench_cluster.py).

Every process started is stopped at the end, also on failure or Ctrl-C (process groups).
"""

import argparse
import atexit
import collections
import configparser
import contextlib
import glob
import http.client
import json
import os
import pwd
import queue
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
PYTHON = sys.executable
# below Linux's ephemeral range (32768–60999): a port in it may be taken, between a server's stop
# and its restart, as the local end of an outgoing connection ("Address already in use")
PORTS = {
    "primary": 25432,
    "standby": 25433,
    "pgbouncer": 26432,
    "redis": 26379,
    "nginx": 28080,
    "app1": 28001,
    "app2": 28002,
}
APP_PASSWORD = "cluster-app-secret"
ADMIN_PASSWORD = "cluster-admin-secret"
REDIS_PASSWORD = "cluster-redis-secret"
# a failed request is retried until this many seconds after its first attempt
RETRY_FOR = 120
# errors up to this long after a fault ended still belong to it (nginx's fail_timeout is 10 s,
# pooled connections to a restarted server fail once)
GRACE = 10


def log(message: str) -> None:
    print(f"[cluster {time.strftime('%H:%M:%S')}] {message}", flush=True)


class RecordingSms:
    """The workers' SMS adapter in the cluster test (settings.SMS_ADAPTER): appends each send as
    one JSON line to $CLUSTER_SMS_LOG (one write with O_APPEND: whole lines, whichever process).
    The test compares the file with the outbox: each message sent exactly once."""

    def send(self, phone: str, text: str) -> str:
        line = json.dumps({"phone": phone, "text": text, "pid": os.getpid()}, ensure_ascii=False)
        fd = os.open(os.environ["CLUSTER_SMS_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)
        return "cluster"


# --- processes ------------------------------------------------------------------------------
class Proc:
    """One started process in its own process group, output to a log file."""

    def __init__(self, name, cmd, *, logfile, env=None, service_user=None, stop_signal=None):
        self.name, self.cmd, self.logfile = name, cmd, logfile
        self.env = env
        self.service_user = service_user
        self.stop_signal = stop_signal or signal.SIGTERM
        self.popen = None
        self.expected_exit = False
        self.starts = 0

    def start(self):
        out = open(self.logfile, "ab")  # noqa: SIM115 (handed to the child, closed below)
        extra = {}
        if self.service_user is not None:
            extra = {
                "user": self.service_user.pw_uid,
                "group": self.service_user.pw_gid,
                "extra_groups": [],
            }
        self.popen = subprocess.Popen(
            self.cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self.env,
            cwd=REPO,
            start_new_session=True,
            **extra,
        )
        out.close()
        self.expected_exit = False
        self.starts += 1
        return self

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal_group(self, sig) -> None:
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def kill(self) -> None:
        """SIGKILL the whole group (a gunicorn master and its workers, an RQ worker and its
        work horse) and reap it."""
        self.expected_exit = True
        self.signal_group(signal.SIGKILL)
        if self.popen is not None:
            self.popen.wait()

    def stop(self, timeout: float = 15) -> None:
        if self.popen is None:
            return
        self.expected_exit = True
        if self.alive():
            self.signal_group(self.stop_signal)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout)
        self.signal_group(signal.SIGKILL)  # whatever the group left behind
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(5)


def wait_port(port: int, timeout: float, proc: Proc | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and not proc.alive():
            raise RuntimeError(f"{proc.name} exited (see {proc.logfile})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def pg_bindir() -> Path:
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    dirs = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(Path(d).parent.name), reverse=True
    )
    for d in dirs:
        if (Path(d) / "initdb").exists() and (Path(d) / "pg_basebackup").exists():
            return Path(d)
    raise RuntimeError("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin)")


def which(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not found:
        raise RuntimeError(f"{name} is not installed (make cluster-test installs it as root)")
    return found


# --- the cluster ----------------------------------------------------------------------------
class Cluster:
    def __init__(self, root: Path):
        self.root = root
        self.procs: dict[str, Proc] = {}
        self.bin = pg_bindir()
        # PostgreSQL and pgbouncer refuse to run as root: as root, the services run as postgres
        self.service_user = None
        if os.geteuid() == 0:
            try:
                self.service_user = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(
                    "running as root needs the 'postgres' system user (PostgreSQL refuses root)"
                ) from None
        self.sock = root / "sock"
        self.logs = root / "logs"
        self.data = root / "data"
        self.sms_log = root / "sms.jsonl"
        self.primary_port = PORTS["primary"]
        self.env = self._app_env()

    # directories owned by the service user (as root) ------------------------------------------
    def service_dir(self, path: Path) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        if self.service_user is not None:
            os.chown(path, self.service_user.pw_uid, self.service_user.pw_gid)
        return path

    def run_as_service(self, cmd, **kw) -> subprocess.CompletedProcess:
        extra = {}
        if self.service_user is not None:
            extra = {
                "user": self.service_user.pw_uid,
                "group": self.service_user.pw_gid,
                "extra_groups": [],
            }
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=self.root, **extra, **kw)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{result.stdout}{result.stderr}")
        return result

    def psql(self, sql: str, *, port: int | None = None, db: str = "postgres") -> str:
        cmd = [self.bin / "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
        cmd += ["-h", str(self.sock), "-p", str(port or self.primary_port), "-U", "postgres"]
        cmd += ["-d", db, "-c", sql]
        return self.run_as_service(cmd).stdout.strip()

    def add(self, proc: Proc) -> Proc:
        self.procs[proc.name] = proc
        return proc

    def service(self, name, cmd, **kw) -> Proc:
        return self.add(
            Proc(name, cmd, logfile=self.logs / f"{name}.log", service_user=self.service_user, **kw)
        )

    def stop_all(self) -> None:
        for proc in reversed(list(self.procs.values())):
            started = time.monotonic()
            try:
                proc.stop(timeout=10)
            except Exception as exc:  # keep stopping the others
                log(f"stopping {proc.name}: {exc}")
            if time.monotonic() - started > 3:
                log(f"{proc.name} took {time.monotonic() - started:.0f} s to stop")

    # PostgreSQL ---------------------------------------------------------------------------------
    def pg_conf(self, datadir: Path, role: str, port: int) -> None:
        """postgresql.conf includes the deploy/ file of its role, then the loopback overrides."""
        shutil.copy(DEPLOY / "postgresql" / f"{role}.conf", datadir / f"yingshang-{role}.conf")
        base = (datadir / "postgresql.conf").read_text()
        base = re.sub(r"(?m)^include 'yingshang-\w+\.conf'\n|^include 'cluster\.conf'\n", "", base)
        base += f"include 'yingshang-{role}.conf'\ninclude 'cluster.conf'\n"
        (datadir / "postgresql.conf").write_text(base)
        lines = [
            "listen_addresses = '127.0.0.1'",
            f"port = {port}",
            f"unix_socket_directories = '{self.sock}'",
            "max_connections = 60",
            "shared_buffers = 128MB",
            "effective_cache_size = 512MB",
            "maintenance_work_mem = 64MB",
            "wal_keep_size = 256MB",
            "shared_preload_libraries = 'pg_stat_statements'",
            "log_min_messages = warning",
            "log_line_prefix = '%m [%p] %a '",
            # a throwaway cluster: the faults here are killed processes, never a power cut, and
            # the OS keeps what was written; commits still wait for the synchronous standby
            "fsync = off",
        ]
        if role == "standby":
            lines += [
                f"primary_conninfo = 'host=127.0.0.1 port={PORTS['primary']} user=postgres "
                "application_name=standby1'",
                "primary_slot_name = 'standby1'",
            ]
        (datadir / "cluster.conf").write_text("\n".join(lines) + "\n")
        for path in datadir.glob("*.conf"):
            if self.service_user is not None:
                os.chown(path, self.service_user.pw_uid, self.service_user.pw_gid)

    def start_postgres(self, name: str, datadir: Path, port: int) -> Proc:
        proc = self.service(name, [self.bin / "postgres", "-D", datadir], stop_signal=signal.SIGINT)
        proc.start()
        wait_port(port, 60, proc)
        for _ in range(100):
            ready = subprocess.run(
                [self.bin / "pg_isready", "-q", "-h", self.sock, "-p", str(port)], check=False
            )
            if ready.returncode == 0:
                return proc
            time.sleep(0.2)
        raise RuntimeError(f"{name} does not accept connections")

    def setup_postgres(self) -> None:
        self.service_dir(self.sock)
        pg = self.service_dir(self.root / "pg")
        primary = pg / "primary"
        log(f"PostgreSQL ({self.bin.parent.name}): initdb, primary on :{PORTS['primary']}")
        self.run_as_service(
            [
                self.bin / "initdb",
                "-D",
                primary,
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
            ]
        )
        hba = [
            "local all all trust",
            "host all postgres 127.0.0.1/32 trust",
            "host replication postgres 127.0.0.1/32 trust",
            "host all all 127.0.0.1/32 scram-sha-256",
        ]
        (primary / "pg_hba.conf").write_text("\n".join(hba) + "\n")
        self.pg_conf(primary, "primary", PORTS["primary"])
        self.start_postgres("postgres-primary", primary, PORTS["primary"])
        # the standby first: with synchronous_standby_names set, the primary's commits wait for it
        standby = pg / "standby"
        log(f"standby: pg_basebackup -R -S standby1, on :{PORTS['standby']}")
        self.run_as_service(
            [
                self.bin / "pg_basebackup",
                "-h",
                "127.0.0.1",
                "-p",
                str(PORTS["primary"]),
                "-U",
                "postgres",
                "-D",
                standby,
                "-X",
                "stream",
                "-C",
                "-S",
                "standby1",
                "-R",
            ]
        )
        # -R wrote primary_conninfo without application_name; cluster.conf names it standby1
        auto = standby / "postgresql.auto.conf"
        auto.write_text(
            "".join(
                line for line in auto.read_text().splitlines(True) if "primary_conninfo" not in line
            )
        )
        self.pg_conf(standby, "standby", PORTS["standby"])
        self.start_postgres("postgres-standby", standby, PORTS["standby"])
        self.wait_sync()
        self.psql(
            f"CREATE ROLE yingshang LOGIN PASSWORD '{APP_PASSWORD}';"
            f"CREATE ROLE pgbouncer_admin LOGIN PASSWORD '{ADMIN_PASSWORD}';"
            "ALTER ROLE yingshang SET jit = off; ALTER ROLE yingshang SET timezone = 'UTC';"
        )
        self.psql("CREATE DATABASE yingshang OWNER yingshang")
        self.psql("CREATE EXTENSION pg_stat_statements", db="yingshang")

    def wait_sync(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.psql(
                "SELECT state || ' ' || sync_state FROM pg_stat_replication "
                "WHERE application_name = 'standby1'"
            )
            if state == "streaming sync":
                log("standby1 streaming, sync")
                return
            time.sleep(0.3)
        raise RuntimeError("the standby does not stream synchronously")

    # pgbouncer ----------------------------------------------------------------------------------
    def pgbouncer_ini(self, primary_port: int, replica_port: int) -> None:
        ini = configparser.ConfigParser(interpolation=None)
        ini.optionxform = str
        ini.read(DEPLOY / "pgbouncer" / "pgbouncer.ini")
        assert ini["pgbouncer"]["pool_mode"] == "transaction"
        ini["databases"]["yingshang"] = f"host=127.0.0.1 port={primary_port} dbname=yingshang"
        ini["databases"]["yingshang_replica"] = (
            f"host=127.0.0.1 port={replica_port} dbname=yingshang"
        )
        d = self.root / "pgbouncer"
        ini["pgbouncer"].update(
            {
                "listen_addr": "127.0.0.1",
                "listen_port": str(PORTS["pgbouncer"]),
                "unix_socket_dir": str(d),
                "auth_file": str(d / "userlist.txt"),
                "logfile": str(d / "pgbouncer.log"),
                "pidfile": str(d / "pgbouncer.pid"),
                # a small machine: 2 app servers x 2 workers, 2 workers (x 2 sweep shares)
                "default_pool_size": "8",
            }
        )
        with open(d / "pgbouncer.ini", "w") as fh:
            ini.write(fh)

    def setup_pgbouncer(self) -> None:
        d = self.service_dir(self.root / "pgbouncer")
        secrets = self.psql(
            'SELECT format(\'"%s" "%s"\', rolname, rolpassword) FROM pg_authid '
            "WHERE rolname IN ('yingshang', 'pgbouncer_admin')"
        )
        (d / "userlist.txt").write_text(secrets + "\n")
        self.pgbouncer_ini(PORTS["primary"], PORTS["standby"])
        for path in d.iterdir():
            if self.service_user is not None:
                os.chown(path, self.service_user.pw_uid, self.service_user.pw_gid)
        log(f"pgbouncer (transaction pooling) on :{PORTS['pgbouncer']}")
        proc = self.service("pgbouncer", [which("pgbouncer"), d / "pgbouncer.ini"])
        proc.start()
        wait_port(PORTS["pgbouncer"], 30, proc)

    def pgbouncer_admin(self, command: str) -> None:
        env = dict(os.environ, PGPASSWORD=ADMIN_PASSWORD)
        subprocess.run(
            [
                self.bin / "psql",
                "-X",
                "-h",
                "127.0.0.1",
                "-p",
                str(PORTS["pgbouncer"]),
                "-U",
                "pgbouncer_admin",
                "-d",
                "pgbouncer",
                "-c",
                command,
            ],
            env=env,
            check=True,
            capture_output=True,
        )

    # Redis --------------------------------------------------------------------------------------
    def setup_redis(self) -> None:
        d = self.service_dir(self.root / "redis")
        text = (DEPLOY / "redis" / "redis.conf").read_text()
        # the deploy file, then the loopback overrides (a later line wins)
        text += "\n# cluster test overrides\n" + "\n".join(
            [
                "bind 127.0.0.1",
                f"port {PORTS['redis']}",
                f"requirepass {REDIS_PASSWORD}",
                "maxmemory 256mb",
                f"dir {d}",
                "daemonize no",
                f"logfile {d / 'redis.log'}",
            ]
        )
        (d / "redis.conf").write_text(text + "\n")
        self.service("redis", [which("redis-server"), d / "redis.conf"])
        self.start_redis()

    def start_redis(self) -> None:
        proc = self.procs["redis"].start()
        wait_port(PORTS["redis"], 30, proc)

    # nginx --------------------------------------------------------------------------------------
    def setup_nginx(self) -> None:
        d = self.service_dir(self.root / "nginx")
        site = (DEPLOY / "nginx" / "yingshang.conf").read_text()
        site = re.sub(r"(?m)^\s*#.*\n", "", site)

        def sub(pattern, replacement, text, count=0):
            new, n = re.subn(pattern, replacement, text, count=count, flags=re.S)
            assert n, f"deploy/nginx/yingshang.conf no longer has {pattern!r}: update the test"
            return new

        # the two app servers on loopback
        site = sub(
            r"server 10\.0\.0\.11:8000 (.*?);\s*server 10\.0\.0\.12:8000 (.*?);",
            f"server 127.0.0.1:{PORTS['app1']} \\1;\n    server 127.0.0.1:{PORTS['app2']} \\2;",
            site,
        )
        # no port-80 redirect, no TLS: plain HTTP on a loopback port
        site = sub(r"server \{\s*listen 80;.*?return 301 [^}]*\}\s*", "", site)
        site = sub(r"listen 443 ssl[^;]*;\s*listen \[::\]:443 ssl[^;]*;", "", site)
        site = sub(r"\n\s*ssl_[a-z_]+ [^;]*;", "", site)
        site = sub(
            r"server_name [^;]*;",
            f"listen 127.0.0.1:{PORTS['nginx']};\n    server_name _;",
            site,
            1,
        )
        site = sub(r"alias /var/lib/yingshang/static/;", f"alias {self.data / 'static'}/;", site)
        site = sub(r"access_log /var/log/nginx/[^;]*;", f"access_log {d / 'access.log'};", site)
        site = sub(r"error_log\s+/var/log/nginx/[^;]*;", f"error_log {d / 'error.log'} warn;", site)
        conf = f"""# generated by deploy/cluster/cluster_test.py from deploy/nginx/yingshang.conf
worker_processes 1;
pid {d / "nginx.pid"};
error_log {d / "error.log"} warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {d / "body"};
    proxy_temp_path {d / "proxy"};
    fastcgi_temp_path {d / "fastcgi"};
    uwsgi_temp_path {d / "uwsgi"};
    scgi_temp_path {d / "scgi"};
{site}
}}
"""
        (d / "nginx.conf").write_text(conf)
        if self.service_user is not None:
            os.chown(d / "nginx.conf", self.service_user.pw_uid, self.service_user.pw_gid)
        nginx = which("nginx")
        cmd = [nginx, "-p", d, "-c", d / "nginx.conf", "-e", d / "error.log"]
        self.run_as_service([*cmd, "-t", "-q"])
        log(f"nginx on :{PORTS['nginx']} → app servers :{PORTS['app1']}, :{PORTS['app2']}")
        proc = self.service("nginx", [*cmd, "-g", "daemon off;"], stop_signal=signal.SIGQUIT)
        proc.start()
        wait_port(PORTS["nginx"], 30, proc)

    # the app ------------------------------------------------------------------------------------
    def _app_env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
        pgb = f"postgres://yingshang:{APP_PASSWORD}@127.0.0.1:{PORTS['pgbouncer']}"
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "yingshang.settings",
                "PYTHONPATH": str(Path(__file__).resolve().parent),
                "YINGSHANG_PRODUCTION": "1",
                "HTTPS": "0",
                "DEBUG": "0",
                "YINGSHANG_DATA_DIR": str(self.data),
                "SECRET_KEY": "cluster-test-" + "k" * 50,
                "YINGSHANG_AUDIT_KEY": "c1" * 32,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{PORTS['nginx']}",
                "SITE_URL": f"http://127.0.0.1:{PORTS['nginx']}",
                "BEHIND_PROXY": "1",
                "DATABASE_URL": f"{pgb}/yingshang",
                "DATABASE_REPLICA_URL": f"{pgb}/yingshang_replica",
                "DATABASE_POOLER": "pgbouncer",
                "REDIS_URL": f"redis://:{REDIS_PASSWORD}@127.0.0.1:{PORTS['redis']}/0",
                "WEB_WORKERS": "2",
                "SMS_ADAPTER": "cluster_test.RecordingSms",
                "CLUSTER_SMS_LOG": str(self.sms_log),
                # every request comes from 127.0.0.1 and three accounts: lift the abuse limits
                "API_WRITES_PER_MINUTE": "100000",
                "API_WRITES_PER_HOUR": "1000000",
                "API_WRITES_PER_IP_PER_MINUTE": "100000",
                "API_STAFF_WRITES_PER_MINUTE": "100000",
                "PUBLIC_RATE_LIMIT_PER_MINUTE": "100000",
                "LOG_LEVEL": "WARNING",
            }
        )
        env.pop("YINGSHANG_DEMO", None)
        env.pop("YINGSHANG_TESTING", None)
        return env

    def manage(self, *args, timeout: float = 600) -> str:
        result = subprocess.run(
            [PYTHON, "-m", "yingshang", *args],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"yingshang {' '.join(args)} failed:\n{result.stderr[-4000:]}")
        return result.stdout

    def setup_app(self) -> dict:
        self.data.mkdir(parents=True, exist_ok=True)
        self.sms_log.touch()
        log("migrate (through pgbouncer) and collectstatic …")
        started = time.monotonic()
        collect = subprocess.Popen(
            [PYTHON, "-m", "yingshang", "collectstatic", "--no-input", "-v0"],
            env=self.env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=open(self.logs / "collectstatic.log", "w"),  # noqa: SIM115
            start_new_session=True,
        )
        try:
            self.manage("migrate", "--no-input", "-v0")
        finally:
            if collect.wait(600) != 0:
                raise RuntimeError(f"collectstatic failed: {self.logs / 'collectstatic.log'}")
        log(f"migrated in {time.monotonic() - started:.0f} s; loading the demo county …")
        started = time.monotonic()
        # the demo county without its generated three months: the load makes its own records
        self.manage("demo", "--quiet", "--no-history")
        log(f"demo loaded in {time.monotonic() - started:.0f} s")
        return json.loads(self.manage_script("prepare"))

    def manage_script(self, command: str) -> str:
        """Run this file's Django-side helper (`_django <command>`) with the app's settings."""
        result = subprocess.run(
            [PYTHON, __file__, "_django", command],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"helper {command} failed:\n{result.stderr[-4000:]}")
        return result.stdout

    def app_proc(self, name: str) -> Proc:
        if name not in self.procs:
            if name.startswith("app"):
                env = dict(self.env, BIND=f"127.0.0.1:{PORTS[name]}")
                cmd = [Path(PYTHON).parent / "gunicorn", "-c", "python:yingshang.gunicorn_conf"]
                cmd += ["yingshang.wsgi:application"]
            else:
                env, cmd = self.env, [PYTHON, "-m", "yingshang", "worker"]
            self.add(Proc(name, cmd, logfile=self.logs / f"{name}.log", env=env))
        return self.procs[name]

    def start_app(self, name: str) -> None:
        proc = self.app_proc(name).start()
        if name.startswith("app"):
            wait_port(PORTS[name], 60, proc)


# --- the Django side (run in a subprocess with the app's settings) -----------------------------
def django_prepare() -> dict:
    """Tokens, sessions and the submission payload the load needs, from the loaded demo."""
    import base64

    import django

    django.setup()
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from yingshang.apiaccess import services as tokens
    from yingshang.cases import selectors
    from yingshang.catalog.models import Matter
    from yingshang.demo.loaders.cases import PDF, _form
    from yingshang.demo.registry import load_yaml
    from yingshang.org.models import User
    from yingshang.ratings.models import RatingSettings

    data = load_yaml("cases", "demo.yaml")
    who = data["people"]
    applicant = User.objects.get(username=who["applicant"])
    clerk = User.objects.get(username=who["clerk"])
    matter = (
        Matter.objects.filter(base_code=data["matter"], current_version__isnull=False).first()
        or Matter.objects.filter(current_version__isnull=False).first()
    )
    version = matter.current_version
    fields = selectors.form_fields_for(version=version)
    materials = selectors.materials_for(version=version)
    payload = {
        "matter_id": matter.pk,
        "channel": "mobile_api",
        "form_data": _form(fields, applicant, data["shop"], data["form_defaults"]),
        "files": [
            {
                "material_key": m["key"],
                "name": f"{m['key']}.pdf",
                "content_base64": base64.b64encode(PDF).decode(),
            }
            for m in materials
        ],
    }

    def token(user):
        return tokens.token_create(actor=user, name="cluster test")[1]

    def cookie(user):
        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        return f"{name}={client.cookies[name].value}; csrftoken={_get_new_csrf_string()}"

    operator = User.objects.get(username="operator")
    leader = User.objects.get(username="leader")
    # all load comes from one address: lift the rating endpoints' per-address limit
    limits = RatingSettings.current()
    limits.public_per_ip_per_minute = 1_000_000
    limits.save()
    return {
        "submit": payload,
        "matter": version.name,
        "applicant": applicant.username,
        "applicant_id": applicant.pk,
        "clerk": clerk.username,
        "tokens": {
            "applicant": token(applicant),
            "clerk": token(clerk),
            "operator": token(operator),
        },
        "cookies": {"clerk": cookie(clerk), "leader": cookie(leader)},
    }


# --- the load ---------------------------------------------------------------------------------
class Failure(Exception):
    pass


class Client:
    """One client thread's connection to nginx (keep-alive, reconnects after an error)."""

    def __init__(self, port: int = PORTS["nginx"]):
        self.conn = None
        self.port = port

    def request(self, method, path, body=None, headers=None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=90)
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        hdrs = {"Host": "127.0.0.1", **(headers or {})}
        if data is not None:
            hdrs["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=data, headers=hdrs)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, content


class Load:
    """The mixed load: client threads pick operations at random until stopped."""

    WEIGHTS = {
        "portal": 6,
        "submit_case": 4,
        "create_order": 4,
        "answer_order": 2,
        "rate_case": 2,
        "accept_case": 3,
        "staff_queue": 3,
        "report": 2,
    }

    def __init__(self, prepared: dict, run_id: str, primary_port, writes_only: bool = False):
        self.p = prepared
        self.primary_port = primary_port
        self.run_id = run_id
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.counter = 0
        self.ops = collections.Counter()  # operation -> completed
        self.requests = collections.Counter()  # operation -> HTTP requests (attempts)
        self.errors = []  # (time, operation, what)
        self.rejected = []  # (operation, status, body): a 4xx the load did not expect
        self.acked = collections.defaultdict(list)  # kind -> acknowledged results
        self.to_accept = queue.Queue()
        self.orders_to_answer = queue.Queue()
        self.cases_to_rate = queue.Queue()
        self.report_ok = 0
        weights = dict(self.WEIGHTS)
        if writes_only:
            weights = {"submit_case": 4, "create_order": 4, "accept_case": 2, "portal": 1}
        self.choices = [k for k, w in weights.items() for _ in range(w)]
        self.port = PORTS["nginx"]  # where the clients send their requests

    def next_number(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter

    def call(self, client, op, method, path, body=None, headers=None, ok=(200, 201)):
        """One logical request: retried (same headers, so the same Idempotency-Key) after a
        connection error or a 5xx until it answers; each failed attempt is counted."""
        first = time.monotonic()
        while True:
            with self.lock:
                self.requests[op] += 1
            try:
                status, content = client.request(method, path, body, headers)
                what = f"HTTP {status}"
            except (OSError, http.client.HTTPException) as exc:
                status, content, what = None, b"", type(exc).__name__
            if status is not None and (status in ok or status < 500):
                return status, content
            with self.lock:
                self.errors.append((time.time(), op, what))
            if time.monotonic() - first > RETRY_FOR:
                raise Failure(f"{op} {method} {path}: still failing after {RETRY_FOR} s ({what})")
            time.sleep(0.5)

    def reject(self, op, status, content):
        with self.lock:
            self.rejected.append((op, status, content[:300].decode("utf-8", "replace")))

    # operations ---------------------------------------------------------------------------------
    def portal(self, client):
        path = random.choice(["/", "/catalog/", "/units/"])
        status, content = self.call(client, "portal", "GET", path, ok=(200,))
        if status != 200:
            self.reject("portal", status, content)

    def submit_case(self, client):
        key = f"{self.run_id}-case-{self.next_number()}"
        headers = {
            "Authorization": f"Bearer {self.p['tokens']['applicant']}",
            "Idempotency-Key": key,
        }
        status, content = self.call(
            client, "submit_case", "POST", "/api/v1/cases", self.p["submit"], headers
        )
        if status != 201:
            return self.reject("submit_case", status, content)
        number = json.loads(content)["number"]
        with self.lock:
            self.acked["case"].append({"key": key, "number": number, "t": time.time()})
        self.to_accept.put(number)

    def create_order(self, client):
        n = self.next_number()
        marker = f"[cluster {self.run_id} #{n}]"
        body = {
            "content": f"路灯不亮，请尽快维修。{marker}",
            "channel": "phone",
            "category": "complaint",
            "caller_name": "测试市民",
            "caller_phone": "13800000000",
            "address": "示范县人民路1号",
        }
        headers = {
            "Authorization": f"Bearer {self.p['tokens']['operator']}",
            "Idempotency-Key": f"{self.run_id}-order-{n}",
        }
        status, content = self.call(
            client, "create_order", "POST", "/api/v1/hotline/orders", body, headers
        )
        if status != 201:
            return self.reject("create_order", status, content)
        out = json.loads(content)
        with self.lock:
            self.acked["order"].append(
                {"marker": marker, "id": out["id"], "number": out["number"], "t": time.time()}
            )
        self.orders_to_answer.put(out["id"])

    def answer_order(self, client):
        """The operator answers an order of the run directly (it closes); it is rated later.
        Not idempotent: after a failed attempt, a refusal because the order is already closed
        means an earlier attempt went through."""
        try:
            order_id = self.orders_to_answer.get_nowait()
        except queue.Empty:
            return self.portal(client)
        headers = {"Authorization": f"Bearer {self.p['tokens']['operator']}"}
        path = f"/api/v1/hotline/orders/{order_id}/answer_directly"
        body = {"reply": "已联系供电所，路灯今晚修复。"}
        before = len(self.errors)
        status, content = self.call(client, "answer_order", "POST", path, body, headers)
        if status == 409 and len(self.errors) > before:
            status, content = self.call(
                client, "answer_order", "GET", f"/api/v1/hotline/orders/{order_id}", None, headers
            )
        if status != 200 or json.loads(content)["status"] != "closed":
            return self.reject("answer_order", status, content)
        with self.lock:
            self.acked["answer"].append({"id": order_id})

    def rate_case(self, client):
        """The applicant rates the acceptance of a case accepted earlier in the run. The API
        names the case by its id, which no case response carries: the test looks it up."""
        try:
            number = self.cases_to_rate.get_nowait()
        except queue.Empty:
            return self.portal(client)
        case_id = self.case_id(number)
        body = {
            "object": "case",
            "id": case_id,
            "level": 5,
            "point": "accept",
            "channel": "app_api",
            "comment": f"受理很快，表示满意 {self.run_id}",
        }
        headers = {
            "Authorization": f"Bearer {self.p['tokens']['applicant']}",
            "Idempotency-Key": f"{self.run_id}-rating-{number}",
        }
        status, content = self.call(
            client, "rate_case", "POST", "/api/v1/ratings/ratings", body, headers
        )
        if status != 201:
            return self.reject("rate_case", status, content)
        with self.lock:
            self.acked["rating"].append({"id": json.loads(content)["id"], "case": case_id})

    def case_id(self, number: str) -> int:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.primary_port(), user="postgres", dbname="yingshang"
        ) as conn:
            return conn.execute("SELECT id FROM cases_case WHERE number = %s", [number]).fetchone()[
                0
            ]

    def accept_case(self, client):
        """The clerk accepts a case submitted earlier in the run (an SMS to the applicant goes
        through the worker). Not idempotent: after a failed attempt, a refusal because the case
        is already accepted means an earlier attempt went through."""
        try:
            number = self.to_accept.get_nowait()
        except queue.Empty:
            return self.staff_queue(client)
        headers = {"Authorization": f"Bearer {self.p['tokens']['clerk']}"}
        path = f"/api/v1/cases/{number}/transitions/accept"
        before = len(self.errors)
        status, content = self.call(client, "accept_case", "POST", path, None, headers)
        if status == 409 and len(self.errors) > before:
            status, content = self.call(
                client, "accept_case", "GET", f"/api/v1/cases/{number}", None, headers
            )
            if status == 200 and json.loads(content)["status"] != "submitted":
                status = 200
        if status != 200:
            return self.reject("accept_case", status, content)
        with self.lock:
            self.acked["accept"].append({"number": number, "t": time.time()})
        self.cases_to_rate.put(number)

    def staff_queue(self, client):
        if random.random() < 0.5:
            status, content = self.call(
                client,
                "staff_queue",
                "GET",
                "/staff/cases/?q=to_review",
                headers={"Cookie": self.p["cookies"]["clerk"]},
                ok=(200,),
            )
        else:
            status, content = self.call(
                client,
                "staff_queue",
                "GET",
                "/api/v1/hotline/orders?limit=20",
                headers={"Authorization": f"Bearer {self.p['tokens']['operator']}"},
                ok=(200,),
            )
        if status != 200:
            self.reject("staff_queue", status, content)

    def report(self, client):
        path = random.choice(["/staff/hotline/kpis/", "/staff/cases/statistics/"])
        status, content = self.call(
            client,
            "report",
            "GET",
            path,
            headers={"Cookie": self.p["cookies"]["leader"]},
            ok=(200,),
        )
        if status != 200:
            return self.reject("report", status, content)
        with self.lock:
            self.report_ok += 1

    def run_client(self):
        client = Client(self.port)
        while not self.stop.is_set():
            op = random.choice(self.choices)
            try:
                getattr(self, op)(client)
            except Failure as exc:
                self.reject(op, 0, str(exc).encode())
            except Exception as exc:  # a bug of this script: counted, the thread goes on
                self.reject(op, -1, repr(exc).encode())
            with self.lock:
                self.ops[op] += 1

    def start(self, clients: int) -> list[threading.Thread]:
        threads = [
            threading.Thread(target=self.run_client, name=f"client-{i}", daemon=True)
            for i in range(clients)
        ]
        for t in threads:
            t.start()
        return threads


class LagMonitor:
    """Samples the standby's replay lag every second from the primary's pg_stat_replication."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.samples = []  # (replay_lag seconds, bytes behind, sync_state)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        import psycopg

        conn = None
        while not self.stop.wait(1):
            try:
                if conn is None:
                    conn = psycopg.connect(
                        host="127.0.0.1",
                        port=self.cluster.primary_port,
                        user="postgres",
                        dbname="postgres",
                        autocommit=True,
                        connect_timeout=2,
                    )
                row = conn.execute(
                    "SELECT COALESCE(EXTRACT(EPOCH FROM replay_lag), 0)::float8,"
                    " pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint, sync_state"
                    " FROM pg_stat_replication WHERE application_name = 'standby1'"
                ).fetchone()
                if row:
                    self.samples.append(row)
            except Exception:
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()


# --- the checks -------------------------------------------------------------------------------
class Table:
    def __init__(self):
        self.rows = []
        self.failed = False

    def add(self, check, expected, observed, ok=True, info=False):
        self.rows.append(
            (check, str(expected), str(observed), "info" if info else "ok" if ok else "FAIL")
        )
        if not ok and not info:
            self.failed = True

    def print(self, title):
        widths = [
            max(len(r[i]) for r in [("check", "expected", "observed", ""), *self.rows])
            for i in range(4)
        ]
        line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
        print(f"\n{title}\n{line}")
        for i, row in enumerate([("check", "expected", "observed", ""), *self.rows]):
            print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + " |")
            if i == 0:
                print(line)
        print(line, flush=True)


def percentile(values, q):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def verify(cluster, load, faults, lag, started_at, drain_timeout, table, *, standby_port):
    """Read the primary (and the standby's statistics) and fill the table."""
    import psycopg

    conn = psycopg.connect(
        host="127.0.0.1",
        port=cluster.primary_port,
        user="postgres",
        dbname="yingshang",
        autocommit=True,
    )
    q = lambda sql, *args: conn.execute(sql, args).fetchall()  # noqa: E731
    run = load.run_id

    # every SMS of the run delivered: wait for the outbox to drain (a delivery whose enqueue
    # failed while Redis was down is picked up by the notify.retry job within a minute)
    deadline = time.monotonic() + drain_timeout
    while True:
        pending = q(
            "SELECT count(*) FROM notify_message WHERE channel = 'sms' AND status = 'pending'"
            " AND created_at >= to_timestamp(%s)",
            started_at,
        )[0][0]
        if pending == 0 or time.monotonic() > deadline:
            break
        time.sleep(2)
    drained_in = drain_timeout - max(0, deadline - time.monotonic())

    # cases: each acknowledged number once; the run made no other case of the applicant
    cases = load.acked["case"]
    numbers = [c["number"] for c in cases]
    found = dict(
        q("SELECT number, count(*) FROM cases_case WHERE number = ANY(%s) GROUP BY number", numbers)
    )
    missing = [n for n in numbers if found.get(n, 0) == 0]
    twice = [n for n in numbers if found.get(n, 0) > 1]
    made = q(
        "SELECT count(*) FROM cases_case WHERE applicant_id = %s AND created_at >= to_timestamp(%s)",
        load.p["applicant_id"],
        started_at,
    )[0][0]
    keys = q(
        "SELECT count(*), count(DISTINCT key) FROM apiaccess_idempotencyrecord"
        " WHERE endpoint = 'cases.submit' AND key LIKE %s",
        f"{run}-case-%",
    )[0]
    table.add("cases acknowledged (201)", "-", len(cases), info=True)
    table.add(
        "  in the database, once each",
        len(cases),
        len(cases) - len(missing) - len(twice),
        not missing and not twice and len(set(numbers)) == len(numbers),
    )
    table.add("  cases the run created", len(cases), made, made == len(cases))
    table.add("  idempotency records", len(cases), keys[0], keys[0] == keys[1] == len(cases))

    # work orders: the marker in the content, once each, with the acknowledged id
    orders = load.acked["order"]
    rows = q(
        "SELECT id, substring(content from '\\[cluster [^\\]]*\\]') FROM hotline_workorder"
        " WHERE content LIKE %s",
        f"%[cluster {run} #%",
    )
    by_marker = collections.Counter(m for _id, m in rows)
    ids = {m: i for i, m in rows}
    bad = [o for o in orders if by_marker[o["marker"]] != 1 or ids.get(o["marker"]) != o["id"]]
    table.add("work orders acknowledged (201)", "-", len(orders), info=True)
    table.add("  in the database, once each", len(orders), len(orders) - len(bad), not bad)
    table.add("  work orders the run created", len(orders), len(rows), len(rows) == len(orders))
    answered = [a["id"] for a in load.acked["answer"]]
    closed = q(
        "SELECT count(*) FROM hotline_workorder WHERE id = ANY(%s) AND status = 'closed'", answered
    )[0][0]
    table.add("  answered directly (closed)", len(answered), closed, closed == len(answered))

    # ratings: each acknowledged rating there, one per case
    ratings = load.acked["rating"]
    rows = q(
        "SELECT case_id, count(*) FROM ratings_rating WHERE comment LIKE %s GROUP BY case_id",
        f"%{run}",
    )
    per_case = dict(rows)
    rated_ids = {
        r[0]
        for r in q("SELECT id FROM ratings_rating WHERE id = ANY(%s)", [r["id"] for r in ratings])
    }
    bad = [r for r in ratings if per_case.get(r["case"]) != 1 or r["id"] not in rated_ids]
    table.add("ratings acknowledged (201)", "-", len(ratings), info=True)
    table.add("  in the database, once each", len(ratings), len(ratings) - len(bad), not bad)
    made = sum(per_case.values())
    table.add("  ratings the run created", len(ratings), made, made == len(ratings))

    # acceptances and their SMS: sent once each (outbox and the adapter's own record)
    accepted = [a["number"] for a in load.acked["accept"]]
    status = dict(q("SELECT number, status FROM cases_case WHERE number = ANY(%s)", accepted))
    not_accepted = [n for n in accepted if status.get(n) in (None, "submitted")]
    table.add("acceptances acknowledged", "-", len(accepted), info=True)
    table.add(
        "  accepted in the database",
        len(accepted),
        len(accepted) - len(not_accepted),
        not not_accepted,
    )
    sms = q(
        "SELECT m.address, m.body, m.status, m.attempts, c.number FROM notify_message m"
        " LEFT JOIN cases_case c ON m.related_type = 'cases.case' AND m.related_id = c.id::text"
        " WHERE m.channel = 'sms' AND m.created_at >= to_timestamp(%s)",
        started_at,
    )
    sms_per_case = collections.Counter(r[4] for r in sms if r[4])
    no_sms = [n for n in accepted if sms_per_case.get(n) != 1]
    table.add(
        "  acceptance SMS queued, one per case",
        len(accepted),
        len(accepted) - len(no_sms),
        not no_sms,
    )
    sends = collections.Counter()
    with open(cluster.sms_log, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                entry = json.loads(line)
                sends[(entry["phone"], entry["text"])] += 1
    signature = "【营商通】"
    # every message this cluster's workers delivered (demo messages too): provider id "cluster"
    outbox = collections.Counter(
        (address, signature + body)
        for address, body in q(
            "SELECT address, body FROM notify_message WHERE channel = 'sms'"
            " AND status = 'sent' AND provider_id = 'cluster'"
        )
    )
    states = collections.Counter(r[2] for r in sms)
    lost = sum(1 for r in sms if r[2] != "sent")
    table.add(
        "SMS of the run: sent / pending / failed",
        f"{len(sms)} / 0 / 0",
        f"{states['sent']} / {states['pending']} / {states['failed']}",
        lost == 0,
    )
    table.add("  outbox drained in", "-", f"{drained_in:.0f} s", info=True)
    extra = sends - outbox
    missing_sends = outbox - sends
    table.add(
        "  SMS delivered exactly once (adapter log)",
        sum(outbox.values()),
        f"{sum(sends.values())} sends, {sum(extra.values())} extra, "
        f"{sum(missing_sends.values())} missing",
        not extra and not missing_sends,
    )
    retried = sum(1 for r in sms if r[3] > 1)
    table.add("  delivery attempts > 1", "-", retried, info=True)

    # errors: only while a server was down, each retried
    unexpected = [
        e
        for e in load.errors
        if not any(start - 1 <= e[0] <= end + GRACE for _n, start, end in faults)
    ]
    by_fault = collections.Counter()
    for e in load.errors:
        for name, start, end in faults:
            if start - 1 <= e[0] <= end + GRACE:
                by_fault[name] += 1
                break
    total = sum(load.requests.values())
    table.add("HTTP requests (attempts)", "-", total, info=True)
    table.add("failed attempts, all retried", "-", len(load.errors), info=True)
    for name, _s, _e in faults:
        table.add(f"  during {name}", "-", by_fault[name], info=True)
    table.add("  outside a fault window", 0, len(unexpected), not unexpected)
    table.add("unexpected 4xx / gave up", 0, len(load.rejected), not load.rejected)
    for name, start, end in faults:
        if name == "failover":
            acks = [a["t"] for kind in ("case", "order", "accept") for a in load.acked[kind]]
            before = sum(1 for t in acks if t < start)
            after = sum(1 for t in acks if t > end)
            table.add("writes acknowledged before the primary was lost", "> 0", before, before > 0)
            table.add("writes acknowledged after the failover", "> 0", after, after > 0)

    # the reports read the standby: its pg_stat_statements (the standby's own counters)
    try:
        standby_calls = cluster.psql(
            "SELECT COALESCE(sum(calls), 0) FROM pg_stat_statements s"
            " JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'yingshang'"
            " AND (query ILIKE '%hotline_workorder%' OR query ILIKE '%cases_case%')",
            port=standby_port,
            db="yingshang",
        )
    except RuntimeError:
        standby_calls = "standby down"
    table.add("report pages served (200)", "-", load.report_ok, info=True)
    if standby_port is not None:
        ok = standby_calls != "standby down" and int(standby_calls) > 0 and load.report_ok > 0
        table.add("  report queries run on the standby", "> 0", standby_calls, ok)

    # replication lag, sampled every second
    if lag is not None:
        lags = [s[0] for s in lag.samples]
        behind = [s[1] or 0 for s in lag.samples]
        syncs = collections.Counter(s[2] for s in lag.samples)
        table.add(
            "replica replay lag p50 / p95 / max",
            "-",
            f"{percentile(lags, 0.5) * 1000:.1f} / {percentile(lags, 0.95) * 1000:.1f} / "
            f"{max(lags, default=0) * 1000:.1f} ms ({len(lags)} samples)",
            info=True,
        )
        table.add("  WAL bytes not yet replayed, max", "-", max(behind, default=0), info=True)
        table.add(
            "  standby sync_state", "sync", dict(syncs), bool(syncs) and set(syncs) == {"sync"}
        )
    conn.close()


def audit_verify(cluster, table):
    result = subprocess.run(
        [PYTHON, "-m", "yingshang", "audit", "verify"],
        env=cluster.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    last = (result.stdout.strip().splitlines() or [""])[-1][:60]
    table.add(
        "yingshang audit verify",
        "exit 0",
        f"exit {result.returncode} {last}",
        result.returncode == 0,
    )


# --- main ---------------------------------------------------------------------------------------
def supervise(
    cluster: Cluster, names: list[str], stop: threading.Event, restarts: collections.Counter
):
    """Like systemd's Restart=always (RestartSec=2): an app server or worker that exits without
    the test asking is started again, and counted."""
    while not stop.wait(0.5):
        for name in names:
            proc = cluster.procs.get(name)
            if proc is not None and not proc.alive() and not proc.expected_exit:
                log(f"{name} exited by itself (code {proc.popen.returncode}): restarting in 2 s")
                restarts[name] += 1
                time.sleep(2)
                try:
                    cluster.start_app(name)
                except Exception as exc:
                    log(f"restarting {name}: {exc}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--failover", action="store_true", help="run the failover drill")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--drain", type=float, default=150, help="seconds to wait for the outbox")
    parser.add_argument(
        "--throughput", action="store_true", help="nginx + 2 app servers against 1 with 4 workers"
    )
    parser.add_argument("--json", help="--throughput: write the figures to this file")
    args = parser.parse_args()

    busy = [f"{name} :{port}" for name, port in PORTS.items() if not port_free(port)]
    if busy:
        print(f"ports in use: {', '.join(busy)}", file=sys.stderr)
        return 2
    root = Path(tempfile.mkdtemp(prefix="yingshang-cluster-"))
    # the services (as postgres when run as root) must reach their folders inside
    os.chmod(root, 0o755)  # noqa: S103
    cluster = Cluster(root)
    cluster.logs.mkdir()

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    atexit.register(cluster.stop_all)
    t0 = time.monotonic()
    table = Table()
    restarts = collections.Counter()
    supervisor_stop = threading.Event()
    app_names = ["app1", "app2", "worker1", "worker2"]
    try:
        log(f"working directory {root}")
        cluster.setup_postgres()
        cluster.setup_pgbouncer()
        cluster.setup_redis()
        prepared = cluster.setup_app()
        for name in app_names:
            cluster.start_app(name)
        cluster.setup_nginx()
        threading.Thread(
            target=supervise, args=(cluster, app_names, supervisor_stop, restarts), daemon=True
        ).start()
        setup_s = time.monotonic() - t0
        log(f"cluster up in {setup_s:.0f} s; cases of {prepared['matter']!r}")
        if args.throughput:
            supervisor_stop.set()  # the phases stop and start the app servers themselves
            return throughput(cluster, prepared, args, table)

        run_id = uuid.uuid4().hex[:8]
        load = Load(prepared, run_id, lambda: cluster.primary_port, writes_only=args.failover)
        lag = LagMonitor(cluster)
        started_at = time.time() - 1
        faults = []
        lag.thread.start()
        threads = load.start(args.clients)
        log(f"load: {args.clients} clients for {args.duration:.0f} s through nginx (run {run_id})")
        begin = time.monotonic()

        def at(fraction):
            delay = begin + args.duration * fraction - time.monotonic()
            if delay > 0:
                time.sleep(delay)

        if args.failover:
            at(0.3)
            failover(cluster, faults)
        else:
            at(0.2)
            t = time.time()
            log("fault: SIGKILL app server app1 (gunicorn master and workers)")
            cluster.procs["app1"].kill()
            time.sleep(3)
            cluster.start_app("app1")
            faults.append(("app1 killed", t, time.time()))
            log(f"app1 back after {time.time() - t:.1f} s")
            at(0.45)
            t = time.time()
            log("fault: SIGKILL worker1 (and its RQ work horse)")
            cluster.procs["worker1"].kill()
            time.sleep(2)
            cluster.start_app("worker1")
            faults.append(("worker1 killed", t, time.time()))
            at(0.7)
            t = time.time()
            log("fault: restart Redis")
            cluster.procs["redis"].stop()
            cluster.start_redis()
            faults.append(("Redis restart", t, time.time()))
            log(f"Redis back after {time.time() - t:.1f} s")
        at(1.0)
        load.stop.set()
        for thread in threads:
            thread.join(RETRY_FOR + 30)
        lag.stop.set()
        lag.thread.join(5)
        load_s = time.monotonic() - begin
        log(f"load stopped after {load_s:.0f} s: {dict(load.ops)}")
        verify(
            cluster,
            load,
            faults,
            lag,
            started_at,
            args.drain,
            table,
            standby_port=None if args.failover else PORTS["standby"],
        )
        audit_verify(cluster, table)
        for name in app_names:
            table.add(f"{name}: exits the test did not cause", 0, restarts[name], info=True)
        table.add(
            "time: setup / load / total",
            "-",
            f"{setup_s:.0f} / {load_s:.0f} / {time.monotonic() - t0:.0f} s",
            info=True,
        )
        title = "FAILOVER DRILL" if args.failover else "CLUSTER TEST"
        table.print(f"{title} (run {run_id}, {args.clients} clients, {args.duration:.0f} s)")
        for op, status, body in load.rejected[:10]:
            print(f"  rejected {op}: {status} {body}")
        if table.failed:
            print(f"{title}: FAILED — logs in {root}/logs (kept)")
            args.keep = True
            return 1
        print(f"{title}: passed")
        return 0
    except BaseException:
        args.keep = True
        log(f"failed; logs kept in {root}/logs")
        raise
    finally:
        supervisor_stop.set()
        cluster.stop_all()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


def throughput(cluster: Cluster, prepared: dict, args, table: Table) -> int:
    """The same mixed load, no faults, A B B A: (A) through nginx to the two app servers with
    WEB_WORKERS=2 each, (B) straight to one app server with WEB_WORKERS=4 on app1's port.
    Requests per second (every HTTP request the clients completed) of each phase."""
    big_env = dict(cluster.env, BIND=f"127.0.0.1:{PORTS['app1']}", WEB_WORKERS="4")
    big = cluster.add(
        Proc(
            "app1x4",
            cluster.app_proc("app1").cmd,
            logfile=cluster.logs / "app1x4.log",
            env=big_env,
        )
    )
    a_label, b_label = "nginx → 2 app servers × 2 workers", "1 app server × 4 workers, direct"
    rates: dict[str, list[float]] = {a_label: [], b_label: []}
    errors = 0

    def run(label: str, port: int) -> None:
        nonlocal errors
        load = Load(prepared, uuid.uuid4().hex[:8], lambda: cluster.primary_port)
        load.port = port
        threads = load.start(args.clients)
        begin = time.monotonic()
        time.sleep(args.duration)
        load.stop.set()
        for thread in threads:
            thread.join(RETRY_FOR + 30)
        elapsed = time.monotonic() - begin
        done = sum(load.requests.values()) - len(load.errors)
        errors += len(load.errors) + len(load.rejected)
        rates[label].append(done / elapsed)
        log(f"{label}: {done / elapsed:.1f} requests/s ({done} in {elapsed:.0f} s)")

    # warm-up, not counted: the first requests after the start fill the databases' caches
    warm = Load(prepared, uuid.uuid4().hex[:8], lambda: cluster.primary_port)
    threads = warm.start(args.clients)
    time.sleep(min(20.0, args.duration))
    warm.stop.set()
    for thread in threads:
        thread.join(RETRY_FOR + 30)
    # A B B A: the load writes as it runs (cases, orders, messages), so later phases work on more
    # rows; this order gives both set-ups the same mean position in the run
    run(a_label, PORTS["nginx"])
    for name in ("app1", "app2"):
        cluster.procs[name].stop()
    big.start()
    wait_port(PORTS["app1"], 60, big)
    run(b_label, PORTS["app1"])
    run(b_label, PORTS["app1"])
    big.stop()
    cluster.start_app("app1")
    cluster.start_app("app2")
    run(a_label, PORTS["nginx"])
    a, b = (sum(rates[k]) / len(rates[k]) for k in (a_label, b_label))
    ratio = a / b if b else 0.0
    for label in (a_label, b_label):
        table.add(
            f"{label}: requests/s",
            "-",
            " / ".join(f"{r:.1f}" for r in rates[label]),
            info=True,
        )
    table.add(
        "ratio (nginx, 2 servers) / (1 server, twice the workers)",
        "≥ 0.90",
        f"{ratio:.3f}",
        ok=ratio >= 0.9,
    )
    table.add("failed or refused requests", 0, errors, ok=errors == 0)
    table.print(f"THROUGHPUT ({args.clients} clients, {args.duration:.0f} s per phase, A B B A)")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "clients": args.clients,
                    "seconds_per_phase": args.duration,
                    "requests_per_s": rates,
                    "ratio": round(ratio, 4),
                    "errors": errors,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    print("THROUGHPUT: " + ("passed" if not table.failed else "FAILED"))
    return 1 if table.failed else 0


def failover(cluster: Cluster, faults: list) -> None:
    """docs/operations.md, "Failover drill", steps 1-6 on this cluster."""
    t = time.time()
    log("drill 1: the primary is lost (immediate shutdown)")
    primary = cluster.procs["postgres-primary"]
    primary.stop_signal = signal.SIGQUIT
    primary.stop()
    log("drill 2: stop the workers (jobs wait in Redis)")
    for name in ("worker1", "worker2"):
        cluster.procs[name].stop()
    log("drill 3: promote the standby")
    cluster.psql("SELECT pg_promote()", port=PORTS["standby"])
    assert cluster.psql("SELECT pg_is_in_recovery()", port=PORTS["standby"]) == "f"
    cluster.primary_port = PORTS["standby"]
    log("drill 4: pgbouncer: both databases on the new primary, RELOAD")
    cluster.pgbouncer_ini(PORTS["standby"], PORTS["standby"])
    cluster.pgbouncer_admin("RELOAD")
    log("drill 5: no synchronous standby any more")
    cluster.psql("ALTER SYSTEM SET synchronous_standby_names = ''")
    cluster.psql("SELECT pg_reload_conf()")
    log("drill 6: start the workers")
    for name in ("worker1", "worker2"):
        cluster.start_app(name)
    faults.append(("failover", t, time.time()))
    log(f"failover done in {time.time() - t:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "_django" and sys.argv[2] == "prepare":
        print(json.dumps(django_prepare(), ensure_ascii=False))
        sys.exit(0)
    sys.exit(main())
