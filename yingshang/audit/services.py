"""Writing the audit log. Every service calls record() inside its own transaction."""

import datetime as dt

from django.db import connection
from django.utils import timezone

from yingshang.audit.chain import GENESIS, KEYED, event_mac, jsonable, return_mac
from yingshang.audit.context import current
from yingshang.audit.models import AuditEvent, ReturnRecord
from yingshang.rowload import RowInserter

# Arbitrary constant key of the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 7_120_345_001


def object_label(obj) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def diff(before: dict | None, after: dict | None) -> dict:
    """{field: [before, after]} for the fields that changed (or were set)."""
    before = before or {}
    after = after or {}
    out = {}
    for key in sorted(set(before) | set(after)):
        old, new = jsonable(before.get(key)), jsonable(after.get(key))
        if old != new:
            out[key] = [old, new]
    return out


_EVENTS = RowInserter(AuditEvent)


def _chain_head() -> tuple[int, str]:
    """(seq, hash) of the last event, (0, GENESIS) for an empty log — read under the chain
    lock, which is held until the transaction ends."""
    if connection.vendor == "postgresql":
        # lock + head read in one round trip (audit/migrations/0006: a new snapshot after the
        # lock is granted)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT head_seq, head_hash FROM audit_chain_head(%s)", [_CHAIN_LOCK_KEY]
            )
            head = cursor.fetchone()
    else:
        _lock_chain()
        head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return (head[0], head[1]) if head else (0, GENESIS)


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        # Held until commit: the next writer reads the head only after this event is
        # committed, so two transactions can never append to the same predecessor (fork).
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: transactions are BEGIN IMMEDIATE (settings.py), so we already hold the only
    # write lock of the database.


def _actor_name(actor) -> str:
    return (getattr(actor, "display_name", "") or "")[:60] if actor is not None else ""


def record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str | None = None,
    object_id=None,
    before: dict | None = None,
    after: dict | None = None,
    changes: dict | None = None,
    reason: str = "",
    role: str = "",
    unit=None,
) -> AuditEvent:
    """Append one event. Must run inside the transaction of the change it records."""
    if not connection.in_atomic_block:
        raise RuntimeError(
            "audit.record() must be called inside the service's transaction.atomic()"
        )
    if obj is not None:
        object_type, object_id = object_label(obj)
    if not object_type or object_id is None:
        raise ValueError("audit.record() needs obj or object_type + object_id")
    if changes is None:
        changes = diff(before, after)
    else:
        changes = jsonable(changes)
    actor_id = getattr(actor, "pk", None)
    unit_id = getattr(unit, "pk", unit)
    ip = current().ip

    seq, prev_hash = _chain_head()
    seq += 1
    created_at = timezone.now()
    # Two events in the same microsecond keep their order through seq; the MAC covers both.
    fields = {
        "seq": seq,
        "created_at": created_at,
        "actor_id": actor_id,
        "actor_name": _actor_name(actor),
        "role": role or "",
        "unit_id": unit_id,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "changes": changes,
        "reason": reason or "",
        "ip": ip,
        "prev_hash": prev_hash,
    }
    event = AuditEvent(hash=event_mac(**fields), scheme=KEYED, **fields)
    _EVENTS.insert(event)
    return event


def record_many(
    *,
    actor,
    action: str,
    items: list[tuple[object, dict]],
    reason: str = "",
    role: str = "",
    unit=None,
) -> int:
    """Append one event per (obj, after) in `items` at once — for bulk writes such as a ledger
    import of 10,000 rows — with one chain lock, one head read and one bulk insert. Each object
    still gets its own event in its own timeline."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record_many() must be called inside the service's transaction")
    if not items:
        return 0
    actor_id = getattr(actor, "pk", None)
    unit_id = getattr(unit, "pk", unit)
    actor_name = _actor_name(actor)
    ip = current().ip
    seq, prev_hash = _chain_head()
    created_at = timezone.now()
    rows = []
    for obj, after in items:
        seq += 1
        object_type, object_id = object_label(obj)
        fields = {
            "seq": seq,
            "created_at": created_at,
            "actor_id": actor_id,
            "actor_name": actor_name,
            "role": role or "",
            "unit_id": unit_id,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "changes": diff(None, after),
            "reason": reason or "",
            "ip": ip,
            "prev_hash": prev_hash,
        }
        prev_hash = event_mac(**fields)
        rows.append(AuditEvent(hash=prev_hash, scheme=KEYED, **fields))
    AuditEvent.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def record_return(
    *,
    event: AuditEvent,
    kind: str,
    unit=None,
    due_at: dt.datetime | None = None,
    label: str = "",
) -> ReturnRecord:
    """Feed the suspicious-returns report with a return/withdrawal already recorded as `event`,
    in the same transaction. The record is appended to the chain of return records: its MAC
    covers its fields, the previous record's MAC and its event's seq and hash."""
    from yingshang.workcal import calendar

    if not connection.in_atomic_block:
        raise RuntimeError("audit.record_return() must be called inside the service's transaction")
    left = None
    if due_at is not None:
        now_day = timezone.localdate(event.created_at)
        due_day = timezone.localdate(due_at)
        left = calendar.working_days_between(now_day, due_day)
    _lock_chain()  # already held if `event` was recorded in this transaction (re-entrant)
    rseq, prev_mac = 1, GENESIS
    head = (
        ReturnRecord.objects.filter(rseq__isnull=False)
        .order_by("-rseq")
        .values_list("rseq", "mac")
        .first()
    )
    if head is not None and head[0] is not None:
        rseq, prev_mac = head[0] + 1, head[1]
    record = ReturnRecord(
        event=event,
        kind=kind,
        object_type=event.object_type,
        object_id=event.object_id,
        object_label=label[:120],
        unit_id=getattr(unit, "pk", unit),
        at=event.created_at,
        due_at=due_at,
        working_days_left=left,
        rseq=rseq,
        prev_mac=prev_mac,
    )
    record.mac = return_mac(
        rseq=rseq,
        event_seq=event.seq,
        event_hash=event.hash,
        kind=record.kind,
        object_type=record.object_type,
        object_id=record.object_id,
        object_label=record.object_label,
        unit_id=record.unit_id,
        at=record.at,
        due_at=due_at,
        working_days_left=left,
        prev_mac=prev_mac,
    )
    record.save(force_insert=True)
    return record
