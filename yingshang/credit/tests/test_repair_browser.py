"""Browser journey of 信用修复 (Playwright + Debian chromium): a firm applies, is returned once,
resubmits, is repaired, and the penalty disappears from the public 信用公示 page."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from yingshang.credit import records
from yingshang.credit.models import Penalty
from yingshang.credit.tests.helpers import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def test_firm_is_returned_once_resubmits_is_repaired_and_leaves_the_public_page(
    page, browser_login, personas
):
    penalty = records.penalty_record(
        actor=personas.supervisor,
        subject_of=personas.firm,
        unit=personas.unit_a,
        decision_number="市监罚〔2026〕88号",
        decided_on=dt.date(2026, 1, 5),
        types=["fine"],
        legal_basis="《食品安全法》第一百二十六条",
        facts="未按规定索证索票",
    )
    # the public sees it, searched by USCC typed in lower case
    page.goto("/credit/public/")
    page.get_by_label("名称或统一社会信用代码").fill("91350100m000100y43")
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    assert "市监罚〔2026〕88号" in page.get_by_test_id("public-rows").inner_text()

    browser_login(page, "firm")
    page.goto("/credit/mine/")
    page.get_by_test_id("penalties").get_by_role("link", name="申请信用修复").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    assert "请填写修复申请说明" in page.get_by_test_id("form-error").inner_text()
    page.get_by_label("修复申请说明").fill("罚款已于2026年2月缴清，已整改")
    page.get_by_label("信用修复申请表").set_input_files(_pdf("申请表.pdf"))
    page.get_by_label("信用修复承诺书").set_input_files(_pdf("承诺书.pdf"))
    page.get_by_label("履行完毕证明").set_input_files(_pdf("缴款凭证.pdf"))
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("repair-status").inner_text() == "待审核"
    firm_url = page.url

    # the credit administrator returns it once
    page.context.clear_cookies()
    browser_login(page, "supervisor")
    page.goto("/staff/credit/repairs/")
    page.get_by_test_id("repair-row").get_by_role("link").first.click()
    page.wait_for_load_state()
    page.get_by_label("审核意见").fill("缴款凭证不清晰，请上传银行回单")
    page.get_by_role("button", name="退回补充材料").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("repair-status").inner_text() == "退回补充材料"

    # the firm sees why and resubmits
    page.context.clear_cookies()
    browser_login(page, "firm")
    page.goto(firm_url)
    assert "缴款凭证不清晰，请上传银行回单" in page.get_by_test_id("repair-reason").inner_text()
    page.get_by_label("履行完毕证明").set_input_files(_pdf("银行回单.pdf"))
    page.get_by_role("button", name="重新提交").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("repair-status").inner_text() == "待审核"
    assert "银行回单.pdf" in page.get_by_test_id("repair-summary").inner_text()

    # accepted
    page.context.clear_cookies()
    browser_login(page, "supervisor")
    page.goto("/staff/credit/repairs/")
    page.get_by_test_id("repair-row").get_by_role("link").first.click()
    page.wait_for_load_state()
    page.get_by_role("button", name="同意修复").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("repair-status").inner_text() == "修复通过"
    assert Penalty.objects.get(pk=penalty.pk).status == Penalty.Status.REPAIRED

    # the firm's timeline shows every step; the public page no longer shows the penalty
    page.context.clear_cookies()
    browser_login(page, "firm")
    page.goto(firm_url)
    timeline = page.get_by_test_id("timeline").inner_text()
    for step in ("申请信用修复", "退回补充材料", "补充材料后重新提交", "信用修复通过"):
        assert step in timeline
    page.goto("/credit/public/?q=91350100M000100Y43")
    assert "市监罚〔2026〕88号" not in page.get_by_test_id("public-rows").inner_text()
    expect(page.get_by_test_id("public-empty")).to_be_visible()
