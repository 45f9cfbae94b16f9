"""Canonical serialisation and hashing of audit events, shared by record() and verify."""

import datetime as dt
import decimal
import hashlib
import json
import uuid

GENESIS = "0" * 64


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
