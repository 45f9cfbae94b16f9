"""Browser journey of the credit administrator (Playwright + Debian chromium)."""

import pytest
from playwright.sync_api import expect

from yingshang.credit import selectors
from yingshang.credit.models import DishonestListing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_lists_a_firm_then_removes_it_and_the_history_shows_both(
    page, browser_login, personas
):
    browser_login(page, "supervisor")
    page.goto("/staff/credit/listings/")
    page.get_by_role("link", name="列入失信名单").click()
    page.wait_for_load_state()
    page.get_by_label("企业").check()
    page.get_by_label("证件号码").fill("91350100M000100Y43")
    page.get_by_role("button", name="确认列入").click()
    page.wait_for_load_state()
    # without a reason the page says what is missing and keeps what was typed
    assert "请填写列入失信名单的原因" in page.get_by_test_id("form-error").inner_text()
    assert page.get_by_label("证件号码").input_value() == "91350100M000100Y43"
    page.get_by_label("列入原因").fill("拒不履行法院判决，拖欠农民工工资")
    page.get_by_role("button", name="确认列入").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("subject-name").inner_text() == "测试餐饮有限公司"
    expect(page.get_by_test_id("subject-dishonest")).to_be_visible()
    assert selectors.is_dishonest(personas.firm)

    page.get_by_test_id("subject-listings").get_by_role("link", name="移出名单").click()
    page.wait_for_load_state()
    page.get_by_label("移出原因").fill("已履行判决，信用修复完成")
    page.get_by_role("button", name="确认移出").click()
    page.wait_for_load_state()
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "列入失信名单" in timeline and "拒不履行法院判决，拖欠农民工工资" in timeline
    assert "移出失信名单" in timeline and "已履行判决，信用修复完成" in timeline
    expect(page.get_by_test_id("subject-clear")).to_be_visible()
    assert not selectors.is_dishonest(personas.firm)
    assert DishonestListing.objects.get().delisted_by == personas.supervisor

    # the list still shows the removed record
    page.goto("/staff/credit/listings/")
    row = page.get_by_test_id("listing-row").filter(has_text="测试餐饮有限公司")
    assert "已移出" in row.inner_text() and "已履行判决，信用修复完成" in row.inner_text()
