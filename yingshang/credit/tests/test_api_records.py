"""The API of the full credit file: the same journey as the pages, with stable error codes."""

import pytest

from yingshang.credit.models import Penalty
from yingshang.credit.tests.helpers import pdf

pytestmark = pytest.mark.django_db
BASE = "/api/v1/credit"


def _create(client, personas, **extra):
    body = {
        "subject_kind": "firm",
        "identifier": "９１３５０１００Ｍ０００１００Ｙ４３",  # full-width: normalised
        "unit_id": personas.unit_a.pk,
        "decision_number": "市监罚〔2026〕31号",
        "decided_on": "2026-01-05",
        "types": ["fine", "safety"],
        "legal_basis": "《安全生产法》第九十九条",
        "facts": "当事人张三（身份证 350102199001011234）未组织安全培训",
    } | extra
    return client.post(f"{BASE}/penalties", body, content_type="application/json")


def test_penalty_over_the_api_and_the_public_list(personas, api_client, client):
    api = api_client(personas.handler_a)
    response = _create(api, personas)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["repair_from"] == "2027-01-05" and data["public_until"] == "2029-01-05"
    bad = _create(api, personas, types=["nope"], decision_number="x1")
    assert bad.status_code == 400 and bad.json()["code"] == "PENALTY_TYPE_INVALID"
    bad = _create(api, personas, identifier="91350100M000100Y44", decision_number="x2")
    assert bad.status_code == 400 and bad.json()["code"] == "USCC_INVALID"
    other = _create(api_client(personas.handler_b), personas, decision_number="x3")
    assert other.status_code == 403 and other.json()["code"] == "CREDIT_RECORD_FORBIDDEN"
    page = client.get(f"{BASE}/public/penalties", {"q": "测试餐饮"}).json()
    assert [i["number"] for i in page["items"]] == ["市监罚〔2026〕31号"]
    assert "350102199001011234" not in page["items"][0]["text"]
    assert page["next"] == ""


def test_repair_over_the_api_too_early_then_return_and_accept(personas, api_client):
    _create(api_client(personas.supervisor), personas, types=["fine"])
    penalty = Penalty.objects.get()
    firm = api_client(personas.firm_user)
    files = {"form": pdf("a.pdf"), "pledge": pdf("b.pdf"), "proof": pdf("c.pdf")}
    response = firm.post(
        f"{BASE}/repairs",
        {"record_kind": "penalty", "record_id": penalty.pk, "statement": "已缴纳罚款", **files},
    )
    assert response.status_code == 201, response.content
    app = response.json()
    assert app["status"] == "submitted" and len(app["materials"]) == 3 and app["due_at"]
    boss = api_client(personas.supervisor)
    r = boss.post(
        f"{BASE}/repairs/{app['id']}/return", {"reason": ""}, content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["code"] == "REPAIR_REASON_REQUIRED"
    r = boss.post(
        f"{BASE}/repairs/{app['id']}/return",
        {"reason": "请补充回单"},
        content_type="application/json",
    )
    assert r.json()["status"] == "returned"
    r = firm.post(f"{BASE}/repairs/{app['id']}/accept", {}, content_type="application/json")
    assert r.status_code in (403, 409)
    r = firm.post(f"{BASE}/repairs/{app['id']}/resubmit", {"files": pdf("回单.pdf")})
    assert r.status_code == 200 and r.json()["rounds"] == 2
    r = boss.post(f"{BASE}/repairs/{app['id']}/accept", {}, content_type="application/json")
    assert r.json()["status"] == "accepted"
    assert boss.get(f"{BASE}/penalties/{penalty.pk}").json()["status"] == "repaired"
    sanctions = boss.get(f"{BASE}/subjects/{penalty.subject_id}/sanctions").json()
    assert not any(s["blocked"] for s in sanctions)


def test_rules_are_public_to_read_and_only_the_credit_admin_changes_them(
    personas, api_client, client
):
    rules = client.get(f"{BASE}/rules/publicity").json()
    assert {"code": "fire", "min_months": 12, "max_months": 36}.items() <= {
        k: v for r in rules if r["code"] == "fire" for k, v in r.items()
    }.items()
    body = {"min_months": 6, "max_months": 36, "legal_basis": "县规定"}
    r = api_client(personas.clerk).put(
        f"{BASE}/rules/publicity/fine", body, content_type="application/json"
    )
    assert r.status_code == 403
    r = api_client(personas.supervisor).put(
        f"{BASE}/rules/publicity/fine", body, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["min_months"] == 6
    r = api_client(personas.supervisor).put(
        f"{BASE}/rules/sanctions",
        {"record_kind": "penalty", "benefit": "award", "active": False, "legal_basis": "试点"},
        content_type="application/json",
    )
    assert r.json()["active"] is False
