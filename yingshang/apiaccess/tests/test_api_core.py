"""The API's shared behaviour: one error format, token auth, idempotency, health, OpenAPI."""

import pytest
from django.test import Client
from ninja import Router, Schema

from yingshang.apiaccess import services
from yingshang.apiaccess.idempotency import idempotent
from yingshang.apiaccess.models import IdempotencyRecord
from yingshang.errors import DomainError


@pytest.mark.django_db
def test_health_is_public():
    response = Client().get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_openapi_document_and_local_docs_page():
    assert Client().get("/api/v1/openapi.json").json()["openapi"].startswith("3.")
    docs = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()


@pytest.mark.django_db
def test_unknown_token_gets_401_in_the_error_format(personas):
    response = Client(HTTP_AUTHORIZATION="Bearer ys_not-a-real-token").get("/api/v1/org/me")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "UNAUTHENTICATED" and body["message"] and "details" in body


@pytest.mark.django_db
def test_personal_token_authenticates_and_revocation_stops_it(personas):
    token, secret = services.token_create(actor=personas.handler_a, name="对接")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    me = client.get("/api/v1/org/me")
    assert me.status_code == 200 and me.json()["username"] == "handler_a"
    assert token.digest != secret and secret not in str(token.__dict__.values())
    services.token_revoke(actor=personas.handler_a, token=token, reason="离职")
    assert client.get("/api/v1/org/me").status_code == 401


@pytest.mark.django_db
def test_api_key_header_works_too(personas):
    _token, secret = services.token_create(actor=personas.operator, name="k")
    assert Client(HTTP_X_API_KEY=secret).get("/api/v1/org/me").json()["username"] == "operator"


@pytest.mark.django_db
def test_integration_key_acts_as_a_system_account_scoped_to_its_unit(personas):
    token, secret = services.token_create(
        actor=personas.admin,
        name="市12345平台",
        kind="integration",
        unit=personas.hotline_centre,
        role="hotline_operator",
    )
    me = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/org/me").json()
    assert me["roles"] == [{"role": "hotline_operator", "unit": personas.hotline_centre.name}]
    assert token.unit == personas.hotline_centre


@pytest.mark.django_db
def test_only_admins_create_integration_keys(personas):
    with pytest.raises(DomainError) as err:
        services.token_create(
            actor=personas.supervisor,
            name="x",
            kind="integration",
            unit=personas.unit_a,
            role="dept_handler",
        )
    assert err.value.code == "TOKEN_FORBIDDEN"


class _Echo(Schema):
    title: str


_calls = []


def _make_router():
    router = Router()

    @router.post("/echo", response={201: dict})
    def echo(request, payload: _Echo):
        def create():
            _calls.append(payload.title)
            return 201, {"id": len(_calls), "title": payload.title}

        return idempotent(request, "test.echo", payload, create)

    return router


@pytest.fixture
def echo_api(rf):
    from ninja import NinjaAPI

    from yingshang.api import _domain_error

    api = NinjaAPI(urls_namespace="echo-test")
    api.add_exception_handler(DomainError, _domain_error)
    api.add_router("/", _make_router())
    _calls.clear()
    return api


@pytest.mark.django_db
def test_retried_post_with_same_key_returns_first_result_without_duplicate(echo_api, rf, personas):
    from ninja.testing import TestClient

    client = TestClient(echo_api)
    first = client.post(
        "/echo", json={"title": "一"}, headers={"Idempotency-Key": "abc"}, user=personas.clerk
    )
    again = client.post(
        "/echo", json={"title": "一"}, headers={"Idempotency-Key": "abc"}, user=personas.clerk
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() == {"id": 1, "title": "一"}
    assert _calls == ["一"]
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db
def test_same_key_with_different_body_is_refused(echo_api, personas):
    from ninja.testing import TestClient

    client = TestClient(echo_api)
    client.post(
        "/echo", json={"title": "一"}, headers={"Idempotency-Key": "abc"}, user=personas.clerk
    )
    response = client.post(
        "/echo", json={"title": "二"}, headers={"Idempotency-Key": "abc"}, user=personas.clerk
    )
    assert response.status_code == 409
    assert response.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert _calls == ["一"]


@pytest.mark.django_db
def test_without_key_each_post_creates(echo_api, personas):
    from ninja.testing import TestClient

    client = TestClient(echo_api)
    client.post("/echo", json={"title": "一"}, user=personas.clerk)
    client.post("/echo", json={"title": "一"}, user=personas.clerk)
    assert _calls == ["一", "一"]


@pytest.mark.django_db
def test_validation_error_names_the_field(personas):
    from yingshang.apiaccess import services as s

    _t, secret = s.token_create(actor=personas.admin, name="t")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").post(
        "/api/v1/org/units", data={"name": "缺少其他字段"}, content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert "code" in body["details"]["fields"] and "kind" in body["details"]["fields"]


@pytest.mark.django_db
def test_out_of_scope_or_missing_unit_is_404_in_error_format(personas):
    from yingshang.apiaccess import services as s

    _t, secret = s.token_create(actor=personas.handler_a, name="t")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/org/units/999999")
    assert response.status_code == 404 and response.json()["code"] == "NOT_FOUND"


@pytest.mark.django_db
def test_domain_error_is_409_with_code(personas):
    from yingshang.apiaccess import services as s

    _t, secret = s.token_create(actor=personas.admin, name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    payload = {
        "parent_id": personas.county.pk,
        "kind": "department",
        "code": "scjg",
        "name": "重复代号",
    }
    response = client.post("/api/v1/org/units", data=payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "UNIT_INVALID"
    assert "code" in response.json()["details"]


@pytest.mark.django_db
def test_token_authenticated_post_needs_no_csrf_but_session_post_does(personas):
    """A real server checks CSRF (the test client normally skips it): a bearer-token POST must
    pass, a session POST without the token must not."""
    _t, secret = services.token_create(actor=personas.admin, name="t")
    payload = {
        "parent_id": personas.county.pk,
        "kind": "department",
        "code": "fgj",
        "name": "发改局",
    }
    token_client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = token_client.post("/api/v1/org/units", data=payload, content_type="application/json")
    assert response.status_code == 201, response.content
    session_client = Client(enforce_csrf_checks=True)
    session_client.force_login(personas.admin, backend="yingshang.org.auth.UsernameOrMobileBackend")
    payload["code"] = "gxj"
    refused = session_client.post(
        "/api/v1/org/units", data=payload, content_type="application/json"
    )
    assert refused.status_code == 403
