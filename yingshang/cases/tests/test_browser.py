"""Browser journeys (Playwright + chromium against the live server)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

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
    expect(page.locator('[name="f_applicant.name"]')).to_have_value("测试餐饮")  # from the profile
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
    assert "待窗口审核接收" in page.get_by_test_id("deficit-box").inner_text()
    assert Commitment.objects.get(case=case).status == "pending"

    # the clerk checks the supplied file and accepts it: only now is the commitment kept
    _as(page, browser_login, "clerk")
    page.goto(f"/staff/cases/{case.pk}/")
    page.get_by_test_id("review-supplement-floor_plan").get_by_role(
        "button", name="审核接收"
    ).click()
    page.wait_for_load_state()
    assert "容缺材料已补齐" in page.get_by_test_id("deficit-box").inner_text()
    assert Commitment.objects.get(case=case).status == "kept"

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
    assert "3/3" in page.get_by_test_id("tasks-progress").first.inner_text()
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
    assert page.get_by_test_id("case-status").inner_text() == "已终止办理"
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


def test_appointment_from_a_guide_carries_the_matter_and_the_centre_assigns_the_window(
    page, browser_login, personas, cat
):
    from yingshang.cases.models import Appointment
    from yingshang.cases.services import slots_ensure
    from yingshang.org.models import Window

    pickup = Window.objects.create(hall=personas.window.hall, number="07", name="出件窗口")
    for w in (personas.window, pickup):
        slots_ensure(window=w, days=3, capacity=2)
    _as(page, browser_login, personas.applicant.username)
    page.goto(f"/catalog/matters/{cat.matter.pk}/")
    page.get_by_role("link", name="预约窗口").first.click()
    page.wait_for_url(re.compile(rf"/cases/appointment/\?matter={cat.matter.pk}"))
    # the matter is chosen, the first free day is shown; times only, no window to choose
    assert page.get_by_label("办理事项").locator("option:checked").inner_text() == cat.matter.name
    times = page.get_by_test_id("free-times")
    assert "出件窗口" not in times.inner_text()
    assert times.get_by_role("button", name="预约").count() == 6
    page.get_by_label("日期").select_option(index=1)  # another day
    page.wait_for_load_state()
    page.get_by_role("button", name="预约 13:30").click()
    page.wait_for_load_state()
    assert "预约成功" in page.content()
    mine = page.get_by_test_id("my-appointments").inner_text()
    assert "13:30" in mine and cat.matter.name in mine
    appt = Appointment.objects.get(user=personas.applicant)
    assert appt.matter == cat.matter and appt.slot.window == personas.window


def test_a_package_reuses_what_its_first_member_produces(page, browser_login, personas, shop):
    """开办餐饮店: the 营业执照 and USCC come from its own 企业设立登记, so the applicant neither
    uploads nor types them; the food licence's handler sees them produced once it is approved."""
    reg, _food, package = shop
    _as(page, browser_login, personas.applicant.username)
    page.goto(f"/catalog/packages/{package.code}/")
    assert (
        "由本件内“企业设立登记”办理产出"
        in page.get_by_test_id("produced-business_licence").inner_text()
    )
    expect(page.get_by_test_id("produced-firm.uscc")).to_be_visible()
    page.get_by_role("link", name="在线办理").first.click()
    page.wait_for_url(re.compile(r"/cases/apply/package/"))
    expect(page.get_by_test_id("produced-business_licence")).to_be_visible()
    assert page.locator('[name="f_firm.uscc"]').count() == 0
    assert page.locator("#material_business_licence").count() == 0
    page.locator('[name="f_firm.name"]').fill("老街餐饮有限公司")
    page.locator('[name="f_firm.scope"]').fill("餐饮服务")
    page.locator('[name="f_shop.name"]').fill("老街小馆")
    for key in ("application_form", "articles", "plan"):
        page.locator(f"#material_{key}").set_input_files(_pdf(f"{key}.pdf"))
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/cases/mine/YS\d+/"))
    case = Case.objects.get()
    assert "待产出" in page.get_by_test_id("produced-business_licence").inner_text()

    _as(page, browser_login, "clerk")
    page.goto(f"/staff/cases/{case.pk}/")
    page.get_by_role("button", name="受理", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("case-status").inner_text() == "已受理"

    _as(page, browser_login, "handler_a")  # unit_a: 企业设立登记
    page.goto(f"/staff/cases/{case.pk}/")
    form = page.get_by_test_id(f"task-form-{reg.unit_id}")
    form.get_by_label("本事项产出的“统一社会信用代码”").fill("91139999MA0DEMX02M")
    form.get_by_role("button", name="同意", exact=True).click()
    page.wait_for_load_state()
    _as(page, browser_login, "handler_b")  # unit_b: 食品经营许可, the later member
    page.goto(f"/staff/cases/{case.pk}/")
    assert "已产出" in page.get_by_test_id("produced-business_licence").inner_text()
    assert "91139999MA0DEMX02M" in page.content()  # the USCC entered once, by its producer
