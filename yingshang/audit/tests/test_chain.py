import itertools
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from yingshang import audit
from yingshang.audit.context import AuditContext, using
from yingshang.audit.models import AuditEvent
from yingshang.audit.tests.tampering import tamper
from yingshang.audit.verify import verify_chain

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only (runs in the PostgreSQL CI pass)"
)


def _record(actor, obj, n=1, **kw):
    for i in range(n):
        with transaction.atomic():
            audit.record(
                actor=actor, action="test.touch", obj=obj, before={"n": i}, after={"n": i + 1}, **kw
            )


@pytest.mark.django_db
def test_record_stores_actor_change_reason_and_ip(personas):
    with using(AuditContext(ip="10.1.2.3")), transaction.atomic():
        event = audit.record(
            actor=personas.handler_a,
            action="case.accept",
            obj=personas.unit_a,
            before={"status": "submitted"},
            after={"status": "accepted"},
            reason="材料齐全",
            role="dept_handler",
            unit=personas.unit_a,
        )
    event.refresh_from_db()
    assert event.changes == {"status": ["submitted", "accepted"]}
    assert (event.actor, event.role, event.unit, event.ip, event.reason) == (
        personas.handler_a,
        "dept_handler",
        personas.unit_a,
        "10.1.2.3",
        "材料齐全",
    )
    assert event.object_type == "org.unit" and event.object_id == str(personas.unit_a.pk)


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_a_programming_error(personas):
    with pytest.raises(RuntimeError):
        audit.record(actor=personas.admin, action="x", obj=personas.unit_a)


@pytest.mark.django_db
def test_each_event_chains_to_the_previous_one(personas):
    _record(personas.admin, personas.unit_a, 5)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events][-5:] == list(range(events[-5].seq, events[-5].seq + 5))
    for prev, cur in itertools.pairwise(events):
        assert cur.prev_hash == prev.hash
    assert verify_chain().ok


@pytest.mark.django_db
def test_verify_command_passes_on_an_intact_chain(personas, capsys):
    _record(personas.admin, personas.unit_a, 3)
    call_command("audit", "verify")
    assert "audit chain intact" in capsys.readouterr().out


def _tamper(sql: str, params: list) -> None:
    tamper(sql, params)


@pytest.mark.django_db
def test_altering_one_row_with_raw_sql_is_caught_and_named(personas):
    _record(personas.admin, personas.unit_a, 6)
    victim = AuditEvent.objects.order_by("seq")[3]
    _tamper("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["改写历史", victim.pk])
    with pytest.raises(CommandError) as err:
        call_command("audit", "verify")
    assert f"#{victim.seq}" in str(err.value)
    assert "altered" in str(err.value)


@pytest.mark.django_db
def test_deleting_a_row_is_caught(personas):
    _record(personas.admin, personas.unit_a, 4)
    victim = AuditEvent.objects.order_by("seq")[1]
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    result = verify_chain()
    assert not result.ok and result.broken_seq == victim.seq + 1


@on_postgres
@pytest.mark.django_db
def test_postgres_refuses_update_and_delete_of_events(personas):
    from django.db import DatabaseError

    _record(personas.admin, personas.unit_a, 1)
    event = AuditEvent.objects.latest("seq")
    for sql in (
        "UPDATE audit_auditevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(personas):
    errors = []

    def writer(n):
        try:
            for i in range(n):
                with transaction.atomic():
                    # some work before the audit append, as a real service does
                    AuditEvent.objects.count()
                    audit.record(
                        actor=personas.admin,
                        action="test.concurrent",
                        obj=personas.unit_b,
                        after={"i": i},
                    )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    before = AuditEvent.objects.count()
    threads = [threading.Thread(target=writer, args=(25,)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEvent.objects.count() == before + 150
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert verify_chain().ok


@pytest.mark.django_db
def test_verify_behind_pgbouncer_reads_in_pages_without_a_server_side_cursor(personas, monkeypatch):
    """DATABASE_POOLER=pgbouncer sets DISABLE_SERVER_SIDE_CURSORS: a server-side cursor would not
    survive transaction pooling (the cluster test's checkpoint job failed with "cursor
    _django_curs_… does not exist"), so the chain is read in pages by seq."""
    from yingshang.audit import verify

    _record(personas.admin, personas.unit_a, 7)
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    monkeypatch.setattr(verify, "_PAGE", 3)
    monkeypatch.setattr(
        connections["default"], "chunked_cursor", lambda: pytest.fail("server-side cursor")
    )
    result = verify_chain(workers=1)
    assert result.ok and result.checked == AuditEvent.objects.count()
    victim = AuditEvent.objects.order_by("seq")[4]
    _tamper("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["改写历史", victim.pk])
    assert verify_chain(workers=1).broken_seq == victim.seq
