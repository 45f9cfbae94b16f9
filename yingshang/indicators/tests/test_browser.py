"""The journey of issue 19: the 营商办 opens a round, the lead unit enters a value with
evidence, the 营商办 returns it, it is resubmitted and approved, the gap analysis shows it and
the flagged leaf becomes a ledger problem."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yingshang.demo.loaders.supervision import png
from yingshang.indicators.models import UnitTask, Value


def _logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_round_entry_return_resubmit_approve_gap(page, browser_login, personas, tree):
    # the 营商办 opens the third-quarter round
    browser_login(page, "supervisor")
    page.goto("/staff/indicators/periods/new/")
    page.get_by_label("期次代号").fill("2026Q3")
    page.get_by_label("期次名称").fill("2026年第三季度营商环境自评")
    page.get_by_label("统计起始日").fill("2026-07-01")
    page.get_by_label("统计截止日").fill("2026-09-30")
    page.get_by_role("button", name="开启").click()
    expect(page.get_by_test_id("value-list")).to_contain_text("开办企业费用")
    # the weekly dispatch view: one row per 指标长 with its working-day deadline
    page.goto("/staff/indicators/dispatch/")
    row = (
        page.get_by_test_id("dispatch-table")
        .get_by_role("row")
        .filter(has_text=personas.unit_a.display_name)
    )
    expect(row).to_be_visible()
    due = UnitTask.objects.get(unit=personas.unit_a).due_at
    expect(row).to_contain_text(timezone.localtime(due).strftime("%Y-%m-%d"))
    _logout(page)

    # 市场监管局 (指标长 of 开办企业) enters 开办企业费用 with a scan and submits it
    browser_login(page, "handler_a")
    page.goto("/staff/indicators/lead/")
    page.get_by_test_id("lead-table").get_by_role("link", name="开办企业费用").click()
    page.get_by_label("指标值（占人均收入%）").fill("3")
    page.get_by_label("佐证材料").set_input_files(
        {"name": "开办费用测算表.png", "mimeType": "image/png", "buffer": png()}
    )
    page.get_by_role("button", name="保存填报").click()
    expect(page.get_by_test_id("evidence")).to_contain_text("开办费用测算表.png")
    expect(page.get_by_test_id("score")).to_contain_text("40.00")
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_test_id("status")).to_have_text("待审核")
    url = page.url
    _logout(page)

    # the 营商办 returns it with a reason
    browser_login(page, "supervisor")
    page.goto(url)
    page.get_by_label("退回原因").fill("请附抽样企业名单")
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_test_id("status")).to_have_text("已退回")
    _logout(page)

    # the lead unit corrects the figure and resubmits
    browser_login(page, "handler_a")
    page.goto(url)
    expect(page.get_by_test_id("return-reason")).to_have_text("请附抽样企业名单")
    page.get_by_label("指标值（占人均收入%）").fill("2")
    page.get_by_label("佐证材料").set_input_files(
        {"name": "抽样企业名单.png", "mimeType": "image/png", "buffer": png()}
    )
    page.get_by_role("button", name="保存填报").click()
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_test_id("status")).to_have_text("待审核")
    _logout(page)

    # the 营商办 approves; the score counts and the gap analysis lists it
    browser_login(page, "supervisor")
    page.goto(url)
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_test_id("status")).to_have_text("已通过")
    v = Value.objects.get(indicator__name="开办企业费用")
    assert v.status == "approved" and str(v.value) == "2.0000" and v.evidence.count() == 2
    page.goto("/staff/indicators/gap/")
    row = page.get_by_test_id("gap-table").get_by_role("row").filter(has_text="开办企业费用")
    expect(row).to_contain_text("低于预警线")  # 100 × (5 − 2) / 5 = 60 < 70
    # (100 − 60) × 1/18 × 1/4 = 0.556 county points to win back
    expect(row.get_by_test_id("recoverable")).to_have_text("0.556")
    page.goto("/staff/indicators/")
    expect(page.get_by_test_id("county-score")).to_have_text("60.00")

    # the flagged leaf becomes a ledger problem of 市场监管局 in one step
    page.goto(url)
    page.get_by_role("button", name="转为问题台账").click()
    expect(page.get_by_test_id("problem")).to_be_visible()
    from yingshang.supervision.models import Problem

    problem = Problem.objects.get(source_type="indicator")
    assert problem.owner_unit == personas.unit_a and "开办企业费用" in problem.description

    # the county publishes the round; the public sees the score on the portal
    page.goto("/staff/indicators/")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="在门户公布得分").click()
    expect(page.get_by_test_id("publication")).to_contain_text("已于")
    _logout(page)
    page.goto("/indicators/")
    expect(page.get_by_test_id("public-score")).to_have_text("60.00")
