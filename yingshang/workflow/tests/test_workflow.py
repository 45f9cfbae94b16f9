"""The kit's rules, once for every module: who is an actor, what a refusal says, which role the
audit log records."""

import pytest
from django.db import transaction
from django.http import Http404

from yingshang import workflow
from yingshang.audit.models import AuditEvent
from yingshang.errors import DomainError, PermissionDeniedError
from yingshang.org import scope
from yingshang.org.models import Unit, User
from yingshang.org.roles import Role
from yingshang.transitions import TransitionTable

# a state table over Unit.kind, so the kit can be exercised without a module's own models
KINDS = TransitionTable(
    "unit-kind",
    [("promote", {"section"}, "department"), ("rename", {"section", "department"}, None)],
    error_prefix="UNIT",
    state_field="kind",
)


def _abilities(grants, unit):
    mine = unit.pk in grants.units(Role.DEPT_HEAD)
    return {
        "promote": workflow.allow(mine, "UNIT_NOT_YOURS", "不是本单位的事项"),
        "rename": mine,
    }


@pytest.fixture
def unit_abilities(monkeypatch):
    monkeypatch.setitem(scope._abilities, Unit, _abilities)
    monkeypatch.setitem(
        workflow._role_rules,
        Unit,
        lambda g, unit: (
            (Role.DEPT_HEAD, unit) if unit.pk in g.units(Role.DEPT_HEAD) else ("", None)
        ),
    )


@pytest.mark.django_db(transaction=True)
def test_none_is_not_an_actor_system_is(personas):
    with transaction.atomic():
        with pytest.raises(TypeError):
            workflow.acquire(None, Unit, personas.unit_a.pk)
        unit = workflow.acquire(workflow.SYSTEM, Unit, personas.unit_a.pk)
        assert unit == personas.unit_a
        event = workflow.record(workflow.SYSTEM, "unit.touch", unit, after={"name": unit.name})
    assert (event.actor_id, event.role, event.unit_id) == (None, "", None)


@pytest.mark.django_db(transaction=True)
def test_out_of_scope_and_missing_are_the_same_404(personas):
    with transaction.atomic():
        # users are scoped: an applicant sees only himself
        for pk in (personas.clerk.pk, 10**9, 2**70, "abc", ""):
            with pytest.raises(Http404):
                workflow.acquire(personas.applicant, User, pk)
        assert workflow.acquire(personas.applicant, User, personas.applicant.pk)


@pytest.mark.django_db(transaction=True)
def test_refusals_say_why_and_wrong_state_is_the_precise_409(personas, unit_abilities):
    section = Unit.objects.create(code="sec", name="股室", kind="section", parent=personas.unit_a)
    with transaction.atomic(), pytest.raises(PermissionDeniedError) as refused:
        workflow.acquire(personas.handler_b, Unit, section.pk, action="promote", table=KINDS)
    assert (refused.value.code, refused.value.message) == ("UNIT_NOT_YOURS", "不是本单位的事项")
    assert refused.value.status == 403

    # a bare False: the table's generic code
    with transaction.atomic(), pytest.raises(PermissionDeniedError) as refused:
        workflow.acquire(personas.handler_b, Unit, section.pk, action="rename", table=KINDS)
    assert refused.value.code == "UNIT_FORBIDDEN"

    # not a section: the move itself is impossible, whoever asks
    with transaction.atomic(), pytest.raises(DomainError) as wrong:
        workflow.acquire(
            personas.handler_b, Unit, personas.unit_a.pk, action="promote", table=KINDS
        )
    assert (wrong.value.code, wrong.value.status) == ("UNIT_PROMOTE_NOT_ALLOWED", 409)


@pytest.mark.django_db(transaction=True)
def test_allowed_move_is_locked_and_recorded_in_the_capacity_of_the_rule(personas, unit_abilities):
    from yingshang.org.services import role_grant

    section = Unit.objects.create(code="sec", name="股室", kind="section", parent=personas.unit_a)
    role_grant(actor=personas.admin, user=personas.handler_b, role=Role.DEPT_HEAD, unit=section)
    boss = User.objects.get(pk=personas.handler_b.pk)
    with transaction.atomic():
        unit = workflow.acquire(boss, Unit, section.pk, action="promote", table=KINDS)
        before = workflow.snapshot(unit, "kind")
        unit.kind = KINDS.target("promote", unit.kind)
        unit.save(update_fields=["kind"])
        workflow.record(boss, "unit.promote", unit, before=before, after={"kind": unit.kind})
    event = AuditEvent.objects.get(action="unit.promote")
    assert (event.role, event.unit_id, event.actor_id) == (Role.DEPT_HEAD, section.pk, boss.pk)
    assert event.changes == {"kind": ["section", "department"]}


def test_denied_is_falsy_and_carries_its_reason():
    no = workflow.Denied("CASE_MATERIALS_MISSING", "材料未补齐")
    assert not no and no == False  # noqa: E712 (templates and old callers compare with False)
    assert workflow.reason({"accept": no}, "accept") == "材料未补齐"
    assert workflow.reason({"accept": True}, "accept") == ""
    assert workflow.allow(True, "X", "y") is True


@pytest.mark.django_db(transaction=True)
def test_lock_rereads_the_row_and_gates_it(personas, unit_abilities):
    section = Unit.objects.create(code="sec", name="股室", kind="section", parent=personas.unit_a)
    stale = Unit.objects.get(pk=section.pk)
    Unit.objects.filter(pk=section.pk).update(kind="department")  # someone moved it meanwhile
    with transaction.atomic(), pytest.raises(DomainError) as wrong:
        workflow.lock(workflow.SYSTEM, stale, action="promote", table=KINDS)
    assert wrong.value.code == "UNIT_PROMOTE_NOT_ALLOWED"  # judged on the fresh row
    with transaction.atomic(), pytest.raises(PermissionDeniedError):
        workflow.lock(personas.handler_b, stale, action="rename", table=KINDS)
