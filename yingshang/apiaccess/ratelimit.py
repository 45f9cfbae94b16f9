"""Abuse limits counted in the database, shared by every app server (no Redis needed, and the
counts survive a cache flush). The one rate limiter of the project, and the one rule for a
client's address.

    if not ratelimit.hit(f"ratings:ip:{request_ip(request)}", limit=30, window=60):
        raise DomainError("RATE_LIMITED", ...)

"`limit` per `window`" means: in any `window` seconds, at most `limit` hits. A fixed slot
aligned to the clock does not say that (five portal submissions at 10:55 would be allowed again
at 11:00), so each key counts in BUCKETS slices of the window and a hit sums the slices of the
last whole window: a counted hit stops counting between `window` and `window` × 13/12 seconds
later, never sooner. Counting is one upsert; the sum one indexed read. Keys name their subject
(`…:ip:<address>`, `…:user:<id>`, `…:obj:<kind>:<id>`): a limit must be used up by the one it
protects against, not by whoever else knocks on the same door.
"""

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang.apiaccess.models import RateCount
from yingshang.errors import DomainError
from yingshang.processcache import TTLCache

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


BUCKETS = 12


def _bucket_size(window: int) -> int:
    return max(1, window // BUCKETS)


def _row_key(key: str, start: int) -> str:
    # the key is cut so that the bucket suffix always survives (a long key must not make two
    # buckets share a row)
    return f"{key[:180]}:{start}"


def _window_keys(key: str, window: int) -> tuple[str, int, list[str]]:
    """The current bucket's row key and start, and the row keys of the buckets that count."""
    size = _bucket_size(window)
    current = int(time.time() // size)
    span = -(-window // size)  # whole buckets in a window
    keys = [_row_key(key, (current - i) * size) for i in range(span + 1)]
    return keys[0], current * size, keys


def _sum(keys: list[str]) -> int:
    return RateCount.objects.filter(key__in=keys).aggregate(n=Sum("count"))["n"] or 0


def peek(key: str, *, window: int) -> int:
    """The count of `key` in the last `window` seconds, without counting."""
    _current, _start, keys = _window_keys(key, window)
    return _sum(keys)


def count(key: str, *, window: int) -> int:
    """Count one hit of `key` and return its count in the last `window` seconds."""
    return count_many([(key, window)])[0]


def count_many(hits: list[tuple[str, int]]) -> list[int]:
    """Count one hit of each (key, window) and return each one's count in its last window."""
    windows = [_window_keys(key, window) for key, window in hits]
    rows = sorted({row_key: start for row_key, start, _keys in windows}.items())
    if (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and len(rows) == len(windows)
    ):
        return _count_in_one_statement(windows, rows)
    table = connection.ops.quote_name(TABLE)
    upsert = (
        f"INSERT INTO {table} (key, count, window_start) VALUES (%s, 1, %s) "  # noqa: S608 (table name from the model)
        f"ON CONFLICT (key) DO UPDATE SET count = {table}.count + 1"
    )
    with connection.cursor() as cur:
        for row_key, start, _keys in windows:
            cur.execute(upsert, [row_key, dt.datetime.fromtimestamp(start, tz=dt.UTC)])
    return [_sum(keys) for _row_key, _start, keys in windows]


# The sum of a key's older buckets in its window (all but the current one) does not change
# once they are past — no process counts into a bucket whose time is over, app servers' clock
# skew aside — so this process keeps it while the key's current bucket lasts: a key counted many
# times a minute (an integration account, a flood from one address) then costs its upsert
# alone, not the upsert and a sum over twelve buckets (one statement, 280 → 200 µs:
# bench/analysis.md, session 18). Keyed by the current bucket's row and the window's length:
# the next bucket is a new entry.
OLDER = TTLCache("ratelimit.older")


def _count_in_one_statement(windows, rows) -> list[int]:
    """PostgreSQL, outside a transaction: every key's upsert and sum in one statement — its own
    transaction, which does not wait for the WAL flush (`set_config(…, true)` holds for the
    statement's transaction; a count lost in a crash costs nothing, waiting for the flush cost
    every API write a second disk sync: bench/analysis.md, session 9). An applicant's API write
    counts three keys: one statement instead of twelve (BEGIN, SET LOCAL, upsert, COMMIT each;
    with two reads of the submission made cheaper, a case submission's machine CPU went
    20.5 → 17.8 ms per request: bench/analysis.md, session 17). The rows are
    upserted in key order, so two writes counting the same keys cannot deadlock. The sums read
    the statement's snapshot, which does not see its own upserts: each key's current bucket
    comes from RETURNING, its older buckets from OLDER or the table."""
    table = connection.ops.quote_name(TABLE)
    values = ", ".join(["(%s, 1, %s)"] * len(rows))
    params: list = []
    for row_key, start in rows:
        params += [row_key, dt.datetime.fromtimestamp(start, tz=dt.UTC)]
    known = [OLDER.peek((row_key, len(keys))) for row_key, _start, keys in windows]
    sums = []
    for (row_key, _start, keys), older in zip(windows, known, strict=True):
        sums.append("(SELECT count FROM hit WHERE key = %s)")
        params.append(row_key)
        if older is None:
            sums.append(f"COALESCE((SELECT SUM(count) FROM {table} WHERE key = ANY(%s)), 0)")  # noqa: S608 (table name from the model)
            params.append(keys[1:])
    with connection.cursor() as cur:
        cur.execute(
            f"WITH hit AS (INSERT INTO {table} (key, count, window_start) VALUES {values} "  # noqa: S608
            f"ON CONFLICT (key) DO UPDATE SET count = {table}.count + 1 RETURNING key, count) "
            f"SELECT {', '.join(sums)} "
            "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS flush",
            params,
        )
        row = iter(cur.fetchone())
    counts = []
    for (row_key, _start, keys), older in zip(windows, known, strict=True):
        current = int(next(row))
        if older is None:
            older = int(next(row))
            OLDER.put((row_key, len(keys)), older)
        counts.append(current + older)
    return counts


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count a request; False when it is over `limit` in the window. A failing database must not
    cost the request (the callers' own constraints still hold): the limit then fails open and
    says so in the log."""
    return hit_all([(key, limit, window)])


def hit_all(limits: list[tuple[str, int, int]]) -> bool:
    """Count a request against each (key, limit, window) — every key counts, also when another
    is already over — and say whether it is within all of them (fails open like `hit`)."""
    try:
        counts = count_many([(key, window) for key, _limit, window in limits])
    except DatabaseError:
        log.exception("rate limit counter unavailable; request allowed")
        return True
    return all(n <= limit for n, (_key, limit, _window) in zip(counts, limits, strict=True))


def refuse(message: str | None = None) -> DomainError:
    return DomainError("RATE_LIMITED", message or _("操作过于频繁，请稍后再试"), status=429)


# --- every write through the API -------------------------------------------------------------
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _is_staff(user) -> bool:
    return getattr(user, "kind", "staff") == "staff"


def api_write(request, user) -> None:
    """Count a write through the API against its account and its address; raise RATE_LIMITED
    (429) past either limit. Applicants (people, firms) get the public limits; staff and
    integration accounts (the city platform pushes for many people) a higher per-account
    limit and none per address (an office shares one NAT address). Reads are not counted."""
    if request.method in SAFE_METHODS or getattr(request, "_write_counted", False):
        return
    request._write_counted = True  # one count per request, whichever authenticator answers
    if _is_staff(user):
        if not hit(
            f"api:write:user:{user.pk}",
            limit=settings.API_STAFF_WRITES_PER_MINUTE,
            window=60,
        ):
            raise refuse()
        return
    ip = request_ip(request)
    if not hit_all(
        [
            (f"api:write:ip:{ip}", settings.API_WRITES_PER_IP_PER_MINUTE, 60),
            (f"api:write:user:{user.pk}", settings.API_WRITES_PER_MINUTE, 60),
            (f"api:write:user-h:{user.pk}", settings.API_WRITES_PER_HOUR, 3600),
        ]
    ):
        raise refuse()


def page_write(request, user) -> None:
    """Count a write to a page (a form) from the public — anonymous, or an applicant's account
    — against its address and its account; raise RATE_LIMITED past either. Staff forms are not
    counted here (their services and the API's limits hold)."""
    if request.method in SAFE_METHODS:
        return
    authenticated = user is not None and user.is_authenticated
    if authenticated and _is_staff(user):
        return
    limits = [(f"page:write:ip:{request_ip(request)}", settings.API_WRITES_PER_IP_PER_MINUTE, 60)]
    if authenticated:
        limits.append((f"page:write:user:{user.pk}", settings.API_WRITES_PER_MINUTE, 60))
    if not hit_all(limits):
        raise refuse()


def purge(older_than: dt.timedelta = dt.timedelta(days=2)) -> int:
    """Delete buckets no window still counts (the longest window in use is a day)."""
    deleted, _ = RateCount.objects.filter(window_start__lt=timezone.now() - older_than).delete()
    return deleted
