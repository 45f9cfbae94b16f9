"""The journey of issue 22 (policies): a firm subscribes to its industry, receives the weekly
digest, applies for a policy item with its material, the review unit approves and pays it, and
the delivery rate on the statistics page goes from 0 % to 100 %."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yingshang.demo.loaders.supervision import png
from yingshang.policies import services
from yingshang.policies.models import Application, Policy
from yingshang.policies.services.calendar import week_of
from yingshang.workcal import periods

from .conftest import add_item, firm_account


def _out(page):
    page.context.clear_cookies()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_firm_gets_digest_applies_is_paid_and_rate_updates(page, browser_login, personas):
    today = periods.today()
    monday = timezone.make_aware(dt.datetime.combine(week_of(today), dt.time(9)))
    policy = services.policy_create(
        actor=personas.supervisor,
        owner_unit=personas.unit_a.pk,
        tags=["industry:C", "topic:funding"],
        title="示范县制造业技改奖补办法",
        issuer="示范县人民政府",
        document_number="示政〔2026〕12号",
        issued_on=today - dt.timedelta(days=5),
        effective_on=today - dt.timedelta(days=5),
        summary="制造业小微企业技改设备投资给予定额奖补。",
        interpretation="符合条件的小微制造业企业，每户奖补2万元。",
    )
    services.policy_publish(actor=personas.supervisor, policy=policy)
    Policy.objects.filter(pk=policy.pk).update(published_at=monday - dt.timedelta(days=2))
    policy.refresh_from_db()
    services.policy_create(
        actor=personas.supervisor,
        owner_unit=personas.unit_a.pk,
        tags=["industry:F"],
        title="批发零售业促消费补贴",
        issuer="示范县商务局",
        issued_on=today - dt.timedelta(days=5),
        effective_on=today - dt.timedelta(days=5),
        summary="零售业促消费。",
    )
    add_item(
        personas,
        policy,
        today,
        rule="行业 = C 且 规模 in [小型, 微型] 且 非 失信",
        materials=["设备购置发票"],
        title="技改设备奖补",
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=20),
    )
    firm, _user = firm_account(1, name="示范县精工机械有限公司", size="small", industry_code="C34")

    # the firm subscribes to its industry
    browser_login(page, "firm1")
    page.goto("/policies/subscribe/")
    page.get_by_label("C 制造业").check()
    page.get_by_role("button", name="保存订阅").click()
    expect(page.get_by_role("status")).to_contain_text("订阅已保存")
    _out(page)

    # Monday: the owner unit runs the week (the scheduler does the same at the first hour)
    browser_login(page, "handler_a")
    page.goto("/staff/policies/reviews/")
    page.get_by_role("button", name="生成本周梳理与政策周报").click()
    expect(page.get_by_role("status")).to_contain_text("1 家订阅企业")
    expect(page.get_by_test_id("reviews")).to_contain_text("示范县制造业技改奖补办法")
    page.goto("/staff/policies/delivery/")
    expect(page.get_by_test_id("delivery")).to_contain_text("示范县制造业技改奖补办法")
    _out(page)

    # the firm reads the digest in its inbox: its industry's policy, not the retail one
    browser_login(page, "firm1")
    page.goto("/staff/inbox/")
    expect(page.locator("main")).to_contain_text("政策周报")
    expect(page.locator("main")).to_contain_text("示范县制造业技改奖补办法")
    expect(page.locator("main")).not_to_contain_text("批发零售业促消费补贴")
    page.goto("/policies/")
    page.get_by_role("link", name="示范县制造业技改奖补办法").first.click()
    expect(page.get_by_test_id("interpretation")).to_contain_text("每户奖补2万元")
    page.get_by_role("link", name="申报：技改设备奖补").click()
    expect(page.get_by_test_id("check")).to_contain_text("符合申报条件")
    page.get_by_role("button", name="提交申报").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("缺少申报材料：设备购置发票")
    page.get_by_label("设备购置发票").set_input_files(
        {"name": "发票.png", "mimeType": "image/png", "buffer": png()}
    )
    page.get_by_role("button", name="提交申报").click()
    expect(page.get_by_role("status")).to_contain_text("申报已提交")
    expect(page.get_by_test_id("app-status")).to_have_text("待审核")
    number = Application.objects.get(firm=firm).number
    _out(page)

    # the review unit approves and pays; the delivery rate follows
    browser_login(page, "handler_a")
    page.goto("/staff/policies/queue/")
    page.get_by_role("link", name=number).click()
    expect(page.get_by_test_id("eligibility")).to_contain_text("行业门类：C 制造业")
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_test_id("status")).to_have_text("待拨付")
    page.goto("/staff/policies/delivery/")
    row = page.get_by_test_id("delivery").get_by_role("row", name="示范县制造业技改奖补办法")
    expect(row).to_contain_text("0.0%")
    page.go_back()
    page.get_by_label("凭证号").fill("PZ-2026-0018")
    page.get_by_role("button", name="登记拨付").click()
    expect(page.get_by_test_id("status")).to_have_text("已拨付")
    expect(page.get_by_test_id("payment")).to_contain_text("20000.00 元")
    page.goto("/staff/policies/delivery/")
    expect(row).to_contain_text("100.0%")
    expect(row).to_contain_text("20000.00")
    _out(page)

    # the firm sees the money arrived
    browser_login(page, "firm1")
    page.goto("/policies/mine/")
    expect(page.get_by_test_id("app-status")).to_have_text("已拨付")
    expect(page.get_by_test_id("mine")).to_contain_text("PZ-2026-0018")
