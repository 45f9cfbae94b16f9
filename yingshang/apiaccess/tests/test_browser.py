"""Browser journey of the integration-key page: an admin issues a key from the menu, copies the
secret shown once, narrows its interfaces and revokes it."""

import pytest

from yingshang.apiaccess.models import ApiToken
from yingshang.audit.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_issues_scopes_and_revokes_a_key(page, personas, browser_login):
    browser_login(page, personas.admin.username)
    page.get_by_role("navigation", name="工作台菜单").get_by_role(
        "link", name="系统集成密钥"
    ).click()
    page.get_by_role("heading", name="系统集成密钥").wait_for()
    form = page.get_by_test_id("issue-form")
    form.get_by_label("名称（对接系统）").fill("城市APP")
    form.get_by_label("限定单位").select_option(label=personas.hotline_centre.display_name)
    form.get_by_label("系统账号角色").select_option(value="hotline_operator")
    form.get_by_label("Open311 公众诉求接口（GeoReport v2）").check()
    form.get_by_role("button", name="签发密钥").click()
    secret = page.get_by_test_id("new-key").inner_text()
    assert secret.startswith("ys_")
    key = ApiToken.objects.get(kind="integration")
    assert key.areas == ["open311"] and key.prefix == secret[:10]

    page.reload()
    assert page.get_by_test_id("new-key").count() == 0  # shown once

    row = page.locator(f'tr[data-key="{key.prefix}"]')
    row.locator("summary").click()
    scope_form = row.locator("form").nth(0)
    scope_form.get_by_label("hotline").check()
    scope_form.get_by_placeholder("修改原因").fill("开通工单查询")
    scope_form.get_by_role("button", name="修改范围").click()
    page.get_by_text("的接口范围").wait_for()
    key.refresh_from_db()
    assert key.areas == ["hotline", "open311"]

    row = page.locator(f'tr[data-key="{key.prefix}"]')
    row.locator("summary").click()
    page.on("dialog", lambda dialog: dialog.accept())
    revoke = row.locator("form").nth(2)
    revoke.get_by_placeholder("撤销原因").fill("对接结束")
    revoke.get_by_role("button", name="撤销").click()
    page.get_by_text("已撤销").first.wait_for()
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditEvent.objects.filter(action__startswith="apikey.").count() == 3
