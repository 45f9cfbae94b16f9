"""Where verify_chain's time goes: a SQLite benchmark database with N chained events (the same
generator as bench_audit.py), verify_chain under cProfile, and the split between fetching rows
(Django values_list) and hashing (chain.event_hash). A tool for explaining a missed target.

    .venv/bin/python bench/profile_verify.py -n 100000 [--pg]
"""

import argparse
import cProfile
import hashlib
import io
import json
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_audit
import common

# --- the change proposed for yingshang/audit/verify.py (measured here, not applied) -----------
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def proposed_verify(batch: int = 20000) -> tuple[int, bool]:
    """verify_chain without Django's per-row converters: raw SQL rows, created_at turned into the
    hashed ISO text directly, and one reusable JSON encoder (json.dumps with non-default options
    builds a new JSONEncoder on every call). Same payload, same hash."""
    import datetime as dt

    from django.db import connection

    from yingshang.audit.chain import GENESIS

    sql = (
        "SELECT seq, created_at, actor_id, role, unit_id, action, object_type, object_id, changes, reason, ip, "
        "prev_hash, hash FROM audit_auditevent WHERE seq > %s ORDER BY seq LIMIT %s"
    )
    utc = dt.UTC
    encode = _ENCODER.encode
    sha = hashlib.sha256
    loads = json.loads
    expected, prev, checked, last = 1, GENESIS, 0, 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [last, batch])
            rows = cursor.fetchall()
            if not rows:
                return checked, True
            for (
                seq,
                created,
                actor_id,
                role,
                unit_id,
                action,
                otype,
                oid,
                changes,
                reason,
                ip,
                prev_hash,
                stored,
            ) in rows:
                if seq != expected or prev_hash != prev:
                    return checked, False
                if isinstance(created, str):  # 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC
                    created = dt.datetime.fromisoformat(created)
                if created.tzinfo is None:  # SQLite: naive UTC
                    created = created.replace(tzinfo=utc)
                iso = created.astimezone(utc).isoformat(timespec="microseconds")
                if isinstance(changes, str):
                    changes = loads(changes)
                payload = encode(
                    [
                        seq,
                        iso,
                        actor_id,
                        role,
                        unit_id,
                        action,
                        otype,
                        str(oid),
                        changes,
                        reason,
                        ip,
                        prev_hash,
                    ]
                )
                if sha(payload.encode("utf-8")).hexdigest() != stored:
                    return checked, False
                prev = stored
                expected += 1
                checked += 1
            last = rows[-1][0]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--pg", action="store_true")
    args = parser.parse_args()
    ctx = common.pg_database("profile") if args.pg else common.sqlite_database()
    with ctx as (_url, env, _info):
        common.django_setup(env)
        bench_audit.bulk_load(args.n)
        from yingshang.audit.chain import event_hash
        from yingshang.audit.models import AuditEvent
        from yingshang.audit.verify import _FIELDS, verify_chain

        t = time.perf_counter()
        result = verify_chain()
        total = time.perf_counter() - t
        t = time.perf_counter()
        rows = []
        last = 0
        while True:
            chunk = list(
                AuditEvent.objects.filter(seq__gt=last)
                .order_by("seq")
                .values_list(*_FIELDS)[:20000]
            )
            if not chunk:
                break
            rows.extend(chunk)
            last = chunk[-1][0]
        fetch = time.perf_counter() - t
        t = time.perf_counter()
        for r in rows:
            event_hash(
                seq=r[0],
                created_at=r[1],
                actor_id=r[2],
                role=r[3],
                unit_id=r[4],
                action=r[5],
                object_type=r[6],
                object_id=r[7],
                changes=r[8],
                reason=r[9],
                ip=r[10],
                prev_hash=r[11],
            )
        hashing = time.perf_counter() - t
        print(
            f"verify_chain: {result.checked} events in {total:.2f} s = {result.checked / total:,.0f}/s (ok {result.ok})"
        )
        print(
            f"  fetching rows (values_list, 20k batches): {fetch:.2f} s = {len(rows) / fetch:,.0f} rows/s"
        )
        print(
            f"  event_hash alone:                          {hashing:.2f} s = {len(rows) / hashing:,.0f}/s"
        )
        t = time.perf_counter()
        checked, ok = proposed_verify()
        took = time.perf_counter() - t
        print(
            f"  proposed verify (raw rows, reused encoder): {checked} events in {took:.2f} s = {checked / took:,.0f}/s (ok {ok})"
        )
        profiler = cProfile.Profile()
        profiler.enable()
        verify_chain()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(18)
        print(out.getvalue())
        print("--- the proposed verify under the profiler ---")
        profiler = cProfile.Profile()
        profiler.enable()
        proposed_verify()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(18)
        print(out.getvalue())
        common.close_django_connections()
    return 0


if __name__ == "__main__":
    sys.exit(main())
