"""A password the administrator issues is used once: its holder sets their own at the next
login before doing anything else; anyone may change their own password."""

import pytest

from yingshang.audit.models import AuditEvent
from yingshang.testing.personas import PASSWORD
from yingshang.useradmin import services

pytestmark = pytest.mark.django_db
NEW = "Sthj2026newpass"


def _login(client, username, password):
    r = client.post("/login/", {"username": username, "password": password})
    assert r.status_code == 302, r.content.decode()[:500]
    return r


def test_an_issued_password_must_be_replaced_before_anything_else(personas, client):
    issued = services.user_reset_password(actor=personas.admin, user=personas.handler_b)
    _login(client, "handler_b", issued)
    r = client.get("/staff/")
    assert r.status_code == 302 and r.url == "/staff/password/"
    assert 'data-testid="must-change"' in client.get("/staff/password/").content.decode()
    r = client.post("/staff/password/", {"current": issued, "new": "short1", "repeat": "short1"})
    assert r.status_code == 200 and 'class="alert alert-danger"' in r.content.decode()
    personas.handler_b.refresh_from_db()
    assert personas.handler_b.check_password(issued)  # a weak new password changes nothing
    r = client.post("/staff/password/", {"current": issued, "new": NEW, "repeat": NEW})
    assert r.status_code == 302
    assert client.get("/staff/").status_code == 200  # still logged in, free to work
    personas.handler_b.refresh_from_db()
    assert personas.handler_b.check_password(NEW)
    assert AuditEvent.objects.filter(action="user.change_password").count() == 1
    assert not services.must_change_password(personas.handler_b)
    # next login: no detour
    client.post("/logout/")
    _login(client, "handler_b", NEW)
    assert client.get("/staff/").status_code == 200


def test_wrong_current_password_or_mismatch_is_refused(personas, client):
    _login(client, "handler_b", PASSWORD)
    r = client.post("/staff/password/", {"current": "nope", "new": NEW, "repeat": NEW})
    assert "当前密码不正确" in r.content.decode()
    r = client.post("/staff/password/", {"current": PASSWORD, "new": NEW, "repeat": NEW + "x"})
    assert "两次输入的新密码不一致" in r.content.decode()
    personas.handler_b.refresh_from_db()
    assert personas.handler_b.check_password(PASSWORD)


def test_people_without_an_issued_password_are_not_detoured(personas, client):
    _login(client, "handler_b", PASSWORD)
    assert client.get("/staff/").status_code == 200
