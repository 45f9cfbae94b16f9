"""Malformed and hostile input gets a 4xx in the format of the part of the site it was sent to,
never a 500 (apiaccess.middleware.HostileInputMiddleware, the API's error handlers)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
ORDERS = "/api/v1/hotline/orders"


def _error(response, status, code=None):
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["message"]
    if code:
        assert body["code"] == code
    return body


@pytest.mark.parametrize(
    "query",
    ["q=a%00b", "status=%00", "a%00=1"],
)
def test_nul_in_an_api_query_is_400(personas, api_client, query):
    _error(api_client(personas.operator).get(f"{ORDERS}?{query}"), 400, "INVALID_CHARACTER")


def test_nul_in_a_json_field_is_400_and_nothing_is_stored(personas, api_client):
    from yingshang.hotline.models import WorkOrder

    response = api_client(personas.operator).post(
        ORDERS,
        {"content": "路灯不亮已经三天了\x00", "caller_phone": "13700001111"},
        content_type="application/json",
    )
    _error(response, 400, "INVALID_CHARACTER")
    assert not WorkOrder.objects.exists()


def test_nul_in_a_page_form_is_400_with_a_chinese_page(client):
    response = client.post("/hotline/lookup/", {"number": "GD1\x00", "phone": "1"})  # multipart
    assert response.status_code == 400
    assert "不允许的控制字符" in response.content.decode()
    response = client.post(
        "/hotline/lookup/",
        "number=GD1%00&phone=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400


def test_nul_in_an_open311_query_is_an_open311_error(client):
    response = client.get("/open311/v2/requests.json?service_code=a%00")
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


@pytest.mark.parametrize(
    "url",
    [
        f"{ORDERS}?offset=-1",
        f"{ORDERS}?offset=99999999999999999999",
        f"{ORDERS}?limit=-5",
        f"{ORDERS}?unit_id=9223372036854775808",
        f"{ORDERS}/9223372036854775808",
        "/api/v1/cases/cases?offset=-3",
        "/api/v1/ratings/ratings?offset=18446744073709551616",
    ],
)
def test_numbers_beyond_64_bits_and_negative_offsets_are_400(personas, api_client, url):
    _error(api_client(personas.supervisor).get(url), 400, "VALUE_OUT_OF_RANGE")


def test_an_id_beyond_64_bits_in_a_page_url_is_400(login, personas):
    response = login(personas.operator).get("/staff/hotline/orders/99999999999999999999/")
    assert response.status_code == 400


def test_multipart_without_boundary_is_400(personas, api_client):
    response = api_client(personas.operator).post(
        ORDERS, b"--x\r\n", content_type="multipart/form-data"
    )
    _error(response, 400, "MALFORMED_REQUEST")


def test_a_48_mb_json_body_is_413(personas, api_client):
    body = b'{"content":"' + b"a" * (48 * 1024 * 1024) + b'"}'
    response = api_client(personas.operator).post(ORDERS, body, content_type="application/json")
    _error(response, 413, "REQUEST_TOO_LARGE")


def test_a_15_mb_text_field_is_refused(personas, api_client):
    from yingshang.hotline.models import WorkOrder

    response = api_client(personas.applicant).post(
        ORDERS, {"content": "a" * (15 * 1024 * 1024)}, content_type="application/json"
    )
    _error(response, 400, "FIELD_TOO_LONG")
    assert not WorkOrder.objects.exists()


def test_a_text_field_over_its_max_length_is_422_naming_it(personas, api_client):
    response = api_client(personas.applicant).post(
        ORDERS, {"content": "诉" * 4001}, content_type="application/json"
    )
    assert _error(response, 422, "VALIDATION_ERROR")["details"]["fields"].keys() == {"content"}


def test_anonymous_api_post_is_401_not_a_csrf_403():
    client = Client(enforce_csrf_checks=True)
    _error(client.post(ORDERS, {}, content_type="application/json"), 401, "UNAUTHENTICATED")


def test_logged_in_browser_post_without_csrf_token_is_still_refused(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.operator, backend="yingshang.org.auth.UsernameOrMobileBackend")
    response = client.post(ORDERS, {"content": "x" * 20}, content_type="application/json")
    assert response.status_code == 403


def test_unknown_api_path_is_a_json_404():
    _error(Client().get("/api/v1/no/such/thing"), 404, "NOT_FOUND")


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
@pytest.mark.parametrize(
    "url", ["/open311/v2/requests.json", "/open311/v2/services.xml", "/open311/v2/discovery.json"]
)
def test_open311_answers_other_methods_with_405(method, url):
    response = getattr(Client(enforce_csrf_checks=True), method)(url)
    assert response.status_code == 405
    assert "GET" in response["Allow"]


def test_openapi_documents_the_error_responses_with_the_error_schema():
    doc = Client().get("/api/v1/openapi.json").json()
    assert {"code", "message", "details"} <= set(
        doc["components"]["schemas"]["Error"]["properties"]
    )
    create = doc["paths"]["/api/v1/hotline/orders"]["post"]["responses"]
    for status in ("400", "401", "403", "404", "409", "422", "429"):
        assert create[status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
    public = doc["paths"]["/api/v1/health"]["get"]["responses"]
    assert "401" not in public and "400" in public


@pytest.mark.parametrize(
    "query", ["end_date=0001-01-01T00:00:00Z", "start_date=9999-12-31T23:59:59Z"]
)
def test_open311_dates_outside_the_calendar_are_400(client, query):
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "12026-01-01"])
def test_dates_outside_the_calendar_are_400_on_pages_and_the_api(login, personas, api_client, day):
    page = login(personas.supervisor).get(f"/staff/audit/?since={day}&until={day}")
    assert page.status_code == 400
    _error(
        api_client(personas.supervisor).get(f"{ORDERS}?since={day}T00:00:00"),
        400,
        "VALUE_OUT_OF_RANGE",
    )
