"""Staff and portal pages: lists from the scope, the record page's actions with their
messages, the firm's pages, the 12345 work-order button."""

import datetime as dt

import pytest
import time_machine

from yingshang.arrears.models import Arrears
from yingshang.arrears.tests.helpers import agency, confirmed, report

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_list_starts_from_the_scope(personas, login):
    a = report(personas)
    page = login(personas.supervisor).get("/staff/arrears/")
    assert page.status_code == 200 and a.number in page.content.decode()
    page = login(personas.handler_b).get("/staff/arrears/")
    assert a.number not in page.content.decode()
    assert login(personas.handler_b).get(f"/staff/arrears/r/{a.pk}/").status_code == 404
    assert login(personas.firm_user).get("/staff/arrears/").status_code == 403


def test_a_payment_over_the_outstanding_amount_shows_the_message_and_keeps_the_form(
    personas, login
):
    a = confirmed(personas, undisputed="1000")
    client = login(personas.handler_a)
    r = client.post(
        f"/staff/arrears/r/{a.pk}/pay/",
        {"amount": "1000.50", "paid_on": "2026-11-20", "voucher_number": "PZ-9"},
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "付款金额1000.50元超过尚未清偿的无争议金额1000.00元" in html
    assert 'value="PZ-9"' in html
    a.refresh_from_db()
    assert a.paid_amount == 0
    r = client.post(f"/staff/arrears/r/{a.pk}/pay/", {"paid_on": "2026-11-20"})
    assert "请填写付款金额" in r.content.decode()


def test_the_firm_reports_on_the_portal(personas, login):
    agency(personas)
    client = login(personas.firm_user)
    assert client.get("/arrears/report/").status_code == 200
    r = client.post(
        "/arrears/report/",
        {
            "debtor_unit": personas.unit_a.code,
            "creditor_size": "small",
            "amount": "abc",
            "accepted_on": "2026-09-01",
        },
    )
    assert r.status_code == 400 and "欠款金额不是有效的金额" in r.content.decode()
    assert not Arrears.objects.exists()
    r = client.post(
        "/arrears/report/",
        {
            "debtor_unit": personas.unit_a.code,
            "creditor_size": "small",
            "amount": "8800",
            "accepted_on": "2026-09-01",
            "creditor_uscc": "ignored",
        },
    )
    a = Arrears.objects.get()
    assert r.status_code == 302 and a.creditor == personas.firm and a.source == "portal"
    assert a.number in client.get("/arrears/mine/").content.decode()
    assert login(personas.applicant).get("/arrears/report/").status_code == 403


def test_the_work_order_page_offers_the_office_to_open_an_arrears_record(personas, login):
    from yingshang.hotline import services as hotline

    order = hotline.workorder_register(
        actor=personas.operator,
        content="工信局拖欠我公司软件开发费",
        category="complaint",
        caller_name="王五",
        caller_phone="13812345678",
        firm=personas.firm,
    )
    client = login(personas.supervisor)
    html = client.get(f"/staff/hotline/orders/{order.pk}/").content.decode()
    assert f"/staff/arrears/new/?order={order.pk}" in html
    r = client.post(
        f"/staff/arrears/new/?order={order.pk}",
        {
            "debtor_unit": personas.unit_a.code,
            "creditor_uscc": personas.firm.uscc,
            "creditor_size": "small",
            "amount": "20000",
            "accepted_on": "2026-09-01",
        },
    )
    a = Arrears.objects.get()
    assert r.status_code == 302 and a.workorder == order and a.source == "hotline"
    html = client.get(f"/staff/hotline/orders/{order.pk}/").content.decode()
    assert a.number in html and 'data-testid="to-arrears"' not in html
    assert (
        'data-testid="to-arrears"'
        not in login(personas.operator).get(f"/staff/hotline/orders/{order.pk}/").content.decode()
    )


def test_progress_ledger_and_import_pages_render(personas, login):
    confirmed(personas)
    client = login(personas.supervisor)
    for url in ("/staff/arrears/progress/", "/staff/arrears/ledger/", "/staff/arrears/import/"):
        assert client.get(url).status_code == 200, url
    assert "测试县市场监督管理局" in client.get("/staff/arrears/ledger/").content.decode()
