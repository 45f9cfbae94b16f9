import pytest

from yingshang.audit.models import AuditEvent
from yingshang.hotline.models import WorkOrder

pytestmark = pytest.mark.django_db
BODY = {
    "content": "市平台转来：某小区物业乱收费，请核查。",
    "channel": "city",
    "category": "complaint",
    "caller_name": "周八",
    "caller_phone": "13600001234",
    "external_number": "SZ-2026-0001",
    "source_system": "city",
    "topic_code": "scjg-food",
}


def test_city_push_is_idempotent_on_external_number(personas, api_client, topic):
    client = api_client(personas.operator)
    first = client.post("/api/v1/hotline/orders", BODY, content_type="application/json")
    again = client.post("/api/v1/hotline/orders", BODY, content_type="application/json")
    assert first.status_code == 201 and again.status_code == 200
    assert (
        first.json()["id"] == again.json()["id"]
        and first.json()["external_number"] == "SZ-2026-0001"
    )
    assert WorkOrder.objects.count() == 1
    assert AuditEvent.objects.filter(action="hotline.register").count() == 1


def test_idempotency_key_replays_the_first_response(personas, api_client, topic):
    client = api_client(personas.operator)
    body = {**BODY, "external_number": "", "source_system": "", "channel": "phone"}
    a = client.post(
        "/api/v1/hotline/orders", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    b = client.post(
        "/api/v1/hotline/orders", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert a.status_code == b.status_code == 201 and a.json()["id"] == b.json()["id"]
    assert WorkOrder.objects.count() == 1


def test_create_with_bad_input_gives_a_stable_code(personas, api_client, topic):
    r = api_client(personas.operator).post(
        "/api/v1/hotline/orders",
        {**BODY, "caller_phone": "", "external_number": ""},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "HOTLINE_PHONE_REQUIRED"
    r = api_client(personas.operator).post(
        "/api/v1/hotline/orders", {**BODY, "topic_code": "nope"}, content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["code"] == "HOTLINE_TOPIC_UNKNOWN"


def test_handler_cannot_create_orders(personas, api_client):
    r = api_client(personas.handler_a).post(
        "/api/v1/hotline/orders", BODY, content_type="application/json"
    )
    assert r.status_code == 403 and not WorkOrder.objects.exists()


def test_transitions_through_the_api(personas, api_client, topic):
    op, unit = api_client(personas.operator), api_client(personas.handler_a)
    oid = op.post("/api/v1/hotline/orders", BODY, content_type="application/json").json()["id"]
    r = op.post(
        f"/api/v1/hotline/orders/{oid}/dispatch",
        {"main_unit_id": personas.unit_a.pk},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "awaiting_sign"
    refused = op.post(f"/api/v1/hotline/orders/{oid}/sign", {}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "HOTLINE_FORBIDDEN"
    assert (
        unit.post(f"/api/v1/hotline/orders/{oid}/sign", {}, content_type="application/json").json()[
            "status"
        ]
        == "in_progress"
    )
    wrong = unit.post(
        f"/api/v1/hotline/orders/{oid}/return",
        {"reason": "不属于本单位职责"},
        content_type="application/json",
    )
    assert wrong.status_code == 409 and wrong.json()["code"] == "HOTLINE_RETURN_NOT_ALLOWED"
    r = unit.post(
        f"/api/v1/hotline/orders/{oid}/reply",
        {"text": "已核查，责令物业退还多收费用。"},
        content_type="application/json",
    )
    assert r.json()["status"] == "awaiting_review"
    r = op.post(f"/api/v1/hotline/orders/{oid}/approve_reply", {}, content_type="application/json")
    assert r.json()["status"] == "awaiting_callback"
    op.post(
        f"/api/v1/hotline/orders/{oid}/callback",
        {"resolved": True, "satisfied": True},
        content_type="application/json",
    )
    r = op.post(f"/api/v1/hotline/orders/{oid}/close", {}, content_type="application/json")
    assert r.json()["status"] == "closed" and r.json()["satisfied"] is True
    actions = list(
        AuditEvent.objects.filter(object_id=str(oid), object_type="hotline.workorder").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "hotline.register",
        "hotline.dispatch",
        "hotline.sign",
        "hotline.reply",
        "hotline.approve_reply",
        "hotline.callback",
        "hotline.close",
    ]


def test_list_is_limited_to_the_units_orders(personas, api_client, dispatched):
    mine = dispatched()
    assert [
        o["id"] for o in api_client(personas.handler_a).get("/api/v1/hotline/orders").json()
    ] == [mine.pk]
    assert api_client(personas.handler_b).get("/api/v1/hotline/orders").json() == []
    listed = api_client(personas.operator).get("/api/v1/hotline/orders").json()
    assert listed[0]["caller_phone"] == "138****5678"


def test_topics_are_public(client, topic):
    codes = [t["code"] for t in client.get("/api/v1/hotline/topics").json()]
    assert "scjg-food" in codes
