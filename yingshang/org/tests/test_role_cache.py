import pytest
from django.urls import reverse

from yingshang.org import services
from yingshang.org.models import RoleAssignment
from yingshang.org.roles import Role

pytestmark = pytest.mark.django_db


def test_a_revoked_role_stops_working_at_the_next_request(login, personas):
    """Roles are read once per process while unchanged; a revocation applies at once."""
    client = login(personas.handler_a)
    page = reverse("cases:my_tasks")
    assert client.get(page).status_code == 200
    assert client.get(page).status_code == 200  # served from the role cache
    assignment = RoleAssignment.objects.get(
        user=personas.handler_a, role=Role.DEPT_HANDLER, revoked_at__isnull=True
    )
    services.role_revoke(actor=personas.admin, assignment=assignment, reason="调离岗位")
    assert client.get(page).status_code == 403


def test_a_granted_role_works_at_the_next_request(login, personas):
    client = login(personas.outsider)
    page = reverse("cases:my_tasks")
    assert client.get(page).status_code == 403
    services.role_grant(
        actor=personas.admin, user=personas.outsider, role=Role.DEPT_HANDLER, unit=personas.unit_a
    )
    assert client.get(page).status_code == 200
