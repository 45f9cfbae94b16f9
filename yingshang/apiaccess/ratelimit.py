"""Fixed-window abuse limits counted in the database, one statement per hit, shared by every
app server (no Redis needed; with Redis it is still one round trip, and the counts survive a
cache flush). The one rate limiter of the project, and the one rule for a client's address.

    if not ratelimit.hit(f"ratings:ip:{request_ip(request)}", limit=30, window=60):
        raise DomainError("RATE_LIMITED", ...)

A window is a fixed slot of `window` seconds: its count never outlives it, whoever else hits
the key (unlike a cache `incr`, which can push a key's expiry forward).
"""

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from yingshang.apiaccess.models import RateCount

log = logging.getLogger(__name__)
TABLE = RateCount._meta.db_table


def request_ip(request) -> str:
    """The client's address. Behind our reverse proxy (SECURE_PROXY_SSL_HEADER set) it is the
    last address of X-Forwarded-For — the one our proxy appended; anything to its left was
    sent by the client and proves nothing. Otherwise REMOTE_ADDR."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
        ]
        if forwarded:
            return forwarded[-1][:64]
    return (request.META.get("REMOTE_ADDR") or "unknown")[:64]


def _row_key(key: str, window: int) -> tuple[str, int]:
    start = int(time.time() // window) * window
    return f"{key}:{start}"[:200], start


def peek(key: str, *, window: int) -> int:
    """The current window's count of `key`, without counting."""
    row_key, _start = _row_key(key, window)
    return RateCount.objects.filter(key=row_key).values_list("count", flat=True).first() or 0


def count(key: str, *, window: int) -> int:
    """Add one to `key`'s current window and return the window's count."""
    row_key, start = _row_key(key, window)
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
