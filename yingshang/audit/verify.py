"""Check the whole chain: seq without gaps, each prev_hash equal to the previous hash, each
hash equal to the recomputed one.

Speed (≥ 50,000 events/s): rows are read with a raw (server-side on PostgreSQL) cursor, without
the ORM's per-value converters, and a long chain is split into seq ranges checked by parallel
processes; the parent then checks that each range starts where the previous one ended."""

import datetime as dt
import ipaddress
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import TYPE_CHECKING, cast

from django.db import connection, connections

from yingshang.audit.chain import GENESIS, event_hash

if TYPE_CHECKING:
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

_COLUMNS = (
    "seq, created_at, actor_id, role, unit_id, action, object_type, object_id, "
    "changes, reason, ip, prev_hash, hash, id"
)
PARALLEL_FROM = 200_000  # below this, one process is faster than starting others


@dataclass
class VerifyResult:
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


@dataclass
class _Range:
    first_seq: int
    last_seq: int
    first_prev: str | None
    last_hash: str | None
    checked: int
    broken: tuple[int, int, str] | None


def _rows(lo: int, hi: int):
    sql = f"SELECT {_COLUMNS} FROM audit_auditevent WHERE seq >= %s AND seq <= %s ORDER BY seq"  # noqa: S608
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(sql, [lo, hi])
        while True:
            batch = cursor.fetchmany(5000)
            if not batch:
                return
            yield from batch
    finally:
        cursor.close()


def _check_range(lo: int, hi: int, *, child: bool = False) -> _Range:
    if child:
        connections.close_all()  # a forked process must not share the parent's connection
    expected = lo
    prev = None
    first_prev = None
    checked = 0
    utc = dt.UTC
    for row in _rows(lo, hi):
        (
            seq,
            created_at,
            actor_id,
            role,
            unit_id,
            action,
            object_type,
            object_id,
            changes,
            reason,
            ip,
            prev_hash,
            stored_hash,
            pk,
        ) = row
        if seq != expected:
            return _Range(
                lo,
                hi,
                first_prev,
                prev,
                checked,
                (seq, pk, f"missing event(s) before #{seq} (expected #{expected})"),
            )
        if first_prev is None:
            first_prev = prev_hash
        elif prev_hash != prev:
            return _Range(
                lo,
                hi,
                first_prev,
                prev,
                checked,
                (seq, pk, "prev_hash does not match the previous event"),
            )
        # raw values: SQLite gives text for both; Django reads PostgreSQL jsonb as text too
        if isinstance(created_at, str):
            created_at = dt.datetime.fromisoformat(created_at)
        if isinstance(changes, str):
            changes = json.loads(changes)
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=utc)
        if ip is not None and not isinstance(ip, str):
            ip = (
                str(ip)
                if not isinstance(ip, (ipaddress.IPv4Interface, ipaddress.IPv6Interface))
                else str(ip.ip)
            )
        computed = event_hash(
            seq=seq,
            created_at=created_at,
            actor_id=actor_id,
            role=role,
            unit_id=unit_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            changes=changes,
            reason=reason,
            ip=ip,
            prev_hash=prev_hash,
        )
        if computed != stored_hash:
            return _Range(
                lo,
                hi,
                first_prev,
                prev,
                checked,
                (seq, pk, "content does not match its hash (altered)"),
            )
        prev = stored_hash
        expected += 1
        checked += 1
    if expected <= hi:
        # rows missing at the end of the range (the next range would start later)
        return _Range(
            lo, hi, first_prev, prev, checked, (expected, -1, f"missing event #{expected}")
        )
    return _Range(lo, hi, first_prev, prev, checked, None)


def verify_chain(*, workers: int | None = None) -> VerifyResult:
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(seq), MAX(seq), COUNT(*) FROM audit_auditevent")
        lo, hi, count = cursor.fetchone()
    if not count:
        return VerifyResult(checked=0)
    if lo != 1:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM audit_auditevent WHERE seq = %s", [lo])
            pk = cursor.fetchone()[0]
        return VerifyResult(0, lo, pk, f"missing event(s) before #{lo} (expected #1)")
    # a vendor check the stubs cannot narrow by: the connection is SQLite's wrapper
    in_memory = (
        connection.vendor == "sqlite" and cast("SQLiteWrapper", connection).is_in_memory_db()
    )
    if workers is None:
        workers = 1 if count < PARALLEL_FROM or in_memory else min(os.cpu_count() or 1, 8)
    if workers <= 1:
        ranges = [_check_range(lo, hi)]
    else:
        step = (hi - lo + workers) // workers
        bounds = [(start, min(start + step - 1, hi)) for start in range(lo, hi + 1, step)]
        connections.close_all()
        with ProcessPoolExecutor(max_workers=len(bounds), mp_context=get_context("fork")) as pool:
            ranges = list(pool.map(_check_range_child, bounds))
    checked = 0
    previous_hash: str | None = GENESIS
    for part in ranges:
        if part.first_prev is not None and part.first_prev != previous_hash:
            pk = _id_of(part.first_seq)
            return VerifyResult(
                checked, part.first_seq, pk, "prev_hash does not match the previous event"
            )
        if part.broken is not None:
            seq, pk, problem = part.broken
            return VerifyResult(
                checked + part.checked, seq, pk if pk != -1 else _id_of(seq), problem
            )
        checked += part.checked
        previous_hash = part.last_hash
    return VerifyResult(checked=checked)


def _check_range_child(bounds: tuple[int, int]) -> _Range:
    return _check_range(*bounds, child=True)


def _id_of(seq: int) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM audit_auditevent WHERE seq >= %s ORDER BY seq LIMIT 1", [seq]
        )
        row = cursor.fetchone()
    return row[0] if row else None
