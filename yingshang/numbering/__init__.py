"""Record numbers people read out on the phone and print on documents: one mechanism for every
series (case YS20261206000001, work order GD2026120600000001, problem WT2026-0001).

A number is taken from a counter row in one statement (an upsert with RETURNING, the same SQL
on SQLite and PostgreSQL). The counter row stays locked until the caller's transaction ends,
so numbers are gap-free per series and a rolled-back record gives its number back; callers
take their number as late as they can in the transaction.
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


def case_number(at: dt.datetime) -> str:
    """YS + local day + 6 digits, restarting every day."""
    day = calendar.local_date(at)
    return f"YS{day:%Y%m%d}{take(f'case:{day.isoformat()}'):06d}"


def workorder_number(at: dt.datetime) -> str:
    """GD + local day + 8 digits, restarting every day."""
    day = calendar.local_date(at)
    return f"GD{day:%Y%m%d}{take(f'workorder:{day.isoformat()}'):08d}"


def problem_numbers(year: int, count: int = 1) -> list[str]:
    """WT + year + 4 digits (more once a year passes 9,999), `count` consecutive numbers."""
    last = take(f"problem:{year}", count)
    return [f"WT{year}-{n:04d}" for n in range(last - count + 1, last + 1)]
