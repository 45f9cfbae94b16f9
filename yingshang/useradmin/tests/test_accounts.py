"""账号管理: only the administrator; create with a one-time password shown once; grant and
revoke roles; deactivate (never delete) and re-enable; every change audited."""

import pytest

from yingshang.audit.models import AuditEvent
from yingshang.org.models import RoleAssignment, User
from yingshang.testing.personas import PEOPLE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", [p for p in PEOPLE if p != "admin"])
def test_only_the_admin_opens_account_management(personas, login, who):
    client = login(personas.by_role(who))
    for url in ("/staff/accounts/", "/staff/org-units/", "/staff/accounts/new/"):
        assert client.get(url).status_code in (302, 403), (who, url)
    r = client.post(f"/staff/accounts/{personas.handler_b.pk}/deactivate/", {"reason": "离职"})
    assert r.status_code in (302, 403, 404)
    personas.handler_b.refresh_from_db()
    assert personas.handler_b.is_active


def test_admin_lists_and_searches_accounts(personas, login):
    client = login(personas.admin)
    page = client.get("/staff/accounts/", {"q": "handler_b"}).content.decode()
    assert "handler_b" in page and "handler_a" not in page
    page = client.get("/staff/accounts/", {"unit": personas.unit_a.pk}).content.decode()
    assert "handler_a" in page and "handler_b" not in page


def test_admin_creates_a_handler_with_a_password_shown_once(personas, login, client):
    admin = login(personas.admin)
    r = admin.post(
        "/staff/accounts/new/",
        {
            "username": "sthj_new",
            "real_name": "生态-新人",
            "mobile": "13900000777",
            "role": "dept_handler",
            "unit": personas.unit_b.pk,
        },
    )
    user = User.objects.get(username="sthj_new")
    assert r.status_code == 302 and r.url == f"/staff/accounts/{user.pk}/"
    page = admin.get(r.url).content.decode()
    marker = 'data-testid="new-password" class="user-select-all fs-5">'
    password = page.split(marker)[1].split("<")[0]
    assert len(password) == 12
    assert marker not in admin.get(r.url).content.decode()  # shown once
    assert RoleAssignment.objects.filter(
        user=user, role="dept_handler", unit=personas.unit_b, revoked_at__isnull=True
    ).exists()
    assert user.check_password(password)
    actions = set(AuditEvent.objects.filter(actor=personas.admin).values_list("action", flat=True))
    assert {"user.create", "role.grant", "user.reset_password"} <= actions
    assert not AuditEvent.objects.filter(changes__icontains=password).exists()


def test_a_taken_username_is_refused_with_a_message_and_the_form_kept(personas, login):
    r = login(personas.admin).post(
        "/staff/accounts/new/", {"username": "handler_a", "real_name": "重名"}
    )
    page = r.content.decode()
    assert r.status_code == 200 and "用户名已被使用" in page and "重名" in page


def test_deactivate_and_reactivate_are_audited_and_never_delete(personas, login, client):
    admin = login(personas.admin)
    url = f"/staff/accounts/{personas.handler_b.pk}/"
    admin.post(url + "deactivate/", {"reason": "调离本单位"})
    personas.handler_b.refresh_from_db()
    assert (
        not personas.handler_b.is_active and User.objects.filter(pk=personas.handler_b.pk).exists()
    )
    event = AuditEvent.objects.get(action="user.deactivate")
    assert event.reason == "调离本单位"
    admin.post(url + "reactivate/", {"reason": "返岗"})
    personas.handler_b.refresh_from_db()
    assert personas.handler_b.is_active
    assert AuditEvent.objects.filter(action="user.reactivate").exists()


def test_the_admin_cannot_deactivate_itself(personas, login):
    admin = login(personas.admin)
    r = admin.post(
        f"/staff/accounts/{personas.admin.pk}/deactivate/", {"reason": "测试"}, follow=True
    )
    assert "不能停用自己的账号" in r.content.decode()
    personas.admin.refresh_from_db()
    assert personas.admin.is_active


def test_reset_password_replaces_the_old_one(personas, login):
    admin = login(personas.admin)
    r = admin.post(f"/staff/accounts/{personas.handler_b.pk}/password/", follow=True)
    page = r.content.decode()
    assert 'data-testid="new-password"' in page
    personas.handler_b.refresh_from_db()
    from yingshang.testing.personas import PASSWORD

    assert not personas.handler_b.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="user.reset_password").count() == 1


def test_grant_and_revoke_a_role(personas, login):
    admin = login(personas.admin)
    url = f"/staff/accounts/{personas.handler_b.pk}/"
    admin.post(url + "roles/", {"role": "dept_head", "unit": personas.unit_b.pk})
    grant = RoleAssignment.objects.get(user=personas.handler_b, role="dept_head")
    admin.post(url + f"roles/{grant.pk}/revoke/", {"reason": "任职期满"})
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoke_reason == "任职期满"
    assert AuditEvent.objects.filter(action="role.revoke", reason="任职期满").exists()
    # a unit role without a unit is refused with the service's message
    r = admin.post(url + "roles/", {"role": "dept_head", "unit": ""}, follow=True)
    assert "该角色必须指定所在单位" in r.content.decode()
