"""PostgreSQL: one round trip for the chain lock and the head read of audit.record().

audit_chain_head(key) takes the transaction-level advisory lock that serialises appends and then
reads the last event. It is VOLATILE, so in READ COMMITTED the head read inside it takes a new
snapshot after the lock is granted and sees the event the previous holder committed (a plain
`SELECT pg_advisory_xact_lock(k), (SELECT … head)` would read the head with the statement's
snapshot, taken before waiting for the lock, and fork the chain)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION audit_chain_head(lock_key bigint)
RETURNS TABLE (head_seq bigint, head_hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN QUERY SELECT e.seq, e.hash FROM audit_auditevent e ORDER BY e.seq DESC LIMIT 1;
END
$$
"""
BACKWARD = "DROP FUNCTION IF EXISTS audit_chain_head(bigint)"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_event_order")]

    operations = [migrations.RunPython(forward, backward)]
