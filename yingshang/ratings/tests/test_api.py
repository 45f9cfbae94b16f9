import json

import pytest
from django.test import Client

from yingshang.ratings import links
from yingshang.ratings.models import Rating, Rectification

pytestmark = pytest.mark.django_db


def _post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def test_applicant_rates_through_the_app_api_idempotently(api_client, personas, make_case):
    case = make_case()
    client = api_client(personas.applicant)
    body = {"object": "case", "id": case.pk, "level": 1, "problems": ["slow"], "comment": "太慢"}
    first = _post(client, "/api/v1/ratings/ratings", body, HTTP_IDEMPOTENCY_KEY="k1")
    again = _post(client, "/api/v1/ratings/ratings", body, HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and first.json()["channel"] == "app_api"
    assert first.json()["rectification_id"] == Rectification.objects.get().pk
    assert Rating.objects.count() == 1
    second = _post(client, "/api/v1/ratings/ratings", body)
    assert second.status_code == 409 and second.json()["code"] == "RATING_ALREADY_GIVEN"


def test_staff_rating_through_api_is_refused_with_stable_code(api_client, personas, make_case):
    case = make_case()
    response = _post(
        api_client(personas.supervisor),
        "/api/v1/ratings/ratings",
        {"object": "case", "id": case.pk, "level": 5},
    )
    assert response.status_code == 403 and response.json()["code"] == "STAFF_CANNOT_RATE"
    assert not Rating.objects.exists()


def test_out_of_scope_case_is_404_and_bad_level_is_422(api_client, personas, make_case):
    case = make_case()
    client = api_client(personas.outsider)
    assert (
        _post(
            client, "/api/v1/ratings/ratings", {"object": "case", "id": case.pk, "level": 5}
        ).status_code
        == 404
    )
    bad = _post(
        api_client(personas.applicant),
        "/api/v1/ratings/ratings",
        {"object": "case", "id": case.pk, "level": 9},
    )
    assert bad.status_code == 422 and bad.json()["code"] == "VALIDATION_ERROR"


def test_signed_link_api_needs_no_login_and_rejects_tampering(personas, make_case):
    case = make_case()
    token = links.make_token("case", case.pk, "deliver")
    client = Client()
    forged = _post(client, "/api/v1/ratings/ratings/by-link", {"token": token + "x", "level": 5})
    assert forged.status_code == 400 and forged.json()["code"] == "RATING_LINK_INVALID"
    ok = _post(
        client, "/api/v1/ratings/ratings/by-link", {"token": token, "level": 4, "anonymous": True}
    )
    assert (
        ok.status_code == 201
        and ok.json()["anonymous"] is True
        and ok.json()["object_number"] is None
    )
    assert Rating.objects.get().rater_id is None


def test_rectification_moves_and_stats_through_api(api_client, personas, make_case):
    case = make_case()
    _post(
        api_client(personas.applicant),
        "/api/v1/ratings/ratings",
        {"object": "case", "id": case.pk, "level": 2},
    )
    rect = Rectification.objects.get()
    unit = api_client(personas.handler_a)
    other = api_client(personas.handler_b)
    assert (
        _post(
            other,
            f"/api/v1/ratings/rectifications/{rect.pk}/moves",
            {"action": "verify", "note": "x"},
        ).status_code
        == 404
    )
    r = _post(
        unit,
        f"/api/v1/ratings/rectifications/{rect.pk}/moves",
        {"action": "verify", "note": "属实"},
    )
    assert r.status_code == 200 and r.json()["status"] == "rectifying"
    r = _post(unit, f"/api/v1/ratings/rectifications/{rect.pk}/moves", {"action": "close"})
    assert r.status_code == 403 and r.json()["code"] == "RECTIFICATION_FORBIDDEN"
    stats = api_client(personas.supervisor).get("/api/v1/ratings/stats?group=unit").json()
    row = next(s for s in stats if s["key"] == str(personas.unit_a.pk))
    assert row["total"] == 1 and row["bad"] == 1 and row["satisfaction"] == 0.0
    assert other.get("/api/v1/ratings/ratings").json() == []


def test_appeal_through_api(api_client, personas, make_case):
    case = make_case()
    _post(
        api_client(personas.applicant),
        "/api/v1/ratings/ratings",
        {"object": "case", "id": case.pk, "level": 1},
    )
    rating = Rating.objects.get()
    r = _post(
        api_client(personas.head_a),
        f"/api/v1/ratings/ratings/{rating.pk}/appeals",
        {"kind": "mistaken", "reason": "误评"},
    )
    assert r.status_code == 201
    d = _post(
        api_client(personas.supervisor),
        f"/api/v1/ratings/appeals/{r.json()['id']}/decision",
        {"upheld": True, "reason": "属实"},
    )
    assert d.status_code == 200 and d.json()["status"] == "upheld"
    rating.refresh_from_db()
    assert rating.excluded


def test_scheme_is_public(client):
    data = client.get("/api/v1/ratings/schemes/onsite").json()
    assert [d["label"] for d in data["dimensions"]] == [
        "整体满意度",
        "服务效率",
        "服务水平",
        "服务态度",
    ]


def test_openapi_documents_the_rating_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/ratings/ratings",
        "/api/v1/ratings/ratings/by-link",
        "/api/v1/ratings/stats",
        "/api/v1/ratings/rectifications/{rect_id}/moves",
        "/api/v1/ratings/appeals/{appeal_id}/decision",
    ):
        assert path in paths, path


def test_public_link_api_is_limited_per_ip_but_the_app_api_is_not(api_client, personas, make_case):
    from yingshang.ratings.models import RatingSettings

    RatingSettings.objects.create(pk=1, public_per_ip_per_minute=2)
    client = Client()
    codes = [
        _post(client, "/api/v1/ratings/ratings/by-link", {"token": "bad", "level": 5}).status_code
        for _ in range(3)
    ]
    assert codes == [400, 400, 429]
    app = api_client(personas.applicant)
    for _ in range(3):
        case = make_case()
        assert (
            _post(
                app, "/api/v1/ratings/ratings", {"object": "case", "id": case.pk, "level": 5}
            ).status_code
            == 201
        )
