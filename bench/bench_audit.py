"""Issue 3: `audit.record` adds < 2 ms per event on SQLite and on PostgreSQL with 1M existing
events; `yingshang audit verify` (verify_chain) checks ≥ 50,000 events/s.

Per backend (each in its own process, Django is configured once per process):
1. a fresh database; 1,000,000 chained events bulk-inserted (keyed MACs computed with the app's
   own yingshang.audit.chain.event_mac, the key from the environment/key file; rows written with COPY on PostgreSQL and executemany on
   SQLite) — a valid chain that verify accepts;
2. N transactions of a small service-like write *with* audit.record() and N *without* it,
   interleaved; reported: the time of the record() call inside the transaction and the time it
   adds to the whole transaction (mean with − mean without, commit included);
3. verify_chain() over everything (1M + N events), events per second.
"""

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

NAME = "audit"
EXISTING = 1_000_000
N_RECORDS = 1000
TARGET_MS = 2.0
TARGET_VERIFY = 50_000
CHUNK = 50_000

ACTIONS = [
    ("case.submit", {"state": [None, "submitted"]}),
    ("case.accept", {"state": ["submitted", "accepted"]}),
    ("case.approve", {"state": ["accepted", "approved"]}),
    ("order.assign", {"unit": [None, 12]}),
    (
        "order.reply",
        {"state": ["handling", "replied"], "reply": [None, "已联系企业，问题已解决。"]},
    ),
    ("rating.submit", {"score": [None, 5]}),
    (
        "clock.recompute",
        {"due_at": ["2025-05-06T09:59:59.999999+00:00", "2025-05-07T15:59:59.999999+00:00"]},
    ),
]
REASONS = ["", "", "", "材料不齐，一次性告知需补正的材料", "申请人撤回"]


def _rows(
    count: int, actor_ids: list[int], start_seq: int, prev: str, rng: random.Random, event_hash
):
    """Chained rows (tuples in COPY column order), in chunks, and the last hash."""
    t0 = dt.datetime(2025, 1, 1, 1, 0, tzinfo=dt.UTC)
    rows = []
    for i in range(count):
        seq = start_seq + i
        created_at = t0 + dt.timedelta(seconds=seq * 30, microseconds=rng.randint(0, 999_999))
        action, changes = ACTIONS[rng.randrange(len(ACTIONS))]
        actor_id = actor_ids[rng.randrange(len(actor_ids))]
        object_type = action.split(".")[0] if action != "clock.recompute" else "workcal.clock"
        object_id = str(rng.randint(1, 400_000))
        reason = REASONS[rng.randrange(len(REASONS))]
        ip = f"10.12.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        role = "dept_handler"
        h = event_hash(
            seq=seq,
            created_at=created_at,
            actor_id=actor_id,
            actor_name="经办人",
            role=role,
            unit_id=None,
            action=action,
            object_type=object_type,
            object_id=object_id,
            changes=changes,
            reason=reason,
            ip=ip,
            prev_hash=prev,
        )
        rows.append(
            (
                seq,
                created_at,
                actor_id,
                "经办人",
                role,
                None,
                action,
                object_type,
                object_id,
                json.dumps(changes, ensure_ascii=False),
                reason,
                ip,
                prev,
                h,
                2,
            )
        )
        prev = h
        if len(rows) == CHUNK:
            yield rows
            rows = []
    if rows:
        yield rows


COLUMNS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_name",
    "role",
    "unit_id",
    "action",
    "object_type",
    "object_id",
    "changes",
    "reason",
    "ip",
    "prev_hash",
    "hash",
    "scheme",
)


def bulk_load(count: int) -> dict:
    from django.db import connection

    from yingshang.audit.chain import GENESIS
    from yingshang.audit.chain import event_mac as event_hash
    from yingshang.audit.models import AuditEvent
    from yingshang.org.models import User

    users = User.objects.bulk_create(
        [User(username=f"bench_actor_{i}", real_name=f"经办人{i}", password="!") for i in range(20)]
    )
    actor_ids = [u.pk for u in users]
    rng = random.Random(20261122)
    table = AuditEvent._meta.db_table
    started = time.perf_counter()
    hash_seconds = 0.0
    generator = _rows(count, actor_ids, 1, GENESIS, rng, event_hash)
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy,
        ):
            while True:
                t = time.perf_counter()
                chunk = next(generator, None)
                hash_seconds += time.perf_counter() - t
                if chunk is None:
                    break
                for row in chunk:
                    copy.write_row(row)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {table}")
    else:
        ops = connection.ops
        sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
        from django.db import transaction

        while True:
            t = time.perf_counter()
            chunk = next(generator, None)
            hash_seconds += time.perf_counter() - t
            if chunk is None:
                break
            chunk = [(r[0], ops.adapt_datetimefield_value(r[1]), *r[2:]) for r in chunk]
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, chunk)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    return {
        "events": count,
        "seconds": round(elapsed, 1),
        "of_which_hashing_s": round(hash_seconds, 1),
        "events_per_s": round(count / elapsed),
    }


def measure_record(n: int) -> dict:
    from django.db import connection, transaction

    from yingshang import audit
    from yingshang.org.models import User

    actor = User.objects.filter(username__startswith="bench_actor_").first()
    with connection.cursor() as cursor:
        # the stand-in for the service's own change (a throw-away table of this bench database)
        cursor.execute(
            "CREATE TABLE bench_item (id integer PRIMARY KEY, state varchar(20), n integer)"
        )
        cursor.execute("INSERT INTO bench_item VALUES (1, 'submitted', 0)")
    with_audit, without, inside = [], [], []
    for i in range(n):
        for use_audit in (True, False) if i % 2 == 0 else (False, True):
            started = time.perf_counter()
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE bench_item SET n = n + 1, state = %s WHERE id = 1",
                        ["accepted" if i % 2 else "submitted"],
                    )
                if use_audit:
                    t = time.perf_counter()
                    audit.record(
                        actor=actor,
                        action="case.accept",
                        object_type="cases.case",
                        object_id=100_000 + i,
                        before={"state": "submitted"},
                        after={"state": "accepted"},
                        reason="",
                        role="dept_handler",
                    )
                    inside.append(time.perf_counter() - t)
            (with_audit if use_audit else without).append(time.perf_counter() - started)
    added = [
        (statistics.fmean(with_audit) - statistics.fmean(without)) * 1000,
        (statistics.median(with_audit) - statistics.median(without)) * 1000,
    ]
    return {
        "n": n,
        "record_call_inside_transaction": common.summary_ms(inside),
        "transaction_with_record": common.summary_ms(with_audit),
        "transaction_without_record": common.summary_ms(without),
        "added_per_event_ms_mean": round(added[0], 4),
        "added_per_event_ms_median": round(added[1], 4),
    }


def measure_verify() -> dict:
    from yingshang.audit.verify import verify_chain

    started = time.perf_counter()
    result = verify_chain()
    elapsed = time.perf_counter() - started
    return {
        "ok": result.ok,
        "checked": result.checked,
        "problem": result.problem,
        "seconds": round(elapsed, 2),
        "events_per_s": round(result.checked / elapsed),
    }


def run_backend(backend: str, out: Path, existing: int, n: int) -> None:
    data = {"backend": backend, "conditions_start": common.conditions()}
    ctx = common.pg_database("audit") if backend == "postgresql" else common.sqlite_database()
    with ctx as (_url, env, info):
        data["migrate"] = info
        common.django_setup(env)
        common.log(f"{backend}: bulk-loading {existing:,} chained events …")
        data["bulk_load"] = bulk_load(existing)
        common.log(f"{backend}: {n} record() transactions (+{n} without) …")
        data["record"] = measure_record(n)
        common.log(f"{backend}: verify_chain …")
        data["verify"] = measure_verify()
        common.close_django_connections()
    data["conditions_end"] = common.conditions()
    out.write_text(json.dumps(data, ensure_ascii=False, default=str))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"])
    parser.add_argument("--out")
    parser.add_argument("--existing", type=int, default=EXISTING)
    parser.add_argument("--n", type=int, default=N_RECORDS)
    args = parser.parse_args()
    if args.backend:
        run_backend(args.backend, Path(args.out), args.existing, args.n)
        return 0
    result = {
        "targets": {
            "record_added_ms": f"< {TARGET_MS}",
            "existing_events": args.existing,
            "verify_events_per_s": f">= {TARGET_VERIFY:,}",
        },
        "conditions_start": common.conditions(),
        "backends": {},
    }
    for backend in ("sqlite", "postgresql"):
        with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--backend",
                    backend,
                    "--out",
                    tmp.name,
                    "--existing",
                    str(args.existing),
                    "--n",
                    str(args.n),
                ],
                check=False,
            )
            if done.returncode != 0:
                result["backends"][backend] = {
                    "error": f"exit status {done.returncode} (see the run's log)"
                }
                continue
            result["backends"][backend] = json.loads(Path(tmp.name).read_text())
    summary = {}
    for backend, data in result["backends"].items():
        if "error" in data:
            summary[backend] = data
            continue
        added = data["record"]["added_per_event_ms_mean"]
        call = data["record"]["record_call_inside_transaction"]["mean_ms"]
        summary[backend] = {
            "existing_events": data["bulk_load"]["events"],
            "record_call_mean_ms": call,
            "record_call_p95_ms": data["record"]["record_call_inside_transaction"]["p95_ms"],
            "added_to_transaction_mean_ms": added,
            "verify_events_per_s": data["verify"]["events_per_s"],
            "verify_ok": data["verify"]["ok"],
            "verdict_record": "met" if max(added, call) < TARGET_MS else "MISSED",
            "verdict_verify": common.verdict(
                data["verify"]["events_per_s"], TARGET_VERIFY, higher_is_better=True
            ),
        }
    result["summary"] = summary
    common.write_result(NAME, result)
    return 0 if all("error" not in d for d in result["backends"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
