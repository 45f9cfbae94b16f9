"""Issue 3: the clock sweep over 1M open clocks on PostgreSQL in under 10 s; and the no-op
sweep right after.

1,000,000 open clocks are COPY-ed in with deadlines computed by the app's own calendar
(yingshang.workcal.calendar: working-day limits of 3–20 days, each started within about its
own span, so ~10 % are overdue; warn_at = the warning threshold the clocks module uses: ceil(20 % of the limit),
at least 1 working day, before the deadline). Their state is what the previous sweep, one day
earlier, left: so the sweep under test moves the clocks whose warning or deadline passed during
that day — plus a few natural-hour limits (hotline sign-for in 2 h). The sweep runs with its
default batch (recorded); then the same sweep again (nothing left to move).

Clock owners are `bench.item`: no module handler runs (module handlers — reminders, 催办 —
are measured with their modules).
"""

import datetime as dt
import inspect
import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

NAME = "sweep"
CLOCKS = 1_000_000
TARGET_S = 10.0
CHUNK = 50_000
COLUMNS = (
    "owner_type",
    "owner_id",
    "purpose",
    "limit_amount",
    "limit_unit",
    "started_at",
    "due_at",
    "warn_at",
    "state",
    "outcome",
    "pause_kind",
    "extended_amount",
    "calendar_incomplete",
    "updated_at",
)


def load_clocks(count: int, now: dt.datetime, previous_sweep: dt.datetime) -> dict:
    from django.db import connection

    from yingshang.workcal import calendar
    from yingshang.workcal.models import Clock

    cal = calendar.get_calendar()
    rng = random.Random(20261122)
    table = Clock._meta.db_table
    cache: dict = {}
    states = {"running": 0, "warning": 0, "overdue": 0}
    expected = {"warning": 0, "overdue": 0}

    def state_at(due, warn, at):
        if at > due:
            return "overdue"
        if at >= warn:
            return "warning"
        return "running"

    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy,
    ):
        for i in range(count):
            if rng.random() < 0.05:  # hotline sign-for: 2 natural hours
                unit, limit = "natural_hours", 2
                started_at = now - dt.timedelta(seconds=rng.randint(0, 24 * 3600) + 0.5)
                due = started_at + dt.timedelta(hours=limit)
                warn = due - dt.timedelta(hours=0.2 * limit)
            else:
                unit = "working_days"
                limit = rng.choice((3, 5, 5, 10, 15, 20))
                # started within about the limit's span (a limit of n working days ≈ 1.4 n
                # calendar days), a little more: most clocks run, ~10 % are overdue
                started_at = now - dt.timedelta(
                    seconds=rng.randint(0, int(limit * 1.4 * 1.15 * 86400))
                )
                key = (calendar.local_date(started_at), limit)
                if key not in cache:
                    due = cal.deadline(started_at, limit, unit).due_at
                    k = min(max(math.ceil(0.2 * limit - 1e-9), 1), limit)
                    cache[key] = (due, cal.subtract(due, k, unit))
                due, warn = cache[key]
            before = state_at(due, warn, previous_sweep)
            after = state_at(due, warn, now)
            states[before] += 1
            if after != before:
                expected[after] += 1
            copy.write_row(
                (
                    "bench.item",
                    str(i + 1),
                    "handle",
                    limit,
                    unit,
                    started_at,
                    due,
                    warn,
                    before,
                    "",
                    "",
                    0,
                    False,
                    previous_sweep,
                )
            )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")
    return {
        "clocks": count,
        "seconds": round(time.perf_counter() - started, 1),
        "states_before": states,
        "expected_moves": expected,
    }


def main() -> int:
    result = {
        "targets": {"sweep_s": f"< {TARGET_S}", "open_clocks": CLOCKS},
        "conditions_start": common.conditions(),
        "database": "postgresql",
    }
    try:
        with common.pg_database("sweep") as (_url, env, info):
            result["migrate"] = info
            common.django_setup(env)
            from yingshang.workcal import calendar, clocks
            from yingshang.workcal.models import ClockEvent

            # a Thursday morning of a year the calendar knows
            now = dt.datetime(2026, 11, 19, 10, 0, tzinfo=calendar.TZ)
            previous = now - dt.timedelta(days=1)
            common.log(f"loading {CLOCKS:,} open clocks …")
            result["load"] = load_clocks(CLOCKS, now, previous)
            common.log("sweep …")
            started = time.perf_counter()
            moved = clocks.sweep(now)
            elapsed = time.perf_counter() - started
            events = ClockEvent.objects.count()
            result["sweep"] = {
                "seconds": round(elapsed, 2),
                "moved": {str(k): v for k, v in moved.items()},
                "clock_events_written": events,
                "batch": inspect.signature(clocks.sweep).parameters["batch"].default
                or "the code's default (100,000 on PostgreSQL)",
                "parallel_shares": getattr(
                    __import__("django.conf").conf.settings, "CLOCK_SWEEP_PARALLEL", 1
                ),
            }
            started = time.perf_counter()
            again = clocks.sweep(now)
            result["noop_sweep"] = {
                "seconds": round(time.perf_counter() - started, 4),
                "moved": {str(k): v for k, v in again.items()},
            }
            expected = result["load"]["expected_moves"]
            result["summary"] = {
                "open_clocks": CLOCKS,
                "sweep_s": result["sweep"]["seconds"],
                "moved_to_warning": moved.get("warning", 0),
                "moved_to_overdue": moved.get("overdue", 0),
                "moves_as_expected": moved.get("warning", 0) == expected["warning"]
                and moved.get("overdue", 0) == expected["overdue"],
                "noop_sweep_s": result["noop_sweep"]["seconds"],
                "verdict": common.verdict(
                    result["sweep"]["seconds"], TARGET_S, higher_is_better=False
                ),
            }
            common.close_django_connections()
    except Exception as exc:
        result["error"] = f"{exc.__class__.__name__}: {exc}"
        common.write_result(NAME, result)
        raise
    common.write_result(NAME, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
