"""Browser journeys (Playwright + chromium against the live server)."""

import datetime as dt
import re

import pytest

from yingshang.audit.models import AuditEvent
from yingshang.cases import tasks
from yingshang.cases.models import ApprovalTask, Case
from yingshang.cases.tests.conftest import PDF
from yingshang.credit.models import Commitment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def _as(page, browser_login, username):
    page.context.clear_cookies()
    browser_login(page, username)


def _apply_for_restaurant_with_one_missing_deficit_material(page, browser_login):
    _as(page, browser_login, "firm")
    page.goto("/catalog/?q=餐饮")
    page.get_by_role("link", name="开办餐饮店").first.click()
    page.get_by_role("link", name="在线办理").first.click()
    assert page.locator('[name="f_applicant.name"]').input_value() == "测试餐饮"  # from the profile
    page.locator('[name="f_shop.name"]').fill("老街小馆")
    page.locator('[name="f_shop.area"]').fill("80")
    for key in ("application_form", "id_card", "health_cert"):  # floor_plan (可容缺) is missing
        page.locator(f"#material_{key}").set_input_files(_pdf(f"{key}.pdf"))
    page.get_by_label("我已阅读并签署容缺受理承诺书").check()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/cases/mine/YS\d+/"))
    assert page.get_by_test_id("case-status").inner_text() == "待受理"
    return Case.objects.get()


def _clerk_accepts_with_deficit(page, browser_login, case):
    _as(page, browser_login, "clerk")
    page.goto("/staff/cases/?q=to_accept")
    page.get_by_role("link", name=case.number).click()
    page.get_by_role("button", name="容缺受理").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("case-status").inner_text() == "已受理"
    case.refresh_from_db()
    assert case.deficit_open and case.deficit_items[0]["key"] == "floor_plan"


def test_applicant_gets_a_restaurant_opened_with_deficit_parallel_approval_and_hand_over(
    page, browser_login, personas, cat
):
    case = _apply_for_restaurant_with_one_missing_deficit_material(page, browser_login)
    _clerk_accepts_with_deficit(page, browser_login, case)

    # the applicant sees the 容缺 notice and supplies the missing material
    _as(page, browser_login, "firm")
    page.goto(f"/cases/mine/{case.number}/")
    assert "经营场所平面图" in page.get_by_test_id("deficit-box").inner_text()
    page.locator("#supply_floor_plan").set_input_files(_pdf("plan.pdf"))
    page.get_by_role("button", name="补交").click()
    page.wait_for_load_state()
    assert "容缺材料已补齐" in page.get_by_test_id("deficit-box").inner_text()

    # three units approve in parallel
    for username in ("handler_a", "handler_b", "handler_c"):
        _as(page, browser_login, username)
        page.goto("/staff/cases/tasks/")
        page.get_by_role("link", name=case.number).click()
        page.locator("[data-testid^=task-form-]").get_by_role(
            "button", name="同意", exact=True
        ).click()
        page.wait_for_load_state()
    assert ApprovalTask.objects.filter(case=case, status="done").count() == 3

    # the lead unit decides; the clerk hands over at the window
    _as(page, browser_login, "handler_a")
    page.goto(f"/staff/cases/{case.pk}/")
    assert page.get_by_test_id("tasks-progress").inner_text() == "3/3"
    page.get_by_role("button", name="准予", exact=True).click()
    page.wait_for_load_state()
    _as(page, browser_login, "clerk")
    page.goto("/staff/cases/?q=handover")
    page.get_by_role("link", name=case.number).click()
    page.get_by_label("送达方式").select_option("window_pickup")
    page.get_by_role("button", name="出件/送达").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("case-status").inner_text() == "已送达"

    case.refresh_from_db()
    assert case.status == "delivered" and case.decision == "approved" and not case.deficit_open
    assert Commitment.objects.get(case=case).status == "kept"
    actions = set(
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).values_list(
            "action", flat=True
        )
    )
    assert {
        "case.submit",
        "case.accept_with_deficit",
        "case.supply_documents",
        "case.task_done",
        "case.decide",
        "case.deliver",
    } <= actions


def test_unsupplied_deficit_terminates_the_case_and_the_credit_file_shows_it(
    page, browser_login, personas, cat
):
    case = _apply_for_restaurant_with_one_missing_deficit_material(page, browser_login)
    _clerk_accepts_with_deficit(page, browser_login, case)
    case.refresh_from_db()

    assert tasks.run_deficit_breaches(now=case.deficit_due_at + dt.timedelta(hours=1)) == 1

    _as(page, browser_login, "firm")
    page.goto(f"/cases/mine/{case.number}/")
    assert page.get_by_test_id("case-status").inner_text() == "已办结/已关闭"
    assert "终止办理" in page.locator("main").inner_text()
    page.goto("/credit/mine/")
    assert "未履行 1 项" in page.get_by_test_id("credit-summary").inner_text()
    row = page.get_by_test_id("commitments").inner_text()
    assert case.number in row and "未履行（违诺）" in row and "经营场所平面图" in row
    # staff in scope see the same file from the case page
    _as(page, browser_login, "clerk")
    page.goto(f"/staff/cases/{case.pk}/")
    page.get_by_role("link", name="查看申请人信用档案").click()
    assert "未履行（违诺）" in page.get_by_test_id("commitments").inner_text()
