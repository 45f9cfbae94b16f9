"""Browser journeys of the shell: log in as every role, switch language, lockout, phone layout."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = [
    ("clerk", "窗口工作人员"),
    ("handler_a", "部门经办人"),
    ("head_a", "部门负责人"),
    ("operator", "热线话务员"),
    ("supervisor", "营商办督查人员"),
    ("leader", "县领导/纪委"),
    ("admin", "系统管理员"),
]


def test_an_applicant_lands_on_their_own_portal_pages_not_the_staff_shell(
    page, personas, browser_login
):
    browser_login(page, personas.applicant.username)
    assert page.url.endswith("/cases/mine/")
    page.goto("/staff/")
    assert page.url.endswith("/cases/mine/")


@pytest.mark.parametrize("persona,role_label", ROLES)
def test_each_role_logs_in_in_chinese_and_sees_its_home(
    page, personas, browser_login, persona, role_label
):
    user = personas.by_role(persona)
    browser_login(page, user.username)
    assert page.url.endswith("/staff/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.get_by_role("heading", name=f"您好，{user.display_name}").wait_for()
    assert role_label in page.get_by_test_id("my-roles").inner_text()
    nav = page.get_by_role("navigation", name="工作台菜单")
    expect(nav.get_by_role("link", name="工作台首页")).to_be_visible()
    # only the roles that may use the audit search see it in the menu
    assert (nav.get_by_role("link", name="审计查询").count() == 1) is (
        persona in ("head_a", "supervisor", "leader", "admin")
    )


def test_switch_to_english_and_back(page, personas):
    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="Log in").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Service commitments" in page.content()
    page.get_by_role("button", name="简体中文").click()
    page.get_by_role("link", name="登录").wait_for()


def test_lockout_message_after_repeated_wrong_passwords(page, personas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page.goto("/login/")
        page.get_by_label("用户名或手机号").fill("handler_a")
        page.get_by_label("密码").fill("not-the-password-1")
        page.get_by_role("button", name="登录").click()
        page.get_by_text("用户名/手机号或密码不正确").wait_for()
    # the last allowed failure locks the account; even the right password is refused now
    for password in ("not-the-password-1", "Test2026password"):
        page.goto("/login/")
        page.get_by_label("用户名或手机号").fill("handler_a")
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("heading", name="账号已暂时锁定").wait_for()
    assert "分钟后再试" in page.content()


def test_portal_home_fits_a_phone_without_horizontal_scrolling(browser, live_server, personas):
    context = browser.new_context(
        locale="zh-CN",
        base_url=live_server.url,
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    try:
        page.goto("/")
        page.get_by_role("heading", level=1).wait_for()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        # the menu collapses behind a toggle button on a phone
        expect(page.get_by_role("button", name="展开菜单")).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("persona", ["clerk", "leader"])
def test_the_workbench_fits_a_phone_with_the_menu_collapsed_and_logout_reachable(
    browser, live_server, personas, browser_login, persona
):
    """390×844: no horizontal scrolling, the header stays on one line, the menu opens from a
    toggle and leads to a page, and 退出 is visible and logs out."""
    context = browser.new_context(
        locale="zh-CN",
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        browser_login(page, personas.by_role(persona).username)
        assert page.url.endswith("/staff/")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        header = page.get_by_test_id("workbench-header")
        box = header.bounding_box()
        assert box["width"] <= 390 and box["height"] <= 72  # one row, nothing wraps out
        logout = page.get_by_role("button", name="退出")
        expect(logout).to_be_visible()
        lb = logout.bounding_box()
        assert lb["x"] >= 0 and lb["x"] + lb["width"] <= 390
        # the menu is collapsed behind the toggle and opens over the page
        nav = page.get_by_role("navigation", name="工作台菜单")
        expect(nav.get_by_role("link", name="工作台首页")).to_be_hidden()
        page.get_by_role("button", name="菜单").click()
        menu = page.locator("#wbNav")  # an open offcanvas is a dialog, no longer the navigation
        page.locator("#wbNav.show:not(.showing)").wait_for()  # slid in: the links stand still
        menu.get_by_role("link", name="站内信").click()
        page.wait_for_url("**/staff/inbox/")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.get_by_role("button", name="退出").click()
        page.wait_for_load_state()
        assert "/staff/" not in page.url or "/login/" in page.url
    finally:
        context.close()
