import base64
import json

import pytest

from yingshang.audit.models import AuditEvent
from yingshang.cases.models import Case
from yingshang.cases.tests.conftest import PDF, _matter
from yingshang.catalog.services import matter_deactivate

pytestmark = pytest.mark.django_db


def _payload(cat, **extra):
    b64 = base64.b64encode(PDF).decode()
    body = {
        "matter_id": cat.matter.pk,
        "form_data": {
            "applicant.name": "张三",
            "applicant.mobile": "13800138000",
            "shop.name": "接口小馆",
        },
        "files": [
            {"material_key": k, "name": f"{k}.pdf", "content_base64": b64}
            for k in ("application_form", "id_card", "floor_plan", "health_cert")
        ],
    }
    body.update(extra)
    return body


def _post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_api_submit_is_idempotent(personas, cat, api_client):
    client = api_client(personas.applicant)
    first = _post(client, "/api/v1/cases", _payload(cat), HTTP_IDEMPOTENCY_KEY="k-1")
    again = _post(client, "/api/v1/cases", _payload(cat), HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert Case.objects.count() == 1 and Case.objects.get().channel == "mobile_api"


def test_api_rejects_a_bad_file_with_a_stable_code(personas, cat, api_client):
    body = _payload(cat)
    body["files"][0]["content_base64"] = base64.b64encode(b"MZ\x90\x00 not a pdf" * 20).decode()
    response = _post(api_client(personas.applicant), "/api/v1/cases", body)
    assert response.status_code == 400 and response.json()["code"] == "UPLOAD_TYPE_NOT_ALLOWED"
    assert not Case.objects.exists()


def test_api_status_list_scope_and_transition(personas, cat, api_client):
    number = _post(api_client(personas.applicant), "/api/v1/cases", _payload(cat)).json()["number"]
    assert api_client(personas.outsider).get(f"/api/v1/cases/{number}").status_code == 404
    assert api_client(personas.outsider).get("/api/v1/cases").json()["count"] == 0
    assert api_client(personas.clerk).get("/api/v1/cases").json()["count"] == 1
    wrong = _post(api_client(personas.handler_a), f"/api/v1/cases/{number}/transitions/accept", {})
    assert wrong.status_code == 403 and wrong.json()["code"] == "CASE_ACCEPT_FORBIDDEN"
    ok = _post(api_client(personas.clerk), f"/api/v1/cases/{number}/transitions/accept", {})
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    again = _post(api_client(personas.clerk), f"/api/v1/cases/{number}/transitions/accept", {})
    assert again.status_code == 409 and again.json()["code"] == "CASE_ACCEPT_NOT_ALLOWED"
    assert AuditEvent.objects.filter(action="case.accept").count() == 1


def test_api_supplement_is_accepted_by_the_clerk_and_clears_the_deficit(personas, cat, api_client):
    body = _payload(cat, deficit_sign=True)
    body["files"] = [f for f in body["files"] if f["material_key"] != "floor_plan"]
    applicant = api_client(personas.applicant)
    number = _post(applicant, "/api/v1/cases", body).json()["number"]
    accepted = _post(
        api_client(personas.clerk), f"/api/v1/cases/{number}/transitions/accept_with_deficit", {}
    )
    assert accepted.json()["deficit_open"] is True
    supplied = _post(
        applicant,
        f"/api/v1/cases/{number}/documents",
        {
            "files": [
                {
                    "material_key": "floor_plan",
                    "name": "plan.pdf",
                    "content_base64": base64.b64encode(PDF).decode(),
                }
            ]
        },
    )
    # the file waits for the clerk: only the clerk's acceptance clears the 容缺
    assert supplied.status_code == 200 and supplied.json()["deficit_open"] is True
    assert supplied.json()["deficit_items"][0]["state"] == "supplied"
    refused = _post(
        api_client(personas.clerk),
        f"/api/v1/cases/{number}/transitions/review_supplement",
        {"material_key": "floor_plan", "accept": False},
    )
    assert refused.status_code == 400 and refused.json()["code"] == "REASON_REQUIRED"
    reviewed = _post(
        api_client(personas.clerk),
        f"/api/v1/cases/{number}/transitions/review_supplement",
        {"material_key": "floor_plan", "accept": True},
    )
    assert reviewed.status_code == 200 and reviewed.json()["deficit_open"] is False


def test_cases_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/cases",
        "/api/v1/cases/{number}",
        "/api/v1/cases/{number}/documents",
        "/api/v1/cases/{number}/transitions/{action}",
    ):
        assert path in paths


def test_api_submit_to_a_withdrawn_matter_is_not_found(personas, cat, api_client):
    matter = _matter(personas.admin, personas.unit_a, "XK00209000", "食品小作坊登记")
    matter_deactivate(actor=personas.admin, matter=matter, reason="并入食品经营许可办理")
    body = _payload(cat, matter_id=matter.pk)
    response = _post(api_client(personas.applicant), "/api/v1/cases", body)
    assert response.status_code == 404 and response.json()["code"] == "NOT_FOUND"
    assert not Case.objects.exists()


@pytest.mark.parametrize("matter_id", [10**20, -(10**20), 0])
def test_api_submit_with_an_impossible_matter_id_is_not_found(personas, cat, api_client, matter_id):
    response = _post(
        api_client(personas.applicant), "/api/v1/cases", _payload(cat, matter_id=matter_id)
    )
    assert response.status_code == 404 and response.json()["code"] == "NOT_FOUND"
    assert not Case.objects.exists()
