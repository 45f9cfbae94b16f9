import pytest

from yingshang.audit.models import AuditEvent
from yingshang.supervision.models import Problem

pytestmark = pytest.mark.django_db

URL = "/api/v1/supervision/problems"


def test_create_is_idempotent_with_a_key_and_with_a_source(personas, api_client):
    api = api_client(personas.supervisor)
    body = {
        "description": "吃拿卡要：检查时暗示企业购买指定产品",
        "unit": "scjg",
        "category": "吃拿卡要",
        "co_units": ["zjj"],
        "deadline_days": 15,
    }
    r1 = api.post(URL, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    r2 = api.post(URL, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert r1.status_code == 201 and r2.status_code == 201
    assert r1.json()["id"] == r2.json()["id"] and Problem.objects.count() == 1
    assert r1.json()["co_units"] == [personas.unit_b.name] and r1.json()["category"] == "吃拿卡要"
    hook = {
        **body,
        "source": "indicator_shortfall",
        "source_type": "indicator",
        "source_id": "2026Q3-开办企业",
    }
    a = api.post(URL, hook, content_type="application/json")
    b = api.post(URL, hook, content_type="application/json")
    assert a.json()["id"] == b.json()["id"] and Problem.objects.count() == 2


def test_unknown_unit_answers_a_stable_code(personas, api_client):
    r = api_client(personas.supervisor).post(
        URL, {"description": "x", "unit": "nope"}, content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["code"] == "UNIT_UNKNOWN"
    assert Problem.objects.count() == 0


def test_unit_cannot_create_and_list_is_scoped(personas, api_client):
    sup = api_client(personas.supervisor)
    sup.post(URL, {"description": "甲", "unit": "scjg"}, content_type="application/json")
    sup.post(URL, {"description": "乙", "unit": "zjj"}, content_type="application/json")
    api_a = api_client(personas.handler_a)
    r = api_a.post(URL, {"description": "自建", "unit": "scjg"}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "PROBLEM_CREATE_FORBIDDEN"
    listing = api_a.get(URL).json()
    assert listing["count"] == 1 and listing["results"][0]["description"] == "甲"


def test_transitions_and_progress_over_the_api(personas, api_client):
    sup = api_client(personas.supervisor)
    pid = sup.post(
        URL, {"description": "中梗阻", "unit": "scjg"}, content_type="application/json"
    ).json()["id"]
    api_a = api_client(personas.handler_a)
    r = api_a.post(f"{URL}/{pid}/close", {"reason": "x"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "PROBLEM_CLOSE_NOT_ALLOWED"
    r = api_a.post(f"{URL}/{pid}/claim", {"leader_name": "李局"}, content_type="application/json")
    assert (
        r.status_code == 200
        and r.json()["status"] == "claimed"
        and "request_closure" in r.json()["allowed_actions"]
    )
    r = api_a.post(
        f"{URL}/{pid}/progress",
        {"text": "已召开专题会", "percent": 40},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert api_a.get(f"{URL}/{pid}/progress").json()[0]["text"] == "已召开专题会"
    r = api_a.post(
        f"{URL}/{pid}/progress", {"text": "x", "percent": 140}, content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["code"] == "PROGRESS_PERCENT_INVALID"
    r = api_a.post(
        f"{URL}/{pid}/request_closure", {"text": "完成"}, content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["code"] == "CLOSURE_EVIDENCE_REQUIRED"
    assert Problem.objects.get(pk=pid).status == "rectifying"
    assert AuditEvent.objects.filter(object_id=str(pid), action="problem.claim").exists()


def test_unknown_category_and_bad_deadline_answer_codes_not_500(personas, api_client):
    api = api_client(personas.supervisor)
    r = api.post(
        URL,
        {"description": "x", "unit": "scjg", "category": "乱收费"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "CATEGORY_UNKNOWN"
    r = api.post(
        URL,
        {"description": "x", "unit": "scjg", "deadline": "1901-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "DATE_OUT_OF_RANGE"
    assert Problem.objects.count() == 0


def test_evidence_upload_then_closure_request_over_the_api(personas, api_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yingshang.supervision.tests.sample import png

    sup = api_client(personas.supervisor)
    pid = sup.post(
        URL, {"description": "吃拿卡要", "unit": "scjg"}, content_type="application/json"
    ).json()["id"]
    api_a = api_client(personas.handler_a)
    api_a.post(f"{URL}/{pid}/claim", {}, content_type="application/json")
    bad = api_a.post(
        f"{URL}/{pid}/evidence", {"files": [SimpleUploadedFile("a.png", b"plain text")]}
    )
    assert bad.status_code == 400 and bad.json()["code"] == "UPLOAD_TYPE_NOT_ALLOWED"
    r = api_a.post(
        f"{URL}/{pid}/evidence",
        {"files": [SimpleUploadedFile("整改后.png", png())], "note": "整改后照片"},
    )
    assert r.status_code == 201 and r.json()[0]["content_type"] == "image/png"
    assert (
        api_client(personas.handler_b)
        .post(f"{URL}/{pid}/evidence", {"files": [SimpleUploadedFile("x.png", png())]})
        .status_code
        == 404
    )
    r = api_a.post(
        f"{URL}/{pid}/request_closure", {"text": "整改完成"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "closure_requested"
    assert AuditEvent.objects.filter(object_id=str(pid), action="problem.evidence").count() == 1
