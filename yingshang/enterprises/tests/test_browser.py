"""Browser journeys of the firm page (Playwright + Debian chromium): staff open a firm's page and
see the panels; the legal representative authorises an agent, who then sees the firm's cases,
and revokes them, after which the agent's session opens nothing."""

import pytest
from playwright.sync_api import expect

from yingshang.enterprises.models import FirmAccount

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_finds_the_firm_and_sees_its_panels(page, browser_login, personas, firm_case):
    browser_login(page, "supervisor")
    page.goto("/staff/firms/")
    page.get_by_label("名称或统一社会信用代码").fill(personas.firm.uscc.lower())
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="测试餐饮有限公司").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("firm-name").inner_text().startswith("测试餐饮有限公司")
    assert page.get_by_test_id("firm-uscc").inner_text() == personas.firm.uscc
    cases = page.get_by_test_id("panel-cases")
    assert firm_case.number in cases.inner_text()
    for key in ("hotline", "ratings", "credit"):
        expect(page.get_by_test_id(f"panel-{key}")).to_be_visible()
    cases.get_by_role("link", name=firm_case.number, exact=False).click()
    page.wait_for_load_state()
    assert firm_case.number in page.content()


def test_legal_rep_authorises_an_agent_who_sees_the_cases_until_revoked(
    page, browser, live_server, browser_login, personas, firm_case
):
    browser_login(page, "firm")
    page.goto("/firm/")
    page.get_by_test_id("manage-accounts").click()
    page.wait_for_load_state()
    page.get_by_label("经办人姓名").fill("钱经办")
    page.get_by_label("手机号码").fill("139 1111 2222")
    page.get_by_label("授权事项").fill("代为办理许可")
    page.get_by_label("初始密码").fill("Agent2026pass")
    page.get_by_role("button", name="授权").click()
    page.wait_for_load_state()
    assert "已授权经办人钱经办" in page.content()
    row = page.get_by_test_id("account-row").filter(has_text="钱经办")
    assert "有效" in row.inner_text()

    # the agent logs in (own browser context) with the mobile number and sees the firm's case
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    agent_page = context.new_page()
    browser_login(agent_page, "13911112222", "Agent2026pass")
    agent_page.goto("/firm/")
    assert firm_case.number in agent_page.get_by_test_id("panel-cases").inner_text()
    assert agent_page.get_by_test_id("manage-accounts").count() == 0
    agent_page.goto(f"/cases/mine/{firm_case.number}/")
    assert agent_page.get_by_test_id("case-number").inner_text() == firm_case.number

    # the legal representative revokes; the agent's next request opens nothing
    row.get_by_test_id("revoke").click()
    page.wait_for_load_state()
    page.get_by_label("撤销原因").fill("已离职")
    page.get_by_test_id("confirm-revoke").click()
    page.wait_for_load_state()
    row = page.get_by_test_id("account-row").filter(has_text="钱经办")
    assert "已撤销" in row.inner_text() and "已离职" in row.inner_text()
    assert FirmAccount.objects.get(role="agent").revoked_by == personas.firm_user

    agent_page.goto(f"/cases/mine/{firm_case.number}/")
    agent_page.wait_for_load_state()
    assert "/login/" in agent_page.url  # the login form, not the case
    expect(agent_page.get_by_label("用户名或手机号")).to_be_visible()
    assert agent_page.get_by_test_id("case-number").count() == 0
    agent_page.goto("/firm/")
    assert "/login/" in agent_page.url
    context.close()


def test_the_office_gives_a_new_legal_representative_an_account(
    page, browser, live_server, browser_login, personas
):
    """变更法定代表人: the old representative is gone; the 营商办 opens the new one's account from
    the firm page, revokes the old one, and the new representative manages the agents."""
    browser_login(page, "supervisor")
    page.goto(f"/staff/firms/{personas.firm.pk}/")
    page.get_by_role("link", name="变更法定代表人账号").click()
    expect(page.get_by_test_id("current-legal-rep")).to_contain_text("测试餐饮")
    page.get_by_role("button", name="确认变更").click()  # nothing chosen: the page says what
    expect(
        page.get_by_text("选择已有账号，或填写新账号的姓名、手机号码和初始密码").first
    ).to_be_visible()
    page.get_by_label("新法定代表人姓名").fill("周新任")
    page.get_by_label("手机号码").fill("139 1111 5555")
    page.get_by_label("初始密码").fill("NewRep2026pass")
    page.get_by_label("同时撤销原法定代表人的账号").check()
    page.get_by_label("变更原因").fill("营业执照法定代表人已变更")
    page.get_by_role("button", name="确认变更").click()
    expect(page.get_by_text("已将周新任的账号设为法定代表人账号")).to_be_visible()
    accounts = page.get_by_test_id("firm-accounts")
    expect(accounts.get_by_role("row").filter(has_text="周新任")).to_contain_text("法定代表人")
    expect(accounts.get_by_role("row").filter(has_text="测试餐饮")).to_contain_text("已撤销")
    expect(page.get_by_test_id("firm-history")).to_contain_text(
        "变更法定代表人账号：营业执照法定代表人已变更"
    )
    assert FirmAccount.objects.get(user__mobile="13911115555").role == "legal_rep"

    # the new representative signs in and may authorise agents
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    rep = context.new_page()
    browser_login(rep, "13911115555", "NewRep2026pass")
    rep.goto("/firm/")
    expect(rep.get_by_test_id("manage-accounts")).to_be_visible()
    context.close()


def test_the_kept_page_shows_a_case_the_firm_submits_next(
    page, browser_login, personas, firm_case, cat, settings
):
    """With the firm page's panels kept (as in production): the supervisor's page, built once,
    shows the firm's next case on reload, and the firm's own page too."""
    from yingshang import processcache
    from yingshang.enterprises.tests.conftest import submit_firm_case

    settings.FIRM_PANELS_CACHE_SECONDS = 60
    processcache.clear_all()
    try:
        browser_login(page, "supervisor")
        page.goto(f"/staff/firms/{personas.firm.pk}/")
        cases = page.get_by_test_id("panel-cases")
        assert firm_case.number in cases.inner_text()
        page.reload()  # served from the kept panels
        assert firm_case.number in page.get_by_test_id("panel-cases").inner_text()
        second = submit_firm_case(personas, cat)
        page.reload()
        text = page.get_by_test_id("panel-cases").inner_text()
        assert second.number in text and firm_case.number in text
    finally:
        processcache.clear_all()
