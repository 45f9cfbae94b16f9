"""Issue 17: tampering by someone who can write to the database but has not the audit key is
caught by `yingshang audit verify` with a clear message and a non-zero exit."""

import datetime as dt
import json
import os
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from yingshang import audit
from yingshang.audit import checkpoints, keys
from yingshang.audit.chain import GENESIS, LEGACY, event_hash
from yingshang.audit.models import AuditEvent, ReturnRecord
from yingshang.audit.tests.tampering import guessed_mac, recompute_unkeyed, tamper

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.AUDIT_CHECKPOINT_DIR


def _record(actor, obj, n=1, **kw):
    for i in range(n):
        with transaction.atomic():
            audit.record(
                actor=actor, action="test.touch", obj=obj, before={"n": i}, after={"n": i + 1}, **kw
            )


def _return(actor, obj, *, days=3):
    with transaction.atomic():
        event = audit.record(actor=actor, action="test.return", obj=obj, reason="材料不全")
        return audit.record_return(
            event=event,
            kind="return",
            unit=obj,
            due_at=timezone.now() + dt.timedelta(days=days),
            label="测试事项",
        )


def _verify(*args) -> str:
    """The message of a failing `audit verify` (the test fails if it passes)."""
    with pytest.raises(CommandError) as err:
        call_command("audit", "verify", *args)
    return str(err.value)


def test_verify_prints_the_head_and_agrees_with_the_checkpoints(personas, capsys):
    _record(personas.admin, personas.unit_a, 3)
    call_command("audit", "checkpoint")
    _record(personas.admin, personas.unit_a, 2)
    call_command("audit", "verify")
    out = capsys.readouterr().out
    head = AuditEvent.objects.latest("seq")
    assert f"head: event #{head.seq} hash {head.hash}" in out
    assert "checkpoints: 1 agree" in out and "audit chain intact" in out


def test_events_are_keyed_and_cover_the_actor_name(personas):
    _record(personas.admin, personas.unit_a)
    event = AuditEvent.objects.latest("seq")
    assert event.scheme == 2 and event.actor_name == personas.admin.display_name
    tamper("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["张三", event.pk])
    message = _verify()
    assert f"#{event.seq}" in message and "altered" in message


def test_recomputing_the_chain_without_the_key_is_caught(personas):
    _record(personas.admin, personas.unit_a, 4)
    call_command("audit", "checkpoint")
    victim = AuditEvent.objects.order_by("seq")[1]
    # the attacker rewrites history and recomputes every hash with the only rule he can
    recompute_unkeyed(reason_of_seq=victim.seq, new_reason="改写历史")
    message = _verify()
    assert "rewritten" in message and "recomputed" in message


def test_recomputing_with_a_guessed_key_is_caught_at_the_first_event(personas):
    _record(personas.admin, personas.unit_a, 3)
    first = AuditEvent.objects.order_by("seq").first()
    tamper(
        "UPDATE audit_auditevent SET reason = 'x', hash = %s WHERE id = %s",
        [guessed_mac("x"), first.pk],
    )
    message = _verify()
    assert f"#{first.seq}" in message and "does not match its MAC" in message


def test_an_appended_forged_event_is_caught(personas):
    _record(personas.admin, personas.unit_a, 2)
    head = AuditEvent.objects.latest("seq")
    fields = {
        "seq": head.seq + 1,
        "created_at": timezone.now(),
        "actor_id": personas.handler_a.pk,
        "role": "",
        "unit_id": None,
        "action": "case.approve",
        "object_type": "cases.case",
        "object_id": "1",
        "changes": {},
        "reason": "",
        "ip": None,
        "prev_hash": head.hash,
    }
    # with a correct unkeyed hash, as the old chain accepted
    forged = AuditEvent.objects.create(
        **fields, actor_name="办事员", scheme=LEGACY, hash=event_hash(**fields)
    )
    assert "unkeyed (legacy) event after keyed event" in _verify()
    # or claiming the keyed scheme without the key
    tamper("UPDATE audit_auditevent SET scheme = 2 WHERE id = %s", [forged.pk])
    message = _verify()
    assert f"#{forged.seq}" in message and "does not match its MAC" in message


def test_deleting_the_newest_events_is_caught_by_the_checkpoint(personas):
    _record(personas.admin, personas.unit_a, 5)
    call_command("audit", "checkpoint")
    head = AuditEvent.objects.latest("seq")
    tamper("DELETE FROM audit_auditevent WHERE seq > %s", [head.seq - 2])
    message = _verify()
    assert "truncated" in message and f"#{head.seq}" in message and "deleted" in message


def test_an_edited_return_record_is_caught(personas):
    record = _return(personas.handler_a, personas.unit_a, days=5)
    _return(personas.handler_a, personas.unit_a, days=9)
    call_command("audit", "verify")
    # hide the return from the suspicious-returns report: "there was plenty of time left"
    tamper(
        "UPDATE audit_returnrecord SET working_days_left = 30 WHERE id = %s",
        [record.pk],
    )
    message = _verify()
    assert f"return record #{record.rseq}" in message and "does not match its MAC" in message


def test_deleted_and_forged_return_records_are_caught(personas):
    first = _return(personas.handler_a, personas.unit_a)
    _return(personas.handler_a, personas.unit_a)
    call_command("audit", "checkpoint")
    last = _return(personas.handler_a, personas.unit_a)
    tamper("DELETE FROM audit_returnrecord WHERE id = %s", [first.pk])
    assert "missing return record(s) before #2" in _verify()
    tamper("DELETE FROM audit_returnrecord")
    assert "the newest return record(s) were deleted" in _verify()
    # a record slipped in outside the chain, for a keyed event
    ReturnRecord.objects.create(
        event=last.event,
        kind="return",
        object_type=last.object_type,
        object_id=last.object_id,
        at=last.at,
    )
    assert "outside the chain of return records" in _verify()


def test_a_return_record_moved_to_another_event_is_caught(personas):
    record = _return(personas.handler_a, personas.unit_a)
    _record(personas.admin, personas.unit_a)
    other = AuditEvent.objects.latest("seq")
    tamper("UPDATE audit_returnrecord SET event_id = %s WHERE id = %s", [other.pk, record.pk])
    assert f"return record #{record.rseq}" in _verify()


@pytest.mark.parametrize("sql", ["UPDATE {t} SET object_id = 'x'", "DELETE FROM {t}"])
@pytest.mark.parametrize("table", ["audit_auditevent", "audit_returnrecord"])
def test_the_database_refuses_update_and_delete(personas, sql, table):
    """SQLite (the default) as PostgreSQL: the append-only guard is in the database."""
    _return(personas.handler_a, personas.unit_a)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql.format(t=table))
    assert (
        ReturnRecord.objects.count() == 1 and AuditEvent.objects.filter(object_id="x").count() == 0
    )


def test_verify_fails_when_a_trigger_is_gone(personas):
    _record(personas.admin, personas.unit_a)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_auditevent_no_delete")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks: ALTER may run
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
    message = _verify()
    assert "append-only trigger(s) missing or disabled" in message


def test_an_exported_checkpoint_file_alone_verifies_the_database(personas, tmp_path, capsys):
    _record(personas.admin, personas.unit_a, 3)
    call_command("audit", "checkpoint")  # prints the signed line, as published
    exported = tmp_path / "published.jsonl"
    exported.write_text(capsys.readouterr().out.splitlines()[0] + "\n", encoding="utf-8")
    # the server's own checkpoint directory is gone (or not trusted): the file alone decides
    (checkpoints.directory() / checkpoints.FILENAME).unlink()
    _record(personas.admin, personas.unit_a, 2)
    call_command("audit", "verify", "--checkpoint", str(exported))
    assert "checkpoints: 1 agree" in capsys.readouterr().out
    tamper("DELETE FROM audit_auditevent WHERE seq > 2")
    assert "truncated" in _verify("--checkpoint", str(exported))


def test_a_forged_checkpoint_is_refused(personas, tmp_path):
    _record(personas.admin, personas.unit_a, 3)
    call_command("audit", "checkpoint")
    path = checkpoints.directory() / checkpoints.FILENAME
    data = json.loads(path.read_text(encoding="utf-8"))
    data["seq"] = 2  # a checkpoint that would bless a truncated log
    forged = tmp_path / "forged.jsonl"
    forged.write_text(json.dumps(data) + "\n", encoding="utf-8")
    assert "signature does not match" in _verify("--checkpoint", str(forged))


def test_a_checkpoint_is_not_written_over_a_broken_chain(personas):
    _record(personas.admin, personas.unit_a, 3)
    victim = AuditEvent.objects.order_by("seq")[1]
    tamper("UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError, match="no checkpoint written"):
        call_command("audit", "checkpoint")
    assert not (checkpoints.directory() / checkpoints.FILENAME).exists()


def test_a_checkpoint_is_checked_against_the_previous_one(personas):
    _record(personas.admin, personas.unit_a, 3)
    call_command("audit", "checkpoint")
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [AuditEvent.objects.latest("seq").seq])
    with pytest.raises(CommandError, match="truncated"):
        call_command("audit", "checkpoint")


def test_the_periodic_task_writes_a_checkpoint_hourly(personas):
    from yingshang.audit.tasks import PERIODIC, write_checkpoint

    assert [(p.name, p.seconds) for p in PERIODIC] == [("audit.checkpoint", 3600)]
    _record(personas.admin, personas.unit_a, 2)
    write_checkpoint.enqueue()  # run in-line by the test task backend
    found, problems = checkpoints.read_all(checkpoints.default_files())
    assert not problems and found[-1].seq == AuditEvent.objects.latest("seq").seq


def test_events_from_before_the_keyed_chain_still_verify_and_are_protected(personas):
    """Upgrade: events hashed by the old unkeyed rule keep verifying by it; the first keyed
    event's MAC covers the last of them, so rewriting them (even recomputing their hashes) breaks
    the chain there."""
    prev = GENESIS
    for seq in (1, 2, 3):
        fields = {
            "seq": seq,
            "created_at": timezone.now(),
            "actor_id": personas.admin.pk,
            "role": "",
            "unit_id": None,
            "action": "legacy.touch",
            "object_type": "org.unit",
            "object_id": str(personas.unit_a.pk),
            "changes": {"n": [None, seq]},
            "reason": "",
            "ip": None,
            "prev_hash": prev,
        }
        prev = event_hash(**fields)
        AuditEvent.objects.create(**fields, actor_name="旧", scheme=LEGACY, hash=prev)
    _record(personas.admin, personas.unit_a, 2)
    call_command("audit", "verify")
    first_keyed = AuditEvent.objects.get(seq=4)
    assert first_keyed.scheme == 2 and first_keyed.prev_hash == prev
    # rewrite a legacy event and recompute the legacy hashes after it, as anyone can
    recompute_unkeyed(reason_of_seq=2, new_reason="改写", upto=3)
    assert "#4" in _verify() and "prev_hash does not match" in _verify()
    # and re-link the first keyed event to the new legacy head: its MAC says no
    tamper(
        "UPDATE audit_auditevent SET prev_hash = %s WHERE seq = 4",
        [AuditEvent.objects.get(seq=3).hash],
    )
    message = _verify()
    assert "#4" in message and "does not match its MAC" in message


def test_the_key_file_is_created_once_with_owner_only_permissions(settings, tmp_path):
    settings.AUDIT_KEY = ""
    settings.AUDIT_KEY_FILE = tmp_path / "keys" / "audit_key"
    key = keys.chain_key()
    mode = stat.S_IMODE(os.stat(settings.AUDIT_KEY_FILE).st_mode)
    assert len(key) == 32 and mode == 0o600
    keys.reset()
    assert keys.chain_key() == key  # read back, not replaced


def test_a_short_or_malformed_key_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.AUDIT_KEY = "abcd"
    with pytest.raises(ImproperlyConfigured, match="too short"):
        keys.chain_key()
    settings.AUDIT_KEY = "not hex" * 10
    with pytest.raises(ImproperlyConfigured, match="hexadecimal"):
        keys.chain_key()


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_audit_tables_and_keeps_the_guard(personas):
    """Transactional tests end with `flush`: TRUNCATE on PostgreSQL, and on SQLite this app's
    flush, which lifts the triggers only inside its own transaction."""
    from yingshang.audit import triggers

    _return(personas.handler_a, personas.unit_a)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0 and ReturnRecord.objects.count() == 0
    assert triggers.missing(connection) == []
    user = _persona()
    _record(user, user)  # the teardown flush empties this one again
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()


def _persona():
    from yingshang.org.models import User

    return User.objects.create(username="after_flush", real_name="清空后")


def test_the_mac_is_standard_hmac_sha256():
    """An auditor can recompute an event's MAC with any HMAC-SHA256 implementation."""
    import hashlib
    import hmac

    key = bytes(range(32))
    for message in (b"", b"x" * 1000, "营商".encode()):
        assert (
            keys.Mac(key).hexdigest(message) == hmac.new(key, message, hashlib.sha256).hexdigest()
        )


def test_verifying_with_another_key_says_so(personas, settings):
    _record(personas.admin, personas.unit_a, 2)
    call_command("audit", "checkpoint")
    settings.AUDIT_KEY = "ab" * 32
    message = _verify()
    assert "wrong audit key" in message and "signed with audit key" in message


def test_production_without_an_audit_key_refuses_to_start(tmp_path):
    """Each server would otherwise make its own key next to its data: a chain nobody can verify."""
    import subprocess
    import sys

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("YINGSHANG_", "PYTEST")) and k not in ("DEBUG",)
    }
    env.update(
        YINGSHANG_PRODUCTION="1",
        SECRET_KEY="k" * 20 + "Q9z!x#" * 8,
        ALLOWED_HOSTS="ys.example.gov.cn",
        YINGSHANG_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="yingshang.settings",
    )
    start = [sys.executable, "-c", "import django; django.setup()"]
    refused = subprocess.run(start, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "YINGSHANG_AUDIT_KEY is not set" in refused.stderr
    env["YINGSHANG_AUDIT_KEY"] = "a1" * 32
    started = subprocess.run(start, env=env, capture_output=True, text=True, timeout=60)
    assert started.returncode == 0, started.stderr
