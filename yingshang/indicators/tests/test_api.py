from decimal import Decimal as D

import pytest

from yingshang.indicators.models import Value
from yingshang.indicators.tests.conftest import value_of
from yingshang.indicators.tests.factories import approved, evidence, workbook

pytestmark = pytest.mark.django_db
API = "/api/v1/indicators"
JSON = "application/json"


def test_trees_and_indicators(personas, api_client, tree):
    api = api_client(personas.handler_a)
    assert api.get(f"{API}/trees").json()[0]["year"] == 2026
    rows = api.get(f"{API}/trees/2026/indicators").json()
    assert sum(1 for r in rows if r["level"] == 1) == 18
    cost = next(r for r in rows if r["name"] == "开办企业费用")
    assert cost["lead_unit"] == "scjg" and cost["best"] == "0.0000"
    # a unit may not edit; the 营商办 may, and bad bounds answer a stable code
    r = api.post(f"{API}/indicators/{cost['id']}/update", {"weight": "2"}, content_type=JSON)
    assert r.status_code == 403 and r.json()["code"] == "INDICATOR_OFFICE_ONLY"
    sup = api_client(personas.supervisor)
    r = sup.post(
        f"{API}/indicators/{cost['id']}/update", {"best": "3", "worst": "3"}, content_type=JSON
    )
    assert r.status_code == 400 and r.json()["code"] == "INDICATOR_BOUNDS_EQUAL"
    r = sup.post(
        f"{API}/indicators/{cost['id']}/update",
        {"weight": "2", "co_units": ["zjj"], "reason": "调整"},
        content_type=JSON,
    )
    assert (
        r.status_code == 200 and r.json()["weight"] == "2.000" and r.json()["co_units"] == ["zjj"]
    )


def test_open_period_enter_submit_return_approve_scores_and_gap(personas, api_client, tree):
    sup = api_client(personas.supervisor)
    body = {
        "year": 2026,
        "code": "2026Q3",
        "name": "三季度",
        "starts_on": "2026-07-01",
        "ends_on": "2026-09-30",
    }
    r = sup.post(f"{API}/periods", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="p1")
    assert r.status_code == 201 and r.json()["code"] == "2026Q3"
    assert (
        sup.post(f"{API}/periods", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="p1").status_code
        == 201
    )
    lead = api_client(personas.handler_a)
    values = lead.get(f"{API}/values", {"period": "2026Q3", "limit": 500}).json()
    v = next(x for x in values["results"] if x["name"] == "开办企业费用")
    assert v["abilities"]["enter"] and not v["abilities"]["approve"]
    pk = v["id"]
    r = lead.post(f"{API}/values/{pk}/enter", {"value": "abc"}, content_type=JSON)
    assert r.status_code == 400 and r.json()["code"] == "INDICATOR_NUMBER_INVALID"
    r = lead.post(f"{API}/values/{pk}/enter", {"value": "2", "note": "抽样"}, content_type=JSON)
    assert r.status_code == 200 and r.json()["value"] == "2.0000" and D(r.json()["score"]) == 60
    r = lead.post(f"{API}/values/{pk}/submit", content_type=JSON)
    assert r.status_code == 400 and r.json()["code"] == "INDICATOR_EVIDENCE_REQUIRED"
    r = lead.post(f"{API}/values/{pk}/evidence", {"files": [evidence()]})
    assert r.status_code == 201 and len(r.json()["evidence"]) == 1
    assert lead.post(f"{API}/values/{pk}/submit", content_type=JSON).json()["status"] == "submitted"
    r = lead.post(f"{API}/values/{pk}/approve", {}, content_type=JSON)
    assert r.status_code == 403 and r.json()["code"] == "INDICATOR_OFFICE_ONLY"
    r = sup.post(f"{API}/values/{pk}/return", {"reason": "附件不清晰"}, content_type=JSON)
    assert r.json()["status"] == "returned" and r.json()["return_reason"] == "附件不清晰"
    lead.post(f"{API}/values/{pk}/submit", content_type=JSON)
    assert (
        sup.post(f"{API}/values/{pk}/approve", {}, content_type=JSON).json()["status"] == "approved"
    )
    r = sup.post(f"{API}/values/{pk}/approve", {}, content_type=JSON)
    assert r.status_code == 409 and r.json()["code"] == "INDICATOR_VALUE_APPROVE_NOT_ALLOWED"

    scores = lead.get(f"{API}/periods/2026Q3/scores").json()
    node = next(n for n in scores["nodes"] if n["name"] == "开办企业费用")
    assert D(node["score"]) == 60 and node["flagged"] is True
    assert D(scores["county_score"]) == D(60)  # the only scored first-level indicator
    gap = lead.get(f"{API}/periods/2026Q3/gap").json()
    # (100 − 60) × 1/18 × 1/4 = 0.5555…
    assert gap[0]["name"] == "开办企业费用" and D(gap[0]["recoverable"]).quantize(D("0.001")) == D(
        "0.556"
    )
    unit = lead.get(f"{API}/periods/2026Q3/units/{personas.unit_a.pk}").json()
    assert D(unit["score"]).quantize(D("0.01")) == D("60.00")


def test_unknown_action_and_out_of_scope(personas, api_client, period):
    v = value_of(period, "开办企业费用")
    lead = api_client(personas.handler_a)
    assert lead.post(f"{API}/values/{v.pk}/nope", {}, content_type=JSON).status_code == 404
    # a unit that neither leads nor co-leads sees only approved values: a draft is a 404
    assert api_client(personas.handler_b).get(f"{API}/values/{v.pk}").status_code == 404
    assert api_client(personas.applicant).get(f"{API}/values/{v.pk}").status_code in (403, 404)
    approved(v, lead=personas.handler_a, office=personas.supervisor, number="1")
    assert api_client(personas.handler_b).get(f"{API}/values/{v.pk}").status_code == 200


def test_import_endpoint_reports_rows(personas, api_client, period):
    lead = api_client(personas.handler_a)
    bad = workbook([["01.03", "开办企业费用", "", 0, 5, "x", None, ""]])
    r = lead.post(f"{API}/periods/2026Q3/import", {"file": bad})
    assert r.status_code == 400 and r.json()["code"] == "INDICATOR_IMPORT_ROWS"
    assert r.json()["details"]["errors"][0]["row"] == 2
    good = workbook([["01.03", "开办企业费用", "", 0, 5, "1.5", None, ""]])
    assert lead.post(f"{API}/periods/2026Q3/import", {"file": good}).json() == {"imported": 1}
    assert Value.objects.get(period=period, indicator__code="01.03").status == "submitted"


def test_openapi_lists_every_value_action(personas, api_client):
    doc = api_client(personas.admin).get("/api/v1/openapi.json").json()
    for action in ("enter", "submit", "measure", "approve", "return", "reopen", "open_problem"):
        assert f"{API}/values/{{pk}}/{action}" in doc["paths"]
    assert f"{API}/periods/{{code}}/gap" in doc["paths"]
