"""The catalogue's rules, each stated once: who may maintain a matter or a package (the
abilities, swept over every persona), in which capacity the audit log records it, which
matters are public."""

import pytest
from django.http import Http404

from yingshang import workflow
from yingshang.audit.models import AuditEvent
from yingshang.catalog import selectors, services
from yingshang.catalog.models import Package
from yingshang.catalog.tests.factories import MatterFactory, PackageFactory
from yingshang.errors import DomainError, PermissionDeniedError
from yingshang.org import scope
from yingshang.testing.personas import PEOPLE

pytestmark = pytest.mark.django_db

PERSONAS = list(PEOPLE)

MATTER_MOVES = {
    "revise": lambda user, m: services.matter_revise(
        actor=user, matter=m, changes={"fee": "按规定收费"}, note="调整收费"
    ),
    "deactivate": lambda user, m: services.matter_deactivate(actor=user, matter=m, reason="取消"),
}


@pytest.mark.parametrize("move", sorted(MATTER_MOVES))
@pytest.mark.parametrize("who", PERSONAS)
def test_matter_role_sweep_follows_the_abilities(personas, who, move):
    """Each persona either maintains the unit-A matter or is refused with the reason the
    abilities give (it is public, so everyone sees it: 403, never 404)."""
    matter = MatterFactory(actor=personas.admin, unit=personas.unit_a)
    user = personas.by_role(who)
    may = scope.abilities(user, matter)[move]
    if may:
        MATTER_MOVES[move](user, matter)
    else:
        with pytest.raises(PermissionDeniedError) as exc:
            MATTER_MOVES[move](user, matter)
        assert exc.value.code == "CATALOG_FORBIDDEN"
        assert exc.value.message == workflow.reason(scope.abilities(user, matter), move)
    matter.refresh_from_db()
    changed = matter.current_version.version == 2 if move == "revise" else not matter.is_active
    assert changed == bool(may)
    assert bool(may) == (who in ("admin", "head_a"))


@pytest.mark.parametrize("who", PERSONAS)
def test_deactivate_page_role_sweep_follows_the_abilities(personas, login, who):
    matter = MatterFactory(actor=personas.admin, unit=personas.unit_a)
    user = personas.by_role(who)
    may = bool(scope.abilities(user, matter)["deactivate"])
    r = login(user).post(f"/staff/catalog/matters/{matter.pk}/deactivate/", {"reason": "取消"})
    matter.refresh_from_db()
    assert matter.is_active is not may
    assert r.status_code == (302 if may else 403)


@pytest.mark.parametrize("who", PERSONAS)
def test_package_role_sweep_follows_the_abilities(personas, who):
    first = MatterFactory(actor=personas.admin, unit=personas.unit_a)
    second = MatterFactory(actor=personas.admin, unit=personas.unit_b)
    user = personas.by_role(who)
    may = scope.abilities(user, Package(lead_unit=personas.unit_a))["create"]
    if may:
        PackageFactory(actor=user, lead_unit=personas.unit_a, matters=[first, second])
    else:
        with pytest.raises(PermissionDeniedError) as exc:
            PackageFactory(actor=user, lead_unit=personas.unit_a, matters=[first, second])
        assert exc.value.message == "只有系统管理员可以维护事项目录"
    assert Package.objects.exists() == bool(may) == (who == "admin")


def test_a_head_of_another_unit_is_told_why(personas):
    matter = MatterFactory(actor=personas.admin, unit=personas.unit_b)
    abilities = scope.abilities(personas.head_a, matter)
    assert not abilities["revise"] and not abilities["deactivate"]
    assert workflow.reason(abilities, "revise") == "只有系统管理员或本单位负责人可以维护该事项"


@pytest.mark.parametrize("who, role", [("admin", "admin"), ("head_a", "dept_head")])
def test_the_audit_log_records_the_capacity_and_the_matter_unit(personas, who, role):
    matter = MatterFactory(actor=personas.admin, unit=personas.unit_a)
    services.matter_deactivate(actor=personas.by_role(who), matter=matter, reason="取消")
    event = AuditEvent.objects.get(action="matter.deactivate", object_id=str(matter.pk))
    assert (event.role, event.unit_id) == (role, personas.unit_a.pk)


def test_package_events_belong_to_the_lead_unit_as_administrator(personas):
    matters = [MatterFactory(actor=personas.admin, unit=personas.unit_a) for _ in range(2)]
    package = PackageFactory(actor=personas.admin, lead_unit=personas.unit_b, matters=matters)
    event = AuditEvent.objects.get(action="package.create", object_id=str(package.pk))
    assert (event.role, event.unit_id) == ("admin", personas.unit_b.pk)


# --- one rule for a public matter --------------------------------------------------------------
def test_a_deactivated_matter_is_not_public_anywhere(personas, client, api_client):
    kept = MatterFactory(actor=personas.admin, unit=personas.unit_a, name="保留的许可")
    gone = MatterFactory(actor=personas.admin, unit=personas.unit_a, name="停用的许可")
    services.matter_deactivate(actor=personas.admin, matter=gone, reason="取消")
    gone.refresh_from_db()
    assert selectors.is_public(kept) and not selectors.is_public(gone)
    assert list(selectors.public_matters()) == [kept]
    # the guides and the search show only the public one; its page is gone for the public
    assert [m.pk for m in selectors.matters_for(personas.applicant)] == [kept.pk]
    assert [m.pk for m in selectors.search(personas.applicant, "许可").matters] == [kept.pk]
    assert client.get(f"/catalog/matters/{gone.pk}/").status_code == 404
    with pytest.raises(Http404):
        selectors.matter_for_submission(personas.applicant, gone.pk)
    # a package may not take it
    with pytest.raises(DomainError) as exc:
        PackageFactory(actor=personas.admin, lead_unit=personas.unit_a, matters=[kept, gone])
    assert "停用的许可" in exc.value.message
