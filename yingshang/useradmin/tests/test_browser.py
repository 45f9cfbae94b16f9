"""Browser journey (issue 18, "Nothing may get stuck"): a 开办餐饮店 case waits on a task at a
unit with no account; the administrator opens an account for 生态环境分局 and grants the
handler role, the lead unit's head reassigns the stuck task there from the 无人办理看板, the new
handler approves it with the one-time password, and the case is decided and handed over."""

import re

import pytest

from yingshang.audit.models import AuditEvent
from yingshang.cases import services as cases
from yingshang.cases.models import ApprovalTask
from yingshang.cases.tests.conftest import _matter, all_files, cat, form_for  # noqa: F401
from yingshang.catalog import services as catalog
from yingshang.org.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, browser_login, username, password=None):
    page.context.clear_cookies()
    browser_login(page, username, password)


def _unit(personas, code, name):
    unit = Unit.objects.create(
        code=code, name=name, kind=Unit.Kind.DEPARTMENT, parent=personas.county
    )
    unit.path = f"{personas.county.path}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


@pytest.fixture
def stuck_case(personas, cat):  # noqa: F811
    """A restaurant package whose 排污登记 goes to the old 环境保护局, which has no account."""
    old = _unit(personas, "hbj", "示范县环境保护局")
    _unit(personas, "sthj", "示范县生态环境分局")
    discharge = _matter(personas.admin, old, "XK00901000", "排污登记", promised=5)
    package = catalog.package_create(
        actor=personas.admin,
        code="open-restaurant-2",
        name="开办餐饮店（含排污登记）",
        lead_unit=personas.unit_a,
        promised_limit_days=5,
        matters=[cat.matter, discharge],
    )
    case = cases.case_submit(
        actor=personas.firm_user,
        package=package,
        form_data=form_for(personas.firm_user),
        files=all_files(),
        channel="online",
    )
    return cases.case_accept(actor=personas.clerk, case=case)


def test_admin_opens_an_account_the_head_reassigns_and_the_new_unit_approves(
    page, browser_login, personas, stuck_case
):
    case = stuck_case
    task = case.tasks.get(unit__code="hbj")

    # the administrator creates the 生态环境分局 handler from the workbench menu
    _as(page, browser_login, "admin")
    page.goto("/staff/")
    page.get_by_role("link", name="账号管理").click()
    page.get_by_test_id("new-user").click()
    page.get_by_label("用户名").fill("sthj_handler")
    page.get_by_label("姓名").fill("生态环境-蒋蓉")
    page.get_by_label("手机号码").fill("13900000777")
    page.get_by_label("角色").select_option(label="部门经办人")
    page.get_by_label("所在单位").select_option(label="示范县生态环境分局")
    page.get_by_role("button", name="创建账号").click()
    page.wait_for_url(re.compile(r"/staff/accounts/\d+/"))
    password = page.get_by_test_id("new-password").inner_text().strip()
    assert "示范县生态环境分局" in page.get_by_test_id("grants").inner_text()

    # the lead unit's head finds the stuck task on the board and reassigns it
    _as(page, browser_login, "head_a")
    page.goto("/staff/")
    page.get_by_role("link", name="无人办理看板").click()
    row = page.get_by_test_id(f"stuck-task-{task.pk}")
    assert "示范县环境保护局" in row.inner_text()
    row.get_by_label("改派给").select_option(label="示范县生态环境分局")
    row.get_by_label("改派理由").fill("机构改革后排污登记由生态环境分局办理")
    row.get_by_role("button", name="改派").click()
    page.wait_for_load_state()
    assert "已改派" in page.locator("main").inner_text()
    assert page.get_by_test_id(f"stuck-task-{task.pk}").count() == 0

    # the new handler logs in with the one-time password and approves the task
    _as(page, browser_login, "sthj_handler", password)
    page.goto("/staff/cases/tasks/")
    page.wait_for_url("**/staff/password/")  # the one-time password is replaced first
    page.get_by_label("当前密码").fill(password)
    page.get_by_label("新密码", exact=True).fill("Sthj2026newpass")
    page.get_by_label("再次输入新密码").fill("Sthj2026newpass")
    page.get_by_role("button", name="保存新密码").click()
    page.wait_for_load_state()
    page.goto("/staff/cases/tasks/")
    page.get_by_role("link", name=case.number).click()
    page.locator("[data-testid^=task-form-]").get_by_role("button", name="同意", exact=True).click()
    page.wait_for_load_state()

    # the lead unit approves its own part and decides; the clerk hands over
    _as(page, browser_login, "handler_a")
    page.goto(f"/staff/cases/{case.pk}/")
    page.locator("[data-testid^=task-form-]").get_by_role("button", name="同意", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("tasks-progress").inner_text() == "2/2"
    page.get_by_role("button", name="准予", exact=True).click()
    page.wait_for_load_state()
    _as(page, browser_login, "clerk")
    page.goto(f"/staff/cases/{case.pk}/")
    page.get_by_label("送达方式").select_option("window_pickup")
    page.get_by_role("button", name="出件/送达").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("case-status").inner_text() == "已送达"

    task.refresh_from_db()
    assert task.unit.code == "sthj" and task.status == ApprovalTask.Status.DONE
    assert task.decided_by.username == "sthj_handler"
    event = AuditEvent.objects.get(
        action="case.task_reassign", object_type="cases.case", object_id=str(case.pk)
    )
    assert event.actor.username == "head_a" and "机构改革" in event.reason
