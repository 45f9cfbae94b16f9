"""What someone with write access to the database (but not the audit key) can do."""

import hashlib
import json

from django.db import connection

from yingshang.audit import triggers
from yingshang.audit.chain import GENESIS, event_hash


def tamper(sql: str, params: list | None = None) -> None:
    """Run SQL past the append-only triggers, as the database's owner could: PostgreSQL switches
    user triggers off for the session; on SQLite, whoever has the file drops the triggers and
    puts them back afterwards."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            try:
                cursor.execute(sql, params)
            finally:
                cursor.execute("SET session_replication_role = origin")
        else:
            dropped = triggers.drop_sqlite(cursor)
            try:
                cursor.execute(sql, params)
            finally:
                triggers.create_sqlite(cursor, dropped)


def events() -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, seq, created_at, actor_id, role, unit_id, action, object_type, object_id, "
            "changes, reason, ip FROM audit_auditevent ORDER BY seq"
        )
        cols = [c[0] for c in cursor.description]
        rows = [dict(zip(cols, row, strict=True)) for row in cursor.fetchall()]
    from yingshang.audit.models import AuditEvent

    by_id = {e.pk: e for e in AuditEvent.objects.all()}
    for row in rows:
        row["created_at"] = by_id[row["id"]].created_at
        if isinstance(row["changes"], str):
            row["changes"] = json.loads(row["changes"])
    return rows


def recompute_unkeyed(
    *, reason_of_seq: int | None = None, new_reason: str = "", upto: int | None = None
) -> None:
    """Rewrite the whole chain with the only hash an outsider can compute (the legacy unkeyed
    SHA-256), optionally changing one event's reason on the way."""
    prev = GENESIS
    for row in events():
        if upto is not None and row["seq"] > upto:
            break
        pk = row.pop("id")
        if row["seq"] == reason_of_seq:
            row["reason"] = new_reason
        h = event_hash(**row, prev_hash=prev)
        tamper(
            "UPDATE audit_auditevent SET scheme = 1, reason = %s, prev_hash = %s, hash = %s "
            "WHERE id = %s",
            [row["reason"], prev, h, pk],
        )
        prev = h


def guessed_mac(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
