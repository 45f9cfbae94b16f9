"""Check the whole chain: seq without gaps, each prev_hash equal to the previous hash, each
hash equal to the one recomputed by its scheme (chain.py: keyed HMAC, or the legacy unkeyed hash
for events written before the keyed chain, which must all come before the first keyed event);
then the chain of return records (verify_returns). Checkpoints: checkpoints.py.

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

from yingshang.audit.chain import GENESIS, KEYED, LEGACY, event_hash, event_mac

if TYPE_CHECKING:
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

_COLUMNS = (
    "seq, created_at, actor_id, role, unit_id, action, object_type, object_id, "
    "changes, reason, ip, prev_hash, hash, id, actor_name, scheme"
)
PARALLEL_FROM = 200_000  # below this, one process is faster than starting others


@dataclass
class VerifyResult:
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    problem: str = ""
    head_seq: int = 0
    head_hash: str = GENESIS
    keyed_from: int | None = None  # seq of the first keyed event

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
    first_keyed: int | None = None
    last_legacy: int | None = None


_PAGE = 5000


def _rows(lo: int, hi: int):
    sql = f"SELECT {_COLUMNS} FROM audit_auditevent WHERE seq >= %s AND seq <= %s ORDER BY seq"  # noqa: S608
    if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        # behind pgbouncer in transaction pooling (DATABASE_POOLER=pgbouncer) a server-side
        # cursor is gone, or on another server connection, at the next fetch ("cursor
        # _django_curs_… does not exist"): read in pages by seq instead
        yield from _rows_paged(sql, lo, hi)
        return
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


def _rows_paged(sql: str, lo: int, hi: int):
    """The rows of seq lo..hi, one query of _PAGE rows at a time (seq is the first column)."""
    while lo <= hi:
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT {_PAGE}", [lo, hi])
            batch = cursor.fetchall()
        if not batch:
            return
        yield from batch
        lo = batch[-1][0] + 1


def _check_range(lo: int, hi: int, *, child: bool = False) -> _Range:
    if child:
        connections.close_all()  # a forked process must not share the parent's connection
    expected = lo
    prev = None
    first_prev = None
    first_keyed = last_legacy = None
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
            actor_name,
            scheme,
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
        if scheme == KEYED:
            computed = event_mac(
                seq=seq,
                created_at=created_at,
                actor_id=actor_id,
                actor_name=actor_name,
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
            if first_keyed is None:
                first_keyed = seq
        elif scheme == LEGACY:
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
            if first_keyed is not None:
                return _Range(
                    lo,
                    hi,
                    first_prev,
                    prev,
                    checked,
                    (seq, pk, f"unkeyed (legacy) event after keyed event #{first_keyed} (forged)"),
                )
            last_legacy = seq
        else:
            computed = None
        if computed != stored_hash:
            return _Range(
                lo,
                hi,
                first_prev,
                prev,
                checked,
                (
                    seq,
                    pk,
                    "content does not match its MAC (altered, or written without the audit "
                    "key; or this process has another key than the one that wrote it)",
                ),
            )
        prev = stored_hash
        expected += 1
        checked += 1
    if expected <= hi:
        # rows missing at the end of the range (the next range would start later)
        return _Range(
            lo, hi, first_prev, prev, checked, (expected, -1, f"missing event #{expected}")
        )
    return _Range(lo, hi, first_prev, prev, checked, None, first_keyed, last_legacy)


def verify_chain(
    *, workers: int | None = None, after: tuple[int, str] | None = None
) -> VerifyResult:
    """The whole chain, or with `after=(seq, hash)` (a checkpoint already checked) only the events
    after it, the first of which must link to that hash."""
    start_seq, start_hash = after or (0, GENESIS)
    with connection.cursor() as cursor:
        # the ends from the seq index (a COUNT(*) would read every event: seconds at city scale)
        cursor.execute("SELECT MIN(seq), MAX(seq) FROM audit_auditevent")
        lo, hi = cursor.fetchone()
    if hi is None:
        return VerifyResult(checked=0)
    if lo != 1:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM audit_auditevent WHERE seq = %s", [lo])
            pk = cursor.fetchone()[0]
        return VerifyResult(0, lo, pk, f"missing event(s) before #{lo} (expected #1)")
    lo = start_seq + 1
    if lo > hi:
        # nothing newer than `after` (or fewer events than it: the caller compares the heads)
        return VerifyResult(
            checked=0, head_seq=hi, head_hash=_hash_of(hi), keyed_from=_first_keyed(before=lo)
        )
    # a vendor check the stubs cannot narrow by: the connection is SQLite's wrapper
    in_memory = (
        connection.vendor == "sqlite" and cast("SQLiteWrapper", connection).is_in_memory_db()
    )
    if workers is None:
        workers = 1 if hi - lo < PARALLEL_FROM or in_memory else min(os.cpu_count() or 1, 8)
    if workers <= 1:
        ranges = [_check_range(lo, hi)]
    else:
        step = (hi - lo + workers) // workers
        bounds = [(start, min(start + step - 1, hi)) for start in range(lo, hi + 1, step)]
        connections.close_all()
        with ProcessPoolExecutor(max_workers=len(bounds), mp_context=get_context("fork")) as pool:
            ranges = list(pool.map(_check_range_child, bounds))
    checked = 0
    previous_hash: str | None = start_hash
    # a keyed event before the range (incremental check): no legacy event may follow in it
    keyed_from = _first_keyed(before=lo) if after else None
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
        if part.last_legacy is not None and keyed_from is not None:
            return VerifyResult(
                checked,
                part.last_legacy,
                _id_of(part.last_legacy),
                f"unkeyed (legacy) event after keyed event #{keyed_from} (forged)",
            )
        if keyed_from is None:
            keyed_from = part.first_keyed
        checked += part.checked
        previous_hash = part.last_hash
    return VerifyResult(
        checked=checked,
        head_seq=hi,
        head_hash=previous_hash or GENESIS,
        keyed_from=keyed_from,
    )


def _first_keyed(*, before: int) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(seq) FROM audit_auditevent WHERE scheme = %s AND seq < %s", [KEYED, before]
        )
        return cursor.fetchone()[0]


def _hash_of(seq: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT hash FROM audit_auditevent WHERE seq = %s", [seq])
        row = cursor.fetchone()
    return row[0] if row else ""


def _check_range_child(bounds: tuple[int, int]) -> _Range:
    return _check_range(*bounds, child=True)


def _id_of(seq: int) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM audit_auditevent WHERE seq >= %s ORDER BY seq LIMIT 1", [seq]
        )
        row = cursor.fetchone()
    return row[0] if row else None


@dataclass
class ReturnsResult:
    checked: int
    legacy: int = 0  # records written before the chain of return records (not covered)
    broken_id: int | None = None
    problem: str = ""
    head_rseq: int = 0
    head_mac: str = GENESIS

    @property
    def ok(self) -> bool:
        return not self.problem


def verify_returns(*, after: tuple[int, str] | None = None) -> ReturnsResult:
    """The chain of return records: rseq without gaps, each prev_mac equal to the previous MAC,
    each MAC equal to the recomputed one, each record bound to its event (seq and hash in the
    MAC; object and time equal to the event's). Records from before the chain (rseq empty) must
    belong to legacy events: a new record outside the chain is a forgery."""
    from yingshang.audit.chain import return_mac
    from yingshang.audit.models import ReturnRecord

    legacy = ReturnRecord.objects.filter(rseq__isnull=True)
    outside = legacy.exclude(event__scheme=LEGACY).values_list("id", "event__seq").first()
    if outside:
        return ReturnsResult(
            0,
            broken_id=outside[0],
            problem=f"return record id {outside[0]} of keyed event #{outside[1]} is outside the "
            "chain of return records (forged or altered)",
        )
    legacy_count = legacy.count()
    start, prev = after or (0, GENESIS)
    rows = (
        ReturnRecord.objects.filter(rseq__gt=start)
        .order_by("rseq")
        .values_list(
            "id",
            "rseq",
            "kind",
            "object_type",
            "object_id",
            "object_label",
            "unit_id",
            "at",
            "due_at",
            "working_days_left",
            "prev_mac",
            "mac",
            "event__seq",
            "event__hash",
            "event__object_type",
            "event__object_id",
            "event__created_at",
        )
    )
    expected = start + 1
    checked = 0
    for row in rows.iterator(chunk_size=2000):
        (pk, rseq, kind, otype, oid, label, unit_id, at, due_at, left, prev_mac, mac) = row[:12]
        event_seq, event_hash, event_otype, event_oid, event_at = row[12:]
        problem = ""
        if rseq != expected:
            problem = f"missing return record(s) before #{rseq} (expected #{expected})"
        elif prev_mac != prev:
            problem = f"return record #{rseq}: prev_mac does not match the previous record"
        elif (otype, oid, at) != (event_otype, event_oid, event_at):
            problem = f"return record #{rseq} does not match its event #{event_seq} (altered)"
        elif mac != return_mac(
            rseq=rseq,
            event_seq=event_seq,
            event_hash=event_hash,
            kind=kind,
            object_type=otype,
            object_id=oid,
            object_label=label,
            unit_id=unit_id,
            at=at,
            due_at=due_at,
            working_days_left=left,
            prev_mac=prev_mac,
        ):
            problem = (
                f"return record #{rseq} does not match its MAC (altered, moved to another "
                "event, or written without the audit key)"
            )
        if problem:
            return ReturnsResult(checked, legacy_count, pk, problem, expected - 1, prev)
        prev = mac
        expected += 1
        checked += 1
    return ReturnsResult(checked, legacy_count, head_rseq=expected - 1, head_mac=prev)
