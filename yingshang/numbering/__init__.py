"""Record numbers people read out on the phone and print on documents: one mechanism for every
series (case YS20261206000001, work order GD2026120600000001, problem WT2026-0001).

Two kinds of series:
- `take`: a counter row updated in one statement (an upsert with RETURNING, the same SQL on
  SQLite and PostgreSQL). The row stays locked until the caller's transaction ends, so numbers
  are gap-free per series and a rolled-back record gives its number back; callers take their
  number as late as they can in the transaction. Cases (restarting each day) and problems.
- `serial`: for the one series registered faster than its transactions commit — work orders,
  hundreds a second from the city platform and the API. On PostgreSQL a SEQUENCE (no row lock:
  the counter row held every registration until the previous one had committed, work-order
  creation 278 → 204 requests/s in session 8's A/B run, bench/analysis.md); numbers increase but
  a failed registration leaves a gap and they do not restart each day. On SQLite, whose single
  writer serialises the transactions anyway, the counter row of the same name.
"""

import datetime as dt

from django.db import connection

from yingshang.workcal import calendar


def take(series: str, count: int = 1) -> int:
    """Reserve `count` numbers of `series`; returns the last one reserved."""
    from yingshang.numbering.models import Counter

    if count < 1:
        raise ValueError("count must be at least 1")
    table = connection.ops.quote_name(Counter._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (series, last) VALUES (%s, %s) "  # noqa: S608 (table name from the model)
            f"ON CONFLICT (series) DO UPDATE SET last = {table}.last + %s RETURNING last",
            [series, count, count],
        )
        return cur.fetchone()[0]


SEQUENCES = {"workorder": "numbering_workorder"}  # serial series → PostgreSQL sequence


def serial(name: str, count: int = 1) -> list[int]:
    """`count` increasing numbers of the serial series `name` (see the module's docstring)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [SEQUENCES[name], count])
            return sorted(row[0] for row in cur.fetchall())
    last = take(name, count)
    return list(range(last - count + 1, last + 1))


def workorder_number(at: dt.datetime, serial_number: int | None = None) -> str:
    """GD + local day of registration + 8 digits of the work-order serial (more digits once it
    passes 99,999,999)."""
    day = calendar.local_date(at)
    n = serial("workorder")[0] if serial_number is None else serial_number
    return f"GD{day:%Y%m%d}{n:08d}"


def case_number(at: dt.datetime) -> str:
    """YS + local day + 6 digits, restarting every day."""
    day = calendar.local_date(at)
    return f"YS{day:%Y%m%d}{take(f'case:{day.isoformat()}'):06d}"


def problem_numbers(year: int, count: int = 1) -> list[str]:
    """WT + year + 4 digits (more once a year passes 9,999), `count` consecutive numbers."""
    last = take(f"problem:{year}", count)
    return [f"WT{year}-{n:04d}" for n in range(last - count + 1, last + 1)]
