"""The admin page of integration keys: issue (secret shown once), scope, rotate, revoke —
each audited, and each felt by the system calling the API or Open311."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yingshang.apiaccess import keys
from yingshang.apiaccess.models import ApiToken
from yingshang.audit.models import AuditEvent
from yingshang.errors import DomainError
from yingshang.open311.tests.conftest import topics  # noqa: F401 (fixture)
from yingshang.open311.tests.test_open311 import good, post_form

pytestmark = pytest.mark.django_db
PAGE = "/staff/integration-keys/"


def _issue(client, personas, areas=("hotline", "org"), **extra):
    data = {
        "name": "市12345平台",
        "unit": personas.hotline_centre.pk,
        "role": "hotline_operator",
        "areas": list(areas),
        **extra,
    }
    return client.post(PAGE, data)


def _secret(client) -> str:
    page = client.get(PAGE).content.decode()
    match = re.search(r'data-testid="new-key"[^>]*>(ys_[^<]+)<', page)
    assert match, "the new secret is shown on the page"
    return match.group(1)


def test_only_admins_open_the_page(client, personas):
    client.force_login(personas.supervisor)
    assert client.get(PAGE).status_code == 403
    client.force_login(personas.admin)
    page = client.get(PAGE)
    assert page.status_code == 200 and "系统集成密钥" in page.content.decode()


def test_issue_shows_the_secret_once_and_the_key_works_only_in_its_areas(client, personas):
    client.force_login(personas.admin)
    response = _issue(client, personas, areas=["hotline", "org"])
    assert response.status_code == 302
    secret = _secret(client)
    assert secret not in client.get(PAGE).content.decode()  # shown once
    key = ApiToken.objects.get(kind="integration")
    assert key.areas == ["hotline", "org"] and key.unit == personas.hotline_centre
    assert key.digest != secret
    event = AuditEvent.objects.get(action="apikey.issue")
    assert event.actor == personas.admin and secret not in str(event.changes)

    system = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    me = system.get("/api/v1/org/me").json()
    assert me["roles"] == [{"role": "hotline_operator", "unit": personas.hotline_centre.name}]
    assert system.get("/api/v1/hotline/orders").status_code == 200
    refused = system.get("/api/v1/cases")
    assert refused.status_code == 403 and refused.json()["code"] == "KEY_SCOPE_FORBIDDEN"
    # and through the X-API-Key header too
    assert Client(HTTP_X_API_KEY=secret).get("/api/v1/cases").status_code == 403


def test_bad_input_is_refused_with_a_message_and_nothing_saved(client, personas):
    client.force_login(personas.admin)
    response = _issue(client, personas, areas=[])
    assert response.status_code == 400 and "请至少选择一个" in response.content.decode()
    assert "市12345平台" in response.content.decode()  # what was typed stays
    response = _issue(client, personas, areas=["nuclear"])
    assert response.status_code == 400 and "未知的接口范围" in response.content.decode()
    response = _issue(client, personas, expires_on="2020-01-01")
    assert response.status_code == 400
    response = _issue(client, personas, expires_on="明天")
    assert response.status_code == 400 and "YYYY-MM-DD" in response.content.decode()
    assert not ApiToken.objects.filter(kind="integration").exists()


def test_open311_needs_the_open311_area(client, personas, topics):  # noqa: F811
    client.force_login(personas.admin)
    _issue(client, personas, areas=["hotline"])
    secret = _secret(client)
    resp = post_form(Client(), "requests.json", good(secret))
    assert resp.status_code == 403
    key = ApiToken.objects.get(kind="integration")
    client.post(
        reverse("apiaccess:key_scope", args=[key.pk]),
        {"areas": ["hotline", "open311"], "reason": "开通城市APP上报"},
    )
    key.refresh_from_db()
    assert key.areas == ["hotline", "open311"]  # sorted
    assert AuditEvent.objects.get(action="apikey.scope").reason == "开通城市APP上报"
    assert post_form(Client(), "requests.json", good(secret)).status_code == 201


def test_rotate_issues_a_new_secret_and_ends_the_old_one_after_the_grace(client, personas):
    client.force_login(personas.admin)
    _issue(client, personas)
    old_secret = _secret(client)
    old = ApiToken.objects.get(kind="integration")
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        client.post(
            reverse("apiaccess:key_rotate", args=[old.pk]), {"grace_hours": "2", "reason": "定期"}
        )
        new_secret = _secret(client)
    assert new_secret != old_secret
    new = ApiToken.objects.get(rotated_from=old)
    assert new.user_id == old.user_id and new.areas == old.areas
    assert AuditEvent.objects.filter(action="apikey.rotate", object_id=str(old.pk)).exists()
    with time_machine.travel(now + dt.timedelta(hours=1)):
        assert Client(HTTP_X_API_KEY=old_secret).get("/api/v1/org/me").status_code == 200
    with time_machine.travel(now + dt.timedelta(hours=3)):
        assert Client(HTTP_X_API_KEY=old_secret).get("/api/v1/org/me").status_code == 401
        assert Client(HTTP_X_API_KEY=new_secret).get("/api/v1/org/me").status_code == 200
    # rotating the same old key twice is refused
    again = client.post(reverse("apiaccess:key_rotate", args=[old.pk]), {"grace_hours": "0"})
    assert again.status_code == 409


def test_revoke_needs_a_reason_and_stops_the_key_at_once(client, personas):
    client.force_login(personas.admin)
    _issue(client, personas)
    secret = _secret(client)
    key = ApiToken.objects.get(kind="integration")
    url = reverse("apiaccess:key_revoke", args=[key.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert Client(HTTP_X_API_KEY=secret).get("/api/v1/org/me").status_code == 200
    assert client.post(url, {"reason": "对接系统下线"}).status_code == 302
    assert Client(HTTP_X_API_KEY=secret).get("/api/v1/org/me").status_code == 401
    assert AuditEvent.objects.get(action="apikey.revoke").reason == "对接系统下线"
    assert "已撤销" in client.get(PAGE).content.decode()


def test_non_admins_cannot_manage_keys_through_the_services(personas):
    with pytest.raises(DomainError) as err:
        keys.key_issue(
            actor=personas.supervisor,
            name="x",
            unit=personas.unit_a,
            role="dept_handler",
            areas=["cases"],
        )
    assert err.value.code == "KEY_FORBIDDEN"


def test_personal_tokens_are_not_limited_by_areas(personas, api_client):
    assert api_client(personas.clerk).get("/api/v1/cases").status_code == 200


def test_every_api_path_belongs_to_an_area_a_key_can_be_given():
    from yingshang.api import api

    paths = api.get_openapi_schema()["paths"]
    areas = {keys.area_of(p) for p in paths if not p.endswith("/health")}
    assert areas and areas <= set(keys.AREAS), areas - set(keys.AREAS)
