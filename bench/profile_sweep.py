"""Where the clock sweep's time goes: the bench_sweep.py database (1M open clocks), then one
sweep batch taken apart — EXPLAIN (ANALYZE, BUFFERS) of the claiming UPDATE, the time of the
ClockEvent bulk_create — and the whole sweep with per-statement timings. A tool for explaining a
missed target (writes no result file).

    .venv/bin/python bench/profile_sweep.py [-n 1000000]
"""

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_sweep
import common


# --- the change proposed for yingshang/workcal/clocks.py sweep() (measured here, not applied) ----
def proposed_sweep(now, *, batch: int = 5000) -> dict:
    """One source state at a time, so the (state, due_at) / (state, warn_at) index hands the
    rows over in order and LIMIT stops the scan after `batch` rows (instead of collecting and
    sorting every due row again for every batch); the ClockEvents are inserted by the same
    statement (a data-modifying CTE) instead of building Django objects and bulk_create."""
    from django.db import connection, transaction

    from yingshang.workcal import clocks

    counts = {}
    for new_state, sources, column in clocks._SWEEPS:
        kind = "overdue" if new_state == "overdue" else "warn"
        moved_total = 0
        for source in sources:
            while True:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        "WITH moved AS (UPDATE workcal_clock c SET state = %s, updated_at = %s "
                        f"WHERE c.id IN (SELECT id FROM workcal_clock WHERE state = %s AND {column} <= %s "
                        f"ORDER BY {column} LIMIT %s FOR UPDATE SKIP LOCKED) AND c.state = %s "
                        "RETURNING c.id, c.owner_type, c.owner_id, c.purpose, c.due_at), "
                        "ev AS (INSERT INTO workcal_clockevent (clock_id, kind, at, due_before, due_after, detail) "
                        "SELECT id, %s, %s, due_at, due_at, '{}'::jsonb FROM moved) "
                        "SELECT id, owner_type, owner_id, purpose FROM moved",
                        [new_state, now, source, now, batch, source, kind, now],
                    )
                    rows = cursor.fetchall()
                    # (handlers would be called here with the moved rows, as now)
                moved_total += len(rows)
                if len(rows) < batch:
                    break
        counts[new_state] = moved_total
    return counts


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=1_000_000)
    args = parser.parse_args()
    with common.pg_database("profile") as (_url, env, _info):
        common.django_setup(env)
        from django.db import connection, transaction

        from yingshang.workcal import calendar, clocks
        from yingshang.workcal.models import ClockEvent

        now = dt.datetime(2026, 11, 19, 10, 0, tzinfo=calendar.TZ)
        print(bench_sweep.load_clocks(args.n, now, now - dt.timedelta(days=1)))
        sql = (
            "UPDATE workcal_clock SET state = %s, updated_at = %s WHERE id IN (SELECT id FROM workcal_clock "
            "WHERE state IN (%s, %s) AND due_at <= %s ORDER BY due_at LIMIT 5000 FOR UPDATE SKIP LOCKED) "
            "AND state IN (%s, %s) RETURNING id, owner_type, owner_id, purpose, due_at"
        )
        params = ["overdue", now, "running", "warning", now, "running", "warning"]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n".join(r[0] for r in cursor.fetchall()))
            t = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            update_s = time.perf_counter() - t
            t = time.perf_counter()
            objs = [
                ClockEvent(clock_id=r[0], kind="overdue", at=now, due_before=r[4], due_after=r[4])
                for r in rows
            ]
            build_s = time.perf_counter() - t
            t = time.perf_counter()
            ClockEvent.objects.bulk_create(objs, batch_size=1000)
            insert_s = time.perf_counter() - t
            print(
                f"\none batch of {len(rows)}: UPDATE…RETURNING {update_s * 1000:.0f} ms, "
                f"building ClockEvent objects {build_s * 1000:.0f} ms, bulk_create {insert_s * 1000:.0f} ms"
            )
            transaction.set_rollback(True)
        with transaction.atomic():
            t = time.perf_counter()
            moved = clocks.sweep(now)
            print(
                f"whole sweep (current code): {moved} in {time.perf_counter() - t:.2f} s (rolled back)"
            )
            transaction.set_rollback(True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE workcal_clock")
            cursor.execute("VACUUM ANALYZE workcal_clockevent")
        with transaction.atomic():
            t = time.perf_counter()
            moved = proposed_sweep(now)
            print(
                f"whole sweep (proposed): {moved} in {time.perf_counter() - t:.2f} s (rolled back)"
            )
            transaction.set_rollback(True)
        common.close_django_connections()
    return 0


if __name__ == "__main__":
    sys.exit(main())
