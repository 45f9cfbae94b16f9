"""Issue 24: what nginx and a second app server cost — the cluster's mixed load (portal pages,
case submissions, work orders, callback ratings, acceptances, staff queues, reports) through
nginx to two gunicorn app servers with 2 workers each, against one app server with 4 workers
reached directly, A B B A on the same cluster after a warm-up (deploy/cluster/cluster_test.py --throughput:
PostgreSQL primary + synchronous standby, pgbouncer, Redis, two RQ workers, all on this
machine). Target: the first within 10 % of the second (ratio ≥ 0.90), no failed request.

Needs Debian's nginx and pgbouncer (`make cluster-tools`)."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

NAME = "cluster"
SECONDS = int(os.environ.get("YS_BENCH_DURATION", "45"))  # per phase
CLIENTS = 4


def main() -> int:
    started = common.conditions()
    script = common.SOURCE / "deploy" / "cluster" / "cluster_test.py"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "throughput.json"
        run = subprocess.run(
            [
                sys.executable,
                str(script),
                "--throughput",
                "--duration",
                str(SECONDS),
                "--clients",
                str(CLIENTS),
                "--json",
                str(out),
            ],
            cwd=common.SOURCE,
            capture_output=True,
            text=True,
            timeout=1500,
        )
        common.log(run.stdout[-3000:])
        if not out.exists():
            common.write_result(
                NAME,
                {"conditions_start": started, "error": (run.stderr or run.stdout)[-2000:]},
            )
            return 1
        data = json.loads(out.read_text())
    rates = data["requests_per_s"]
    (proxied, proxied_rates), (direct, direct_rates) = rates.items()
    summary = {
        f"{proxied}, requests/s (runs)": " / ".join(f"{r:.1f}" for r in proxied_rates),
        f"{direct}, requests/s (runs)": " / ".join(f"{r:.1f}" for r in direct_rates),
        "throughput ratio (nginx, 2 servers) / (1 server, 4 workers)": {
            "target": "≥ 0.90",
            "ratio": data["ratio"],
            "verdict": common.verdict(data["ratio"], 0.9, higher_is_better=True),
        },
        "failed or refused requests": {
            "target": "0",
            "count": data["errors"],
            "verdict": "met" if data["errors"] == 0 else "MISSED",
        },
    }
    common.write_result(
        NAME,
        {
            "conditions_start": started,
            "clients": CLIENTS,
            "seconds_per_phase": SECONDS,
            "raw": data,
            "summary": summary,
        },
    )
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
