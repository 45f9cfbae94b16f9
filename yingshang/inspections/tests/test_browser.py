"""The journey of issue 23 in a browser: a joint plan by two units, the published commitment,
the draw and its reveal (checked against the commitment), an inspection recorded and its result
published, the firm objecting on the portal, and a quiet-day exception filed in time."""

import datetime as dt
import hashlib
import re

import pytest
from playwright.sync_api import expect

from yingshang.inspections.models import Inspection, Objection, QuietException
from yingshang.inspections.services import config
from yingshang.inspections.tests.setup import make_world
from yingshang.workcal import calendar


def _logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def _last_plain_workday(today: dt.date) -> dt.date:
    """The latest working day before today that is not a quiet day (days 21–31)."""
    day = today - dt.timedelta(days=1)
    while not (calendar.is_workday(day) and day.day > config().quiet_to):
        day -= dt.timedelta(days=1)
    return day


def _quiet_day_in_time(today: dt.date) -> dt.date:
    """The first quiet working day at least 3 working days ahead."""
    day = today + dt.timedelta(days=1)
    while not (
        calendar.is_workday(day)
        and day.day <= config().quiet_to
        and calendar.working_days_between(today, day) >= 3
    ):
        day += dt.timedelta(days=1)
    return day


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_joint_plan_draw_reveal_record_publish_object_and_quiet_day_exception(
    page, browser_login, personas
):
    make_world(personas, firms=5)
    today = dt.date.today()
    visited = _last_plain_workday(today)
    quiet = _quiet_day_in_time(today)

    # 市场监管局 plans a joint inspection with 住建局
    browser_login(page, "head_a")
    page.goto("/staff/inspections/plans/new/")
    page.get_by_label("计划名称").fill("年度食品与建筑安全联合抽查")
    page.get_by_label("测试县住房和城乡建设局", exact=True).check()
    page.get_by_label("测试县市场监督管理局 · 食品经营许可情况检查").check()
    page.get_by_label("测试县住房和城乡建设局 · 建筑施工安全检查").check()
    page.get_by_label("基础抽查比例（%）").fill("3")
    page.get_by_label("检查开始日期").fill((visited - dt.timedelta(days=10)).isoformat())
    page.get_by_label("检查结束日期").fill((quiet + dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="保存计划").click()
    expect(page.get_by_test_id("error")).to_contain_text("低于规定的最低比例5%")  # 3 % is refused
    page.get_by_label("基础抽查比例（%）").fill("100")
    page.get_by_label("测试县住房和城乡建设局", exact=True).check()
    page.get_by_label("测试县市场监督管理局 · 食品经营许可情况检查").check()
    page.get_by_label("测试县住房和城乡建设局 · 建筑施工安全检查").check()
    page.get_by_role("button", name="保存计划").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("草拟")
    expect(page.get_by_text("部门联合")).to_be_visible()
    plan_url = page.url

    # the commitment is published before the draw: hashes, no seed
    page.get_by_role("button", name="公示抽取承诺").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("已公示承诺")
    seed_hash = page.get_by_test_id("seed-hash").first.inner_text().strip()
    page.get_by_role("link", name="公示页").click()
    expect(page.get_by_test_id("not-revealed")).to_be_visible()
    expect(page.get_by_test_id("seed-hash")).to_have_text(seed_hash)

    # the draw reveals the seed, whose hash is the one committed
    page.goto(plan_url)
    page.get_by_role("button", name="抽取并揭示").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("已抽取")
    page.get_by_role("link", name="公示页").click()
    seed = page.get_by_test_id("seed").inner_text().strip()
    assert hashlib.sha256(bytes.fromhex(seed)).hexdigest() == seed_hash
    expect(page.get_by_test_id("draw-result")).to_contain_text("测试餐饮有限公司")
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    assert download.value.suggested_filename.endswith(".json")

    # the inspection of 测试餐饮 is recorded and published
    inspection = Inspection.objects.get(firm=personas.firm)
    page.goto(f"/staff/inspections/i/{inspection.pk}/")
    page.get_by_label("检查日期", exact=True).fill(visited.isoformat())
    page.get_by_role("button", name="安排检查日期").click()
    expect(page.get_by_test_id("scheduled-on")).to_contain_text(visited.isoformat())
    page.get_by_label("食品经营许可情况检查：从业人员健康证明").check()
    page.get_by_label("检查结果", exact=True).select_option(label="发现问题已责令整改")
    page.get_by_label("企业确认").select_option(label="企业已签字确认")
    page.get_by_label("企业签字人").fill("王经理")
    page.get_by_label("发现问题", exact=True).fill("2名从业人员健康证明过期")
    page.get_by_role("button", name="记录检查结果").click()
    expect(page.get_by_test_id("inspection-status")).to_have_text("已记录")
    expect(page.get_by_test_id("publish-due")).to_contain_text("20个工作日")
    page.get_by_label("结果说明", exact=True).fill("已责令限期整改")
    page.get_by_role("button", name="公示结果").click()
    expect(page.get_by_test_id("inspection-status")).to_have_text("已公示")

    # another firm's visit falls on a quiet day: refused, then filed 3 working days ahead
    other = Inspection.objects.filter(plan=inspection.plan).exclude(pk=inspection.pk).first()
    page.goto(f"/staff/inspections/i/{other.pk}/")
    page.get_by_label("检查日期", exact=True).fill(quiet.isoformat())
    page.get_by_role("button", name="安排检查日期").click()
    expect(page.get_by_test_id("error")).to_contain_text("企业宁静日")
    page.get_by_label("拟检查日期").fill(quiet.isoformat())
    page.get_by_label("例外事由").select_option(label="投诉举报核查")
    page.get_by_label("具体说明").fill("核查12345转来的食品安全举报")
    page.get_by_role("button", name="宁静日例外报备").click()
    page.get_by_label("检查日期", exact=True).fill(quiet.isoformat())
    page.get_by_role("button", name="安排检查日期").click()
    expect(page.get_by_test_id("scheduled-on")).to_contain_text(quiet.isoformat())
    assert QuietException.objects.filter(inspection=other, planned_on=quiet).exists()
    page.goto(f"/inspections/quiet-days/?month={quiet:%Y-%m}")
    expect(page.get_by_test_id("public-exceptions")).to_contain_text("投诉举报核查")
    page.goto("/staff/inspections/")
    _logout(page)

    # the public finds the result; the firm objects to it
    page.goto("/inspections/results/?q=测试餐饮")
    expect(page.get_by_test_id("results")).to_contain_text("发现问题已责令整改")
    browser_login(page, "firm")
    page.goto("/inspections/mine/")
    expect(page.get_by_test_id("my-result")).to_contain_text("发现问题已责令整改")
    page.get_by_label("异议内容").fill("健康证明已于检查前续办，附件可查")
    page.get_by_role("button", name="提出异议").click()
    expect(page.get_by_test_id("my-objection")).to_contain_text("待答复")
    assert Objection.objects.get().inspection_id == inspection.pk
    assert re.match(r"^[0-9a-f]{64}$", seed)


def test_a_case_opened_on_inspection_goes_into_the_credit_file_and_onto_the_public_page(
    page, browser_login, personas
):
    """立案查处 → the unit records the penalty decision from the inspection page; it opens in the
    firm's credit file and the public 信用公示 page lists it."""
    from yingshang.inspections import services
    from yingshang.inspections.tests.setup import joint_plan

    world = make_world(personas, firms=3)
    plan = joint_plan(world, ratio_bp=10000, units=[], matters=[world.matter_a])
    services.plan_commit(actor=personas.head_a, plan=plan)
    services.plan_draw(actor=personas.head_a, plan=plan)
    inspection = Inspection.objects.get(plan=plan, firm=personas.firm)
    Inspection.objects.filter(pk=inspection.pk).update(
        status="recorded", result="case", findings="销售超过保质期的食品12件"
    )
    browser_login(page, "head_a")
    page.goto(f"/staff/inspections/i/{inspection.pk}/")
    form = page.get_by_test_id("action-record_penalty")
    form.get_by_label("处罚决定书文号").fill("市监罚〔2026〕77号")
    form.get_by_label("处罚决定日期").fill(dt.date.today().isoformat())
    form.get_by_label("罚款、没收违法所得、没收非法财物").check()
    form.get_by_label("处罚依据").fill("《中华人民共和国食品安全法》第一百二十四条")
    form.get_by_role("button", name="录入处罚决定（信用档案）").click()
    page.get_by_test_id("penalty-link").click()
    expect(page.get_by_text("市监罚〔2026〕77号").first).to_be_visible()
    expect(page.get_by_text("销售超过保质期的食品12件").first).to_be_visible()
    page.goto(f"/credit/public/?q={personas.firm.uscc}")
    expect(page.get_by_test_id("public-rows")).to_contain_text("市监罚〔2026〕77号")
