"""REST of the credit file: /api/v1/credit/…"""

import json

import pytest
from django.db import transaction

from yingshang.audit.models import AuditEvent
from yingshang.credit import selectors, services
from yingshang.credit.models import CommitmentText, DishonestListing
from yingshang.org.identifiers import id_check_char

pytestmark = pytest.mark.django_db

BASE = "/api/v1/credit"


def _post(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def test_supervisor_adds_lists_and_removes_through_the_api(api_client, personas):
    client = api_client(personas.supervisor)
    body = {"subject_kind": "firm", "identifier": "91350100M000100Y43", "reason": "恶意欠薪"}
    first = _post(client, f"{BASE}/listings", body, HTTP_IDEMPOTENCY_KEY="l1")
    again = _post(client, f"{BASE}/listings", body, HTTP_IDEMPOTENCY_KEY="l1")
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and DishonestListing.objects.count() == 1
    data = first.json()
    assert data["subject"]["name"] == "测试餐饮有限公司" and data["in_force"] is True
    assert selectors.is_dishonest(personas.firm)

    duplicate = _post(client, f"{BASE}/listings", body)
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "CREDIT_LISTING_EXISTS"
    assert "已在失信名单内" in duplicate.json()["message"]

    listing_id = data["id"]
    empty = _post(client, f"{BASE}/listings/{listing_id}/remove", {"reason": " "})
    assert empty.status_code == 400 and empty.json()["code"] == "DELIST_REASON_REQUIRED"
    removed = _post(client, f"{BASE}/listings/{listing_id}/remove", {"reason": "修复完成"})
    assert removed.status_code == 200
    out = removed.json()
    assert out["active"] is False and out["removal_reason"] == "修复完成"
    assert out["removed_by"] == personas.supervisor.display_name and out["removed_at"]
    assert not selectors.is_dishonest(personas.firm)
    again = _post(client, f"{BASE}/listings/{listing_id}/remove", {"reason": "再次"})
    assert again.status_code == 409 and again.json()["code"] == "LISTING_NOT_ACTIVE"

    rows = client.get(f"{BASE}/listings").json()
    assert [r["id"] for r in rows] == [listing_id]
    assert client.get(f"{BASE}/listings", {"active": "true"}).json() == []
    assert list(
        AuditEvent.objects.filter(object_type="credit.dishonestlisting").values_list(
            "action", flat=True
        )
    ) == ["credit.list", "credit.delist"]


def test_reason_is_required_with_a_stable_code(api_client, personas):
    response = _post(
        api_client(personas.admin),
        f"{BASE}/listings",
        {"subject_kind": "person", "identifier": "13800138000", "reason": ""},
    )
    assert response.status_code == 400 and response.json()["code"] == "LISTING_REASON_REQUIRED"
    assert response.json()["message"] == "请填写列入失信名单的原因"
    assert not DishonestListing.objects.exists()


def test_unknown_or_malformed_subject_has_a_code(api_client, personas):
    client = api_client(personas.supervisor)
    unknown = "34052419900101001" + id_check_char("34052419900101001")  # valid, nobody's
    response = _post(
        client,
        f"{BASE}/listings",
        {"subject_kind": "person", "identifier": unknown, "reason": "x"},
    )
    assert response.status_code == 404 and response.json()["code"] == "CREDIT_SUBJECT_NOT_FOUND"
    response = _post(
        client,
        f"{BASE}/listings",
        {"subject_kind": "firm", "identifier": "91350100M000100Y44", "reason": "x"},
    )
    assert response.status_code == 400 and response.json()["code"] == "USCC_INVALID"
    assert "校验位" in response.json()["message"]


@pytest.mark.parametrize("name", ["handler_a", "clerk", "applicant", "firm_user"])
def test_others_get_403(api_client, personas, name):
    listing = services.listing_add(actor=personas.supervisor, subject_of=personas.firm, reason="x")
    client = api_client(getattr(personas, name))
    for url in (f"{BASE}/listings", f"{BASE}/commitments"):
        response = client.get(url)
        assert response.status_code == 403 and response.json()["code"] == "CREDIT_FORBIDDEN"
    response = _post(
        client,
        f"{BASE}/listings",
        {"subject_kind": "firm", "identifier": "91350100M000100Y43", "reason": "x"},
    )
    assert response.status_code == 403
    response = _post(client, f"{BASE}/listings/{listing.pk}/remove", {"reason": "x"})
    assert response.status_code == 403
    assert DishonestListing.objects.get().active


def test_leader_reads_but_cannot_write(api_client, personas):
    services.listing_add(actor=personas.supervisor, subject_of=personas.applicant, reason="x")
    client = api_client(personas.leader)
    rows = client.get(f"{BASE}/listings").json()
    # a person's ID number and mobile are masked
    assert rows[0]["subject"]["id_number"] == "110105********002X"
    assert rows[0]["subject"]["mobile"] == "138****8000"
    response = _post(client, f"{BASE}/listings/{rows[0]['id']}/remove", {"reason": "x"})
    assert response.status_code == 403


def test_commitments_are_listed_with_their_state_and_resolved(api_client, personas):
    text = services.ensure_texts()[CommitmentText.Kind.CERTIFICATE]
    with transaction.atomic():
        commitment = services.commitment_sign(
            actor=personas.firm_user,
            subject_of=personas.firm_user,
            kind="certificate",
            text=text,
            items=["场地证明"],
        )
    client = api_client(personas.supervisor)
    rows = client.get(f"{BASE}/commitments", {"kind": "certificate", "status": "pending"}).json()
    assert [(r["id"], r["status"], r["subject"]["uscc"]) for r in rows] == [
        (commitment.pk, "pending", "91350100M000100Y43")
    ]
    response = _post(
        client, f"{BASE}/commitments/{commitment.pk}/resolve", {"status": "false", "note": ""}
    )
    assert response.status_code == 400 and response.json()["code"] == "CREDIT_REASON_REQUIRED"
    response = _post(
        client,
        f"{BASE}/commitments/{commitment.pk}/resolve",
        {"status": "kept", "note": ""},
    )
    assert response.status_code == 200 and response.json()["status"] == "kept"
    response = _post(
        client,
        f"{BASE}/commitments/{commitment.pk}/resolve",
        {"status": "false", "note": "事后抽查发现场地证明不实"},
    )
    assert response.json()["status"] == "false" and selectors.is_dishonest(personas.firm)
    response = _post(
        client, f"{BASE}/commitments/{commitment.pk}/resolve", {"status": "kept", "note": ""}
    )
    assert response.status_code == 409 and response.json()["code"] == "COMMITMENT_ALREADY_RESOLVED"


def test_current_texts_are_public(client, personas):
    rows = client.get(f"{BASE}/texts").json()
    assert {r["kind"] for r in rows} == {"deficit", "certificate"}
    assert all(r["version"] == 1 for r in rows)
