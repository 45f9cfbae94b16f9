"""The journey of issue 21: a firm reports arrears on the portal, the 清欠办 verifies with the
debtor, the debtor pays in two parts (with a voucher), the firm sees it cleared."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from yingshang.arrears.models import Arrears
from yingshang.arrears.tests.helpers import agency
from yingshang.audit.models import AuditEvent
from yingshang.demo.loaders.supervision import png


def _logout(page):
    page.context.clear_cookies()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_firm_reports_office_verifies_debtor_pays_twice_firm_sees_it_cleared(
    page, browser_login, personas
):
    agency(personas)
    today = dt.date.today()
    accepted = today - dt.timedelta(days=40)

    # the firm reports: 市场监管局 owes 100,000 for equipment accepted 40 days ago
    browser_login(page, "firm")
    page.goto("/arrears/mine/")
    page.get_by_role("link", name="反映拖欠账款").click()
    page.get_by_label("或选择本县机关、事业单位").select_option(label=personas.unit_a.name)
    page.get_by_label("签约时企业规模").select_option(label="小型")
    page.get_by_label("合同编号").fill("SB-2026-007")
    page.get_by_label("付款条款（合同原文）").fill("甲方收到上级资金拨付后支付设备款")
    page.get_by_label("交付（验收）日期").fill(accepted.isoformat())
    page.get_by_label("欠款金额（元）").fill("abc")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("form-error")).to_have_text("欠款金额不是有效的金额")
    expect(page.get_by_label("合同编号")).to_have_value("SB-2026-007")  # nothing typed is lost
    page.get_by_label("欠款金额（元）").fill("100000")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("status")).to_have_text("待核实")
    expect(page.get_by_test_id("back-to-back")).to_contain_text("背靠背")
    a = Arrears.objects.get()
    _logout(page)

    # the 清欠办 verifies with the debtor: all of it undisputed
    browser_login(page, "supervisor")
    page.goto("/staff/arrears/")
    page.get_by_role("link", name=a.number).click()
    expect(page.get_by_label("无争议金额（元）")).to_have_value("100000.00")
    page.get_by_label("核实情况").fill("已与市场监管局财务股核对，设备已验收")
    page.get_by_role("button", name="核实确认").click()
    expect(page.get_by_test_id("status")).to_have_text("已确认待清偿")
    _logout(page)

    # the debtor pays in two parts; an amount above what is left is refused
    browser_login(page, "handler_a")
    page.goto(f"/staff/arrears/r/{a.pk}/")
    page.get_by_label("付款金额（元）").fill("60000")
    page.get_by_label("付款日期").fill(today.isoformat())
    page.get_by_label("凭证号").fill("记-1101")
    page.get_by_label("付款凭证").set_input_files(
        {"name": "付款回单.png", "mimeType": "image/png", "buffer": png(8, 8)}
    )
    page.get_by_role("button", name="登记还款").click()
    expect(page.get_by_test_id("status")).to_have_text("清偿中")
    expect(page.get_by_test_id("outstanding")).to_contain_text("40000.00")
    page.get_by_label("付款金额（元）").fill("50000")
    page.get_by_label("付款日期").fill(today.isoformat())
    page.get_by_label("凭证号").fill("记-1102")
    page.get_by_role("button", name="登记还款").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("超过尚未清偿的无争议金额40000.00元")
    page.get_by_label("付款金额（元）").fill("40000")
    page.get_by_role("button", name="登记还款").click()
    expect(page.get_by_test_id("status")).to_have_text("已清偿")
    expect(page.get_by_test_id("payments")).to_contain_text("付款回单.png")
    _logout(page)

    # the firm sees it cleared
    browser_login(page, "firm")
    page.goto("/arrears/mine/")
    expect(page.get_by_test_id("mine")).to_contain_text("已清偿")
    page.get_by_role("link", name=a.number).click()
    expect(page.get_by_test_id("cleared")).to_contain_text("100000.00")
    expect(page.get_by_test_id("payments")).to_contain_text("记-1101")

    a.refresh_from_db()
    assert (a.status, a.paid_amount, a.payments.count()) == ("cleared", 100000, 2)
    actions = list(
        AuditEvent.objects.filter(object_id=str(a.pk), object_type="arrears.arrears")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["arrears.report", "arrears.verify", "arrears.pay", "arrears.pay"]
