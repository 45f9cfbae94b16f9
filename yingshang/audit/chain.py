"""Canonical serialisation and MACs of audit events and return records, shared by record() and
verify.

Schemes (AuditEvent.scheme), so that events written before an upgrade still verify by their rule:
- 1 (LEGACY): SHA-256 without a key over every field but actor_name. Such events are protected only
  by the keyed events after them: the first keyed event's MAC covers the last legacy hash.
- 2 (KEYED): HMAC-SHA256 with the audit key (keys.py) over every field, actor_name included.
Once a keyed event exists, verify refuses any legacy event after it (a downgrade is a forgery).
"""

import datetime as dt
import decimal
import hashlib
import json
import uuid

from yingshang.audit import keys

GENESIS = "0" * 64
LEGACY = 1
KEYED = 2


def jsonable(value):
    """Turn a field value into a JSON value that survives a round trip through the database
    unchanged (so the hash recomputed at verify time matches)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if hasattr(value, "pk"):
        return value.pk
    return str(value)


# one encoder for every event (json.dumps would build a new one per call); same output
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_hash(
    *,
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
) -> str:
    payload = _ENCODER.encode(
        [
            seq,
            created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            actor_id,
            role,
            unit_id,
            action,
            object_type,
            str(object_id),
            changes,
            reason,
            ip,
            prev_hash,
        ],
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _utc(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def event_mac(
    *,
    seq,
    created_at,
    actor_id,
    actor_name,
    role,
    unit_id,
    action,
    object_type,
    object_id,
    changes,
    reason,
    ip,
    prev_hash,
) -> str:
    """Scheme 2: the keyed MAC of an event over every stored field (all a page shows)."""
    payload = _ENCODER.encode(
        [
            KEYED,
            seq,
            _utc(created_at),
            actor_id,
            actor_name,
            role,
            unit_id,
            action,
            object_type,
            str(object_id),
            changes,
            reason,
            ip,
            prev_hash,
        ],
    )
    return keys.event_mac().hexdigest(payload.encode("utf-8"))


def return_mac(
    *,
    rseq,
    event_seq,
    event_hash,
    kind,
    object_type,
    object_id,
    object_label,
    unit_id,
    at,
    due_at,
    working_days_left,
    prev_mac,
) -> str:
    """The keyed MAC of a return record: its own fields, its place in the chain of return records
    (rseq, prev_mac) and the event it belongs to (seq and hash, itself in the event chain)."""
    payload = _ENCODER.encode(
        [
            rseq,
            event_seq,
            event_hash,
            kind,
            object_type,
            str(object_id),
            object_label,
            unit_id,
            _utc(at),
            _utc(due_at),
            working_days_left,
            prev_mac,
        ],
    )
    return keys.return_mac().hexdigest(payload.encode("utf-8"))
