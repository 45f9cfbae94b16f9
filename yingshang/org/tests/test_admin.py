import pytest

from yingshang.audit.models import AuditEvent
from yingshang.org.models import RoleAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def superadmin(personas):
    personas.admin.is_staff = True
    personas.admin.is_superuser = True
    personas.admin.save()
    return personas.admin


def test_admin_lists_units_users_and_assignments(login, superadmin):
    client = login(superadmin)
    for url in (
        "/admin/org/unit/",
        "/admin/org/user/",
        "/admin/org/roleassignment/",
        "/admin/audit/auditevent/",
    ):
        assert client.get(url).status_code == 200, url


def test_granting_a_role_in_admin_goes_through_the_service(login, superadmin, personas):
    client = login(superadmin)
    response = client.post(
        "/admin/org/roleassignment/add/",
        {"user": personas.handler_b.pk, "role": "dept_head", "unit": personas.unit_b.pk},
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(
        user=personas.handler_b, role="dept_head", revoked_at__isnull=True
    ).exists()
    assert AuditEvent.objects.filter(action="role.grant").exists()


def test_nothing_can_be_deleted_in_admin(login, superadmin, personas):
    client = login(superadmin)
    assert client.get(f"/admin/org/unit/{personas.unit_a.pk}/delete/").status_code == 403
    assert client.get(f"/admin/org/user/{personas.handler_a.pk}/delete/").status_code == 403


def test_audit_events_are_read_only_in_admin(login, superadmin):
    client = login(superadmin)
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
