"""The 清欠 API: report as a firm, verify and pay as staff, stable error codes."""

import datetime as dt

import pytest
import time_machine

from yingshang.arrears.models import Arrears
from yingshang.arrears.tests.helpers import agency

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_firm_reports_office_verifies_debtor_pays(personas, api_client):
    debtor = agency(personas)
    firm = api_client(personas.firm_user)
    r = _post(
        firm,
        "/api/v1/arrears/records",
        {
            "debtor_id": debtor.pk,
            "creditor_size": "small",
            "amount": "100000",
            "accepted_on": "2026-09-01",
            "payment_terms": "待上级资金拨付后支付",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["status"], body["due_on"], body["back_to_back"]) == (
        "reported",
        "2026-10-08",
        True,
    )
    assert body["creditor_uscc"] == personas.firm.uscc
    pk = body["id"]

    r = _post(firm, f"/api/v1/arrears/records/{pk}/verify", {"undisputed_amount": "100000"})
    assert (r.status_code, r.json()["code"]) == (403, "ARREARS_OFFICE_ONLY")

    office = api_client(personas.supervisor)
    r = _post(office, f"/api/v1/arrears/records/{pk}/verify", {"undisputed_amount": "100000"})
    assert r.status_code == 200 and r.json()["status"] == "confirmed"

    debtor_staff = api_client(personas.handler_a)
    pay = {"amount": "60000", "paid_on": "2026-10-09", "voucher_number": "PZ-1"}
    assert _post(debtor_staff, f"/api/v1/arrears/records/{pk}/pay", pay).status_code == 200
    r = _post(debtor_staff, f"/api/v1/arrears/records/{pk}/pay", {**pay, "amount": "50000"})
    assert r.status_code == 400
    assert r.json()["code"] == "ARREARS_PAYMENT_OVER_OUTSTANDING"
    assert "40000.00" in r.json()["message"]
    r = _post(debtor_staff, f"/api/v1/arrears/records/{pk}/pay", {**pay, "amount": "40000"})
    assert r.json()["status"] == "cleared"
    assert [p["amount"] for p in r.json()["payments"]] == ["60000.00", "40000.00"]

    mine = firm.get("/api/v1/arrears/records").json()
    assert mine["count"] == 1 and mine["results"][0]["status"] == "cleared"
    assert api_client(personas.handler_b).get(f"/api/v1/arrears/records/{pk}").status_code == 404
    progress = office.get("/api/v1/arrears/progress").json()
    assert progress[0]["rate"] == "100.0"


def test_bad_input_gets_a_code_never_a_500(personas, api_client):
    office = api_client(personas.supervisor)
    r = _post(
        office,
        "/api/v1/arrears/records",
        {
            "debtor_unit": personas.unit_a.code,
            "creditor_uscc": "91110000123456789X",
            "creditor_size": "small",
            "amount": "1",
            "accepted_on": "2026-09-01",
        },
    )
    assert (r.status_code, r.json()["code"]) == (400, "USCC_INVALID")
    r = _post(
        office,
        "/api/v1/arrears/records",
        {"debtor_unit": "nope", "creditor_uscc": personas.firm.uscc, "amount": "1"},
    )
    assert (r.status_code, r.json()["code"]) == (400, "ARREARS_UNIT_UNKNOWN")
    r = _post(
        office,
        "/api/v1/arrears/records",
        {
            "debtor_unit": personas.unit_a.code,
            "creditor_uscc": personas.firm.uscc,
            "creditor_size": "small",
            "amount": "1",
            "accepted_on": "2027-01-01",
        },
    )
    assert (r.status_code, r.json()["code"]) == (400, "ARREARS_ACCEPTED_ON_FUTURE")
    assert not Arrears.objects.exists()
    r = _post(office, "/api/v1/arrears/records/999/verify", {})
    assert r.status_code == 404


def test_due_date_endpoint(personas, api_client):
    r = api_client(personas.firm_user).get(
        "/api/v1/arrears/due-date",
        {"debtor_kind": "agency", "accepted_on": "2026-06-10", "contract_days": 90},
    )
    assert r.json()["due_on"] == "2026-08-10" and r.json()["days"] == 60
    r = api_client(personas.firm_user).get(
        "/api/v1/arrears/due-date", {"debtor_kind": "bank", "accepted_on": "2026-06-10"}
    )
    assert (r.status_code, r.json()["code"]) == (400, "ARREARS_DEBTOR_KIND_INVALID")


def test_a_state_owned_firm_on_file_as_debtor(personas, api_client):
    from yingshang.enterprises.models import Firm
    from yingshang.testing.personas import valid_uscc

    soe = Firm.objects.create(uscc=valid_uscc("91139999MA0CTJT01"), name="县城投集团", size="large")
    office = api_client(personas.supervisor)
    body = {
        "debtor_uscc": soe.uscc.lower(),
        "debtor_kind": "soe",
        "creditor_uscc": personas.firm.uscc,
        "creditor_size": "small",
        "amount": "5000",
        "accepted_on": "2026-06-10",
    }
    r = _post(office, "/api/v1/arrears/records", body)
    assert r.status_code == 201, r.content
    assert (r.json()["debtor"], r.json()["debtor_kind"], r.json()["due_on"]) == (
        "县城投集团",
        "soe",
        "2026-08-10",  # 60 days, moved off a Sunday
    )
    r = _post(office, "/api/v1/arrears/records", {**body, "creditor_uscc": soe.uscc})
    assert (r.status_code, r.json()["code"]) == (400, "ARREARS_DEBTOR_IS_CREDITOR")
    r = _post(office, "/api/v1/arrears/records", {**body, "debtor_uscc": "91110000123456789X"})
    assert (r.status_code, r.json()["code"]) == (400, "USCC_INVALID")
    assert Arrears.objects.count() == 1
