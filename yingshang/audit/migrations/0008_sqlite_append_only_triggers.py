"""On SQLite, refuse UPDATE and DELETE on the audit tables as PostgreSQL does since 0003
(yingshang/audit/triggers.py explains how `flush` still empties them). SQLite drops a table's
triggers when a migration rebuilds the table: a later migration that alters these tables on
SQLite must create them again (`yingshang audit verify` fails while one is missing)."""

from django.db import migrations

TABLES = ("audit_auditevent", "audit_returnrecord")
TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, 'audit records are append-only ({op} refused on {table})'); END"
    for table in TABLES
    for op in ("UPDATE", "DELETE")
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in TRIGGERS:
            schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for table in TABLES:
            for op in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}", params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_keyed_chain")]
    operations = [migrations.RunPython(forwards, backwards)]
