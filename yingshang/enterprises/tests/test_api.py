"""The firm register's API: list/detail/create/update/status, accounts, import — with scope."""

import io
import json

import pytest

from yingshang.enterprises.models import Firm, FirmAccount
from yingshang.enterprises.tests.conftest import uscc, wrong_check
from yingshang.enterprises.tests.test_import import xlsx
from yingshang.testing.personas import PASSWORD


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_supervisor_creates_reads_and_updates_a_firm(personas, api_client):
    api = api_client(personas.supervisor)
    r = post(
        api,
        "/api/v1/enterprises/firms",
        {"uscc": uscc(40).lower(), "name": "接口登记公司", "industry_code": "i65", "size": "micro"},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["uscc"] == uscc(40) and body["industry_section"] == "信息传输、软件和信息技术服务业"
    r = api.patch(
        f"/api/v1/enterprises/firms/{body['id']}",
        json.dumps({"address": "颍上县经开区1号", "reason": "核实"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["address"] == "颍上县经开区1号"
    r = api.get("/api/v1/enterprises/firms", {"q": "接口"})
    assert [f["name"] for f in r.json()] == ["接口登记公司"]
    detail = api.get(f"/api/v1/enterprises/firms/{body['id']}").json()
    assert {p["key"] for p in detail["panels"]} >= {"cases", "hotline", "ratings", "credit"}


def test_a_wrong_code_is_400_with_the_stable_code_and_nothing_stored(personas, api_client):
    r = post(
        api_client(personas.admin),
        "/api/v1/enterprises/firms",
        {"uscc": wrong_check(uscc(41)), "name": "错码公司"},
    )
    assert r.status_code == 400
    assert r.json()["code"] == "USCC_INVALID"
    assert r.json()["details"] == {"field": "uscc", "reason": "uscc_check"}
    assert "校验位不正确" in r.json()["message"]
    assert not Firm.objects.filter(name="错码公司").exists()


def test_a_wrong_merge_target_code_is_refused(personas, api_client):
    r = post(
        api_client(personas.admin),
        f"/api/v1/enterprises/firms/{personas.firm.pk}/status",
        {"status": "merged", "reason": "合并", "merged_into_uscc": "123"},
    )
    assert r.status_code == 400 and r.json()["code"] == "USCC_INVALID"
    assert r.json()["details"]["field"] == "merged_into_uscc"
    personas.firm.refresh_from_db()
    assert personas.firm.status == "active"


@pytest.mark.parametrize("who", ["handler_a", "leader", "operator"])
def test_others_may_not_create_firms(personas, api_client, who):
    r = post(
        api_client(personas.by_role(who)),
        "/api/v1/enterprises/firms",
        {"uscc": uscc(42), "name": "x"},
    )
    assert r.status_code == 403 and r.json()["code"] == "FIRM_FORBIDDEN"


def test_out_of_scope_firm_is_404(personas, api_client, firm_case):
    assert (
        api_client(personas.handler_b)
        .get(f"/api/v1/enterprises/firms/{personas.firm.pk}")
        .status_code
        == 404
    )
    assert (
        api_client(personas.handler_a)
        .get(f"/api/v1/enterprises/firms/{personas.firm.pk}")
        .status_code
        == 200
    )
    assert api_client(personas.handler_b).get("/api/v1/enterprises/firms").json() == []


def test_legal_rep_authorises_and_revokes_an_agent_through_the_api(personas, api_client, firm_case):
    rep = api_client(personas.firm_user)
    r = post(
        rep,
        "/api/v1/enterprises/agents",
        {"real_name": "钱经办", "mobile": "13911112222", "password": PASSWORD},
    )
    assert r.status_code == 201, r.content
    account_id = r.json()["id"]
    agent = FirmAccount.objects.get(pk=account_id).user
    agent_api = api_client(agent)
    cases = agent_api.get("/api/v1/enterprises/firms/%d" % personas.firm.pk).json()["panels"]
    assert next(p for p in cases if p["key"] == "cases")["total"] == 1
    # the agent may not authorise anyone
    r = post(
        agent_api,
        "/api/v1/enterprises/agents",
        {"real_name": "孙", "mobile": "13911113333", "password": PASSWORD},
    )
    assert r.status_code == 403 and r.json()["code"] == "FIRM_ACCOUNT_FORBIDDEN"
    r = post(rep, f"/api/v1/enterprises/agents/{account_id}/revoke", {"reason": "已离职"})
    assert r.status_code == 200 and r.json()["revoked_at"]
    # the agent's token no longer opens anything
    assert agent_api.get(f"/api/v1/enterprises/firms/{personas.firm.pk}").status_code == 401
    accounts = rep.get(f"/api/v1/enterprises/firms/{personas.firm.pk}/accounts").json()
    assert {a["role"] for a in accounts} == {"legal_rep", "agent"}


def test_import_through_the_api_reports_row_errors_then_applies_a_good_file(personas, api_client):
    api = api_client(personas.supervisor)
    bad = xlsx([[1, wrong_check(uscc(50)), "坏行公司", "", "C", "小型", ""]])
    r = api.post("/api/v1/enterprises/imports", {"file": _named(bad, "bad.xlsx")})
    assert r.status_code == 201
    job = r.json()
    assert job["errors"][0]["row"] == 3 and job["errors"][0]["column"] == "统一社会信用代码"
    r = api.post(f"/api/v1/enterprises/imports/{job['id']}/apply")
    assert r.status_code == 400 and r.json()["code"] == "FIRM_IMPORT_HAS_ERRORS"
    good = xlsx([[1, uscc(51), "好行公司", "", "C", "小型", ""]])
    job = api.post("/api/v1/enterprises/imports", {"file": _named(good, "good.xlsx")}).json()
    r = api.post(f"/api/v1/enterprises/imports/{job['id']}/apply")
    assert r.status_code == 200 and r.json()["created_count"] == 1
    assert Firm.objects.filter(uscc=uscc(51)).exists()
    assert not Firm.objects.filter(name="坏行公司").exists()


def _named(buf: io.BytesIO, name: str) -> io.BytesIO:
    buf.name = name
    return buf
