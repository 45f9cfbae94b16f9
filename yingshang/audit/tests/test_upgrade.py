"""The upgrade to the keyed chain: events hashed before it keep verifying by their own rule
(scheme 1), new events are keyed, and no existing row is rewritten."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from yingshang import audit
from yingshang.audit import triggers
from yingshang.audit.chain import GENESIS, event_hash
from yingshang.audit.models import AuditEvent

BEFORE = [("audit", "0006_chain_head_function")]


@pytest.mark.django_db(transaction=True)
def test_events_written_before_the_upgrade_still_verify(personas, settings, tmp_path, capsys):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("audit", "AuditEvent")
    prev = GENESIS
    for seq in (1, 2):
        fields = {
            "seq": seq,
            "created_at": timezone.now(),
            "actor_id": personas.admin.pk,
            "role": "",
            "unit_id": None,
            "action": "unit.update",
            "object_type": "org.unit",
            "object_id": str(personas.unit_a.pk),
            "changes": {"phone": ["1", str(seq)]},
            "reason": "",
            "ip": None,
            "prev_hash": prev,
        }
        prev = event_hash(**fields)
        old.objects.create(**fields, actor_name="管理员", hash=prev)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert triggers.missing(connection) == []
    with transaction.atomic():
        audit.record(actor=personas.admin, action="unit.update", obj=personas.unit_a)
    assert list(AuditEvent.objects.order_by("seq").values_list("scheme", flat=True)) == [1, 1, 2]
    assert AuditEvent.objects.get(seq=2).hash == prev  # not rewritten
    call_command("audit", "checkpoint")
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "head: event #3" in out and "keyed since #3" in out and "audit chain intact" in out
