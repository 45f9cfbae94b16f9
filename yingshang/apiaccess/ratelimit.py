"""Fixed-window abuse limits counted in the database, one statement per hit, shared by every
app server (no Redis needed; with Redis it is still one round trip, and the counts survive a
cache flush).

    if not ratelimit.hit(f"ratings:ip:{ip}", limit=30, window=60):
        raise DomainError("RATE_LIMITED", ...)
"""

import datetime as dt
import logging
import time

from django.db import DatabaseError, connection
from django.utils import timezone

from yingshang.apiaccess.models import RateCount

log = logging.getLogger(__name__)
TABLE = RateCount._meta.db_table


def count(key: str, *, window: int) -> int:
    """Add one to `key`'s current window and return the window's count."""
    start = int(time.time() // window) * window
    row_key = f"{key}:{start}"[:200]
    table = connection.ops.quote_name(TABLE)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (key, count, window_start) VALUES (%s, 1, %s) "  # noqa: S608 (table name from the model)
            f"ON CONFLICT (key) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [row_key, dt.datetime.fromtimestamp(start, tz=dt.UTC)],
        )
        return cur.fetchone()[0]


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count a request; False when it is over `limit` in the window. A failing database must not
    cost the request (the callers' own constraints still hold): the limit then fails open and
    says so in the log."""
    try:
        return count(key, window=window) <= limit
    except DatabaseError:
        log.exception("rate limit counter unavailable; request allowed")
        return True


def purge(older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    deleted, _ = RateCount.objects.filter(window_start__lt=timezone.now() - older_than).delete()
    return deleted
