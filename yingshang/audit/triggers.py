"""The append-only guard on the audit tables, as the database enforces it.

PostgreSQL (migration 0003): a row trigger refuses UPDATE and DELETE. TRUNCATE, which `flush`
uses, passes it: it needs table ownership, which the application's role must not have.
SQLite (migration 0008): BEFORE UPDATE/DELETE triggers RAISE(ABORT). SQLite has no TRUNCATE and no
roles; the counterpart of ownership is the right to change the schema. So the one legitimate bulk
removal, `flush` (tests, `yingshang flush`), goes through this app's flush command, which drops
these triggers, empties the tables and creates the triggers again in one transaction.

Anyone who can change the schema can drop the triggers; that is why the chain is keyed and
checkpointed. `yingshang audit verify` fails when a trigger is missing.
"""

TABLES = ("audit_auditevent", "audit_returnrecord")

SQLITE_TRIGGERS = {
    f"{table}_no_{op.lower()}": (
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'audit records are append-only ({op} refused on {table})'); END"
    )
    for table in TABLES
    for op in ("UPDATE", "DELETE")
}
POSTGRES_TRIGGERS = {
    "audit_event_append_only": "audit_auditevent",
    "audit_return_append_only": "audit_returnrecord",
}


def missing(connection) -> list[str]:
    """Names of the append-only triggers absent from the database (or disabled on PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            present = {row[0] for row in cursor.fetchall()}
            return sorted(set(SQLITE_TRIGGERS) - present)
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s) AND tgenabled <> 'D'",
                [list(POSTGRES_TRIGGERS)],
            )
            present = {row[0] for row in cursor.fetchall()}
            return sorted(set(POSTGRES_TRIGGERS) - present)
    return []


def drop_sqlite(cursor) -> list[str]:
    """Drop the SQLite triggers that exist; returns their names (to create them again)."""
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    present = [row[0] for row in cursor.fetchall() if row[0] in SQLITE_TRIGGERS]
    for name in present:
        cursor.execute(f"DROP TRIGGER {name}")
    return present


def create_sqlite(cursor, names=None) -> None:
    for name, sql in SQLITE_TRIGGERS.items():
        if names is None or name in names:
            cursor.execute(sql)
