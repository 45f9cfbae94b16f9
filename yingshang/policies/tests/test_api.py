"""The REST API of policies: the calendar, applying, review and payment, 免申即享, errors with
stable codes naming the field."""

import base64
import datetime as dt

from yingshang.policies.models import Application

from .conftest import firm_account

API = "/api/v1/policies"
JSON = "application/json"


def test_calendar_delivery_and_entitled_over_the_api(personas, api_client, today):
    office = api_client(personas.supervisor)
    r = office.post(
        f"{API}/policies",
        {
            "title": "示范县“黄金十条”",
            "issuer": "示范县人民政府",
            "document_number": "示政〔2026〕1号",
            "issued_on": (today - dt.timedelta(days=10)).isoformat(),
            "effective_on": (today - dt.timedelta(days=10)).isoformat(),
            "summary": "支持实体经济发展十条措施",
            "owner_unit": personas.unit_a.pk,
            "tags": ["industry:C", "topic:funding"],
        },
        content_type=JSON,
    )
    assert r.status_code == 201, r.content
    policy = r.json()
    assert policy["status"] == "draft" and policy["abilities"]["publish"] is True
    assert (
        office.post(f"{API}/policies/{policy['id']}/publish", {}, content_type=JSON).json()[
            "status"
        ]
        == "published"
    )

    handler = api_client(personas.handler_a)
    item = {
        "code": "HJ-01",
        "title": "新办小微企业开办补贴",
        "rule": "规模 in [小型, 微型] 且 成立年限 < ",
        "amount": "3000",
        "budget": "30000",
        "opens_on": (today - dt.timedelta(days=1)).isoformat(),
        "closes_on": (today + dt.timedelta(days=30)).isoformat(),
        "review_unit": personas.unit_a.pk,
        "materials": ["营业执照"],
    }
    r = handler.post(f"{API}/policies/{policy['id']}/items", item, content_type=JSON)
    assert r.status_code == 400
    assert r.json()["code"] == "POLICY_RULE_INVALID"
    assert r.json()["details"]["field"] == "rule"
    item["rule"] = "规模 in [小型, 微型] 且 非 失信"
    r = handler.post(f"{API}/policies/{policy['id']}/items", item, content_type=JSON)
    assert r.status_code == 201, r.content
    item_id = r.json()["id"]

    firm, user = firm_account(1, size="micro", established_on=today - dt.timedelta(days=100))
    firm_api = api_client(user)
    pdf = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()
    r = firm_api.post(
        f"{API}/items/{item_id}/apply",
        {"files": [{"material_key": "0", "name": "营业执照.pdf", "content_base64": pdf}]},
        content_type=JSON,
    )
    assert r.status_code == 201, r.content
    app = r.json()
    assert "status" in app, app
    assert app["status"] == "submitted" and app["eligibility"]["shown"]["规模（划型）"] == "微型"
    assert firm_api.get(f"{API}/applications").json()[0]["number"] == app["number"]

    r = handler.post(f"{API}/applications/{app['id']}/pay", {"voucher": "PZ"}, content_type=JSON)
    assert r.status_code == 409  # not approved yet
    assert r.json()["code"] == "POLICY_APPLICATION_PAY_NOT_ALLOWED"
    assert (
        handler.post(f"{API}/applications/{app['id']}/approve", {}, content_type=JSON).json()[
            "status"
        ]
        == "approved"
    )
    r = handler.post(f"{API}/applications/{app['id']}/pay", {"voucher": "PZ-01"}, content_type=JSON)
    assert r.json()["status"] == "paid" and r.json()["paid_amount"] == "3000.00"

    # 免申即享: a second small firm is listed with its facts and granted without applying
    other, _u = firm_account(2, size="small")
    r = handler.get(f"{API}/items/{item_id}/entitled")
    rows = {row["uscc"]: row for row in r.json()["firms"]}
    assert r.json()["total"] == 3  # with the personas' own small firm
    assert rows[other.uscc]["facts"] == {"规模（划型）": "小型", "失信惩戒中": "否"}
    assert rows[firm.uscc]["granted"] == app["number"]
    r = handler.post(f"{API}/items/{item_id}/grant", {"firm_id": other.pk}, content_type=JSON)
    assert r.status_code == 201 and r.json()["channel"] == "proactive"

    figures = office.get(f"{API}/policies/{policy['id']}/delivery").json()
    assert (figures["entitled"], figures["paid"], figures["delivery_rate"]) == (2, 1, "50.0")

    # another unit sees neither the entitled list nor may grant
    other_unit = api_client(personas.handler_b)
    assert other_unit.get(f"{API}/items/{item_id}/entitled").status_code == 403
    assert Application.objects.count() == 2


def test_rule_check_counts_firms(personas, api_client):
    firm_account(1, size="small")
    firm_account(2, size="large")
    api = api_client(personas.handler_a)
    r = api.post(f"{API}/rules/check", {"rule": "size = small"}, content_type=JSON)
    assert r.json() == {
        "rule": "size = small",
        "facts": ["size"],
        "firms": 2,
    }  # firm 1 and the personas' firm
    r = api.post(f"{API}/rules/check", {"rule": "size =="}, content_type=JSON)
    assert r.status_code == 400 and r.json()["details"]["position"] == 8
