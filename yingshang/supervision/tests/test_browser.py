import re

import pytest
from playwright.sync_api import expect

from yingshang.audit.models import AuditEvent
from yingshang.supervision.models import Problem
from yingshang.supervision.tests.sample import ledger, png

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_import_claim_report_request_closure_send_back_and_close(page, browser_login, personas):
    # the supervisor imports the county's 72-row ledger
    browser_login(page, "supervisor")
    page.goto("/staff/supervision/import/")
    page.get_by_label("Excel文件").set_input_files(
        {"name": "自查问题台账.xlsx", "mimeType": XLSX, "buffer": ledger(["市场监管局", "住建局"])}
    )
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_role("heading", name="核对列对应关系")).to_be_visible()
    expect(page.get_by_label("责任单位 *")).to_have_value("3")  # guessed from the header
    expect(page.get_by_test_id("preview")).to_contain_text("办事指南要件表述模糊")
    page.get_by_role("button", name="开始导入").click()
    expect(page.get_by_test_id("import-message")).to_contain_text("已导入72个问题")
    assert Problem.objects.count() == 72
    _logout(page)

    # 市场监管局 claims two of its problems, reports progress with a photo and asks for closure
    browser_login(page, "handler_a")
    mine = list(
        Problem.objects.filter(owner_unit=personas.unit_a, status="assigned").order_by("id")[:2]
    )
    for p in mine:
        page.goto(f"/staff/supervision/p/{p.pk}/")
        page.get_by_label("整改措施").fill("逐项细化一次性告知清单，挂出作战图")
        page.get_by_role("button", name="认领", exact=True).click()
        expect(page.get_by_test_id("status")).to_have_text("已认领")
        page.get_by_label("进展情况").fill("已修订办事指南并在窗口公示")
        page.get_by_label("完成比例（%）").fill("70")
        page.get_by_label("佐证材料（图片、PDF、Office文档）").set_input_files(
            {"name": "公示现场.png", "mimeType": "image/png", "buffer": png(8, 8)}
        )
        page.get_by_role("button", name="报送进展").click()
        expect(page.get_by_test_id("status")).to_have_text("整改中")
        expect(page.get_by_role("img", name="公示现场.png")).to_be_visible()
        page.get_by_label("整改完成情况").fill("全部整改到位")
        page.get_by_role("button", name="申请销号").click()
        expect(page.get_by_test_id("status")).to_have_text("申请销号")
    # another unit's problem is not reachable
    other = Problem.objects.filter(owner_unit=personas.unit_b).first()
    assert page.goto(f"/staff/supervision/p/{other.pk}/").status == 404
    page.goto("/staff/supervision/")
    _logout(page)

    # the supervisor sends one back and closes the other
    browser_login(page, "supervisor")
    page.goto(f"/staff/supervision/p/{mine[0].pk}/")
    page.get_by_role("button", name="退回重改").click()
    expect(page.get_by_test_id("form-error")).to_have_text("请填写退回原因")
    page.get_by_label("退回原因").fill("照片不能反映整改效果，请补充群众评价")
    page.get_by_role("button", name="退回重改").click()
    expect(page.get_by_test_id("status")).to_have_text("退回重改")
    expect(page.get_by_test_id("timeline")).to_contain_text("照片不能反映整改效果")
    page.goto(f"/staff/supervision/p/{mine[1].pk}/")
    page.get_by_label("核验意见").fill("现场核验属实")
    page.get_by_role("button", name="核验销号").click()
    expect(page.get_by_test_id("status")).to_have_text("已销号")
    page.goto("/staff/supervision/")
    expect(page.get_by_test_id("count-closed")).to_have_text("1")
    expect(page.get_by_test_id("count-reopened")).to_have_text("1")

    assert Problem.objects.get(pk=mine[0].pk).status == "reopened"
    assert Problem.objects.get(pk=mine[1].pk).status == "closed"
    assert AuditEvent.objects.filter(action="problem.close", object_id=str(mine[1].pk)).count() == 1
    assert re.match(r"WT\d{4}-\d{4}", mine[0].number)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_import_preview_shows_adjustments_and_aliases_and_the_importer_decides(
    page, browser_login, personas
):
    import datetime as dt
    import io
    from zoneinfo import ZoneInfo

    import time_machine
    from openpyxl import Workbook

    from yingshang.workcal import calendar

    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "问题描述", "责任单位", "完成时限", "状态"])
    ws.append([1, "周六到期的问题", "审批局", dt.date(2026, 12, 5), "整改中"])
    ws.append([2, "上周六已逾期的问题", personas.unit_b.name, dt.date(2026, 11, 21), "整改中"])
    ws.append([3, "工作日到期的问题", personas.unit_b.name, dt.date(2026, 12, 31), "整改中"])
    buf = io.BytesIO()
    wb.save(buf)

    monday = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(monday, tick=True):
        # the admin maps the spreadsheet's short name to the unit
        browser_login(page, "admin")
        page.goto("/staff/supervision/aliases/")
        page.get_by_label("别名").fill("审批局")
        page.get_by_label("对应单位").select_option(str(personas.unit_a.pk))
        page.get_by_role("button", name="保存别名").click()
        expect(page.get_by_test_id("aliases")).to_contain_text(personas.unit_a.name)
        _logout(page)

        browser_login(page, "supervisor")
        page.goto("/staff/supervision/import/")
        page.get_by_label("Excel文件").set_input_files(
            {"name": "台账.xlsx", "mimeType": XLSX, "buffer": buf.getvalue()}
        )
        page.get_by_role("button", name="上传").click()
        adjustments = page.get_by_test_id("adjustments")
        expect(adjustments).to_contain_text("2026-12-05是周末（周六）")
        expect(adjustments).to_contain_text("调整后将不再显示逾期")
        expect(page.get_by_test_id("adjustment-row")).to_have_count(2)
        expect(page.get_by_test_id("alias-uses")).to_contain_text(
            f"“审批局”按别名对应为“{personas.unit_a.name}”"
        )
        # accept the Saturday's move to Friday, keep the overdue one as it is
        page.get_by_test_id("adjustment-row").filter(has_text="周六到期的问题").get_by_label(
            "接受调整"
        ).check()
        page.get_by_role("button", name="开始导入", exact=True).click()
        expect(page.get_by_test_id("import-message")).to_contain_text("已导入3个问题")

        def day(description):
            return calendar.local_date(Problem.objects.get(description=description).deadline_at)

        assert day("周六到期的问题") == dt.date(2026, 12, 4)
        assert day("上周六已逾期的问题") == dt.date(2026, 11, 21)
        assert Problem.objects.get(description="上周六已逾期的问题").overdue
        assert Problem.objects.get(description="周六到期的问题").owner_unit == personas.unit_a
