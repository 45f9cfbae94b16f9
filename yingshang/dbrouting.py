"""Where reads go: the primary by default, the read replica only where a view asks for it.

With `DATABASE_REPLICA_URL` set, settings add a `replica` database alias (a PostgreSQL streaming
standby). Nothing reads it unless the code says so:

    with dbrouting.reporting():          # or @dbrouting.reporting() on a view
        result = kpis.compute(...)

Inside a `reporting()` block the ORM's reads go to the replica, decided once when the block
opens; writes always go to the primary (`default`). The block reads the primary instead when:
- no replica is configured (`DATABASE_REPLICA_URL` empty: everything as without this module);
- the request may write (POST, PUT, PATCH, DELETE), or the same browser wrote less than
  `READ_YOUR_WRITES_SECONDS` ago (a signed cookie set by `ReadYourWritesMiddleware`): a user
  who has just saved something sees it in the report they open next;
- the block opens inside a transaction on the primary (it must see that transaction's writes);
- the replica is unreachable, or lags the primary by more than `REPLICA_MAX_LAG_SECONDS`. This
  is measured at most once every `REPLICA_CHECK_SECONDS` per process (yingshang.processcache).

Only report-like reads belong in a block: hotline KPIs, statistics, rankings, bulletins,
exports, the overview — pages whose figures may be a few seconds old.
"""

import contextvars
import time
from contextlib import ContextDecorator

from django.conf import settings
from django.core import signing
from django.db import DatabaseError, connections

from yingshang.processcache import TTLCache

PRIMARY = "default"
REPLICA = "replica"
WROTE_COOKIE = "ys_wrote"
_COOKIE_SALT = "yingshang.dbrouting.wrote"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

# the alias the innermost open reporting() block reads (None: no block open)
_reading: contextvars.ContextVar[str | None] = contextvars.ContextVar("ys_reading", default=None)
# this request wrote or may write: reporting() reads the primary
_pinned: contextvars.ContextVar[bool] = contextvars.ContextVar("ys_pinned", default=False)

_HEALTH = TTLCache("dbrouting.replica", max_entries=4, setting="REPLICA_CHECK_SECONDS")


def replica_configured() -> bool:
    return bool(getattr(settings, "DATABASE_REPLICA_URL", "")) and REPLICA in settings.DATABASES


def replica_lag_seconds() -> float | None:
    """How far the replica's replay is behind the primary, in seconds; None when unreachable.

    A standby that has replayed everything it received lags 0 s, however long ago the last
    transaction was (on an idle primary pg_last_xact_replay_timestamp() grows old without any
    lag). A database that is not in recovery (the test mirror, SQLite) lags 0 s."""
    connection = connections[REPLICA]
    try:
        if connection.vendor != "postgresql":
            connection.ensure_connection()
            return 0.0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT CASE"
                " WHEN NOT pg_is_in_recovery() THEN 0::float8"
                " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0::float8"
                " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
                "::float8, 'Infinity'::float8) END"
            )
            return float(cursor.fetchone()[0])
    except DatabaseError:
        connection.close()  # a broken connection is dropped, the next check reconnects
        return None


def _measure() -> tuple[bool, float | None]:
    lag = replica_lag_seconds()
    return lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS, lag


def replica_state() -> tuple[bool, float | None]:
    """(usable, lag in seconds or None if unreachable), reused for REPLICA_CHECK_SECONDS."""
    return _HEALTH.get("state", _measure)


def _in_primary_transaction() -> bool:
    connection = connections[PRIMARY]
    # the test case's own wrapping transaction does not count (Django marks it _from_testcase)
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def choose_reporting_alias() -> str:
    """The alias a reporting() block opened now reads."""
    if not replica_configured() or _pinned.get() or _in_primary_transaction():
        return PRIMARY
    usable, _lag = replica_state()
    return REPLICA if usable else PRIMARY


class _Reads(ContextDecorator):
    def _alias(self) -> str:
        raise NotImplementedError

    def _recreate_cm(self):
        # as a decorator, each call gets its own instance: the token below is per entry
        return type(self)()

    def __enter__(self):
        alias = self._alias()
        self._token = _reading.set(alias)
        return alias

    def __exit__(self, *exc):
        _reading.reset(self._token)
        return False


class reporting(_Reads):  # lower case: used like a function, `with reporting():`
    """Reads inside go to the replica when it is safe (see the module's docstring)."""

    def _alias(self) -> str:
        return choose_reporting_alias()


class primary(_Reads):
    """Reads inside go to the primary even within a reporting() block: code that reads in
    order to write (a rollup brought up to date before a report sums it)."""

    def _alias(self) -> str:
        return PRIMARY


def reading_alias() -> str | None:
    """The alias the open reporting() block reads, or None outside one."""
    return _reading.get()


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads in a reporting() block go where the block chose; every
    other read and every write goes to the primary; migrations run on the primary only (the
    standby replays them)."""

    def db_for_read(self, model, **hints):
        alias = _reading.get()
        if alias is None or alias == PRIMARY:
            return PRIMARY
        # checked per query too: a transaction opened inside the block (a rollup refreshed
        # before it is read) reads, and locks, what it writes on the primary
        return PRIMARY if _in_primary_transaction() else alias

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA


def _wrote_recently(request) -> bool:
    seconds = settings.READ_YOUR_WRITES_SECONDS
    if seconds <= 0 or WROTE_COOKIE not in request.COOKIES:
        return False
    try:
        wrote_at = float(
            request.get_signed_cookie(WROTE_COOKIE, salt=_COOKIE_SALT, max_age=seconds)
        )
    except (signing.BadSignature, ValueError):
        return False
    return time.time() - wrote_at <= seconds


class ReadYourWritesMiddleware:
    """Pins a request to the primary when it may write or follows a write by the same browser
    within READ_YOUR_WRITES_SECONDS; remembers a successful write in a signed cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        writes = request.method in _UNSAFE
        token = _pinned.set(writes or _wrote_recently(request))
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if writes and response.status_code < 400 and settings.READ_YOUR_WRITES_SECONDS > 0:
            response.set_signed_cookie(
                WROTE_COOKIE,
                str(time.time()),
                salt=_COOKIE_SALT,
                max_age=settings.READ_YOUR_WRITES_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
