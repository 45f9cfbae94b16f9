"""Browser journeys of the hotline (Playwright + Debian chromium against the live server)."""

import re

import pytest
from playwright.sync_api import expect

from yingshang.hotline.models import WorkOrder
from yingshang.notify.models import Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def as_user(browser, live_server, browser_login):
    contexts = []

    def _open(username):
        context = browser.new_context(
            locale="zh-CN", base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        browser_login(page, username)
        return page

    yield _open
    for c in contexts:
        c.close()


def _order_page(page, order):
    page.goto(f"/staff/hotline/orders/{order.pk}/")
    page.get_by_test_id("order-number").wait_for()


def _status(page, text):
    page.get_by_test_id("order-status").filter(has_text=text).wait_for()


def test_call_to_close_with_extension_and_redo(as_user, personas, topic):
    op = as_user("operator")
    op.goto("/staff/hotline/console/")
    assert (
        op.evaluate("document.activeElement.id") == "id_caller_phone"
    )  # autofocus: type straight away
    op.keyboard.type("13812345678")
    op.get_by_label("来电人", exact=True).fill("李四")
    op.get_by_role("combobox", name="诉求类别", exact=True).select_option("complaint")
    op.get_by_role("combobox", name="分类", exact=True).select_option(str(topic.pk))
    op.get_by_role("textbox", name="诉求内容", exact=True).fill(
        "人民路老王面馆食品安全问题严重，后厨有老鼠，食品过期，请市场监管部门查处。"
    )
    suggestion = op.locator(".js-suggest").first
    try:
        suggestion.wait_for(timeout=5000)
        suggestion.click()  # accept the dispatch suggestion
        accepted = True
    except Exception:  # no suggestion (smart dispatch not available): pick the unit
        op.get_by_role("combobox", name="主办单位", exact=True).select_option(
            str(personas.unit_a.pk)
        )
        accepted = False
    print("dispatch suggestion accepted:", accepted)
    assert op.get_by_role("combobox", name="主办单位", exact=True).input_value() == str(
        personas.unit_a.pk
    )
    op.get_by_test_id("register-dispatch").click()
    op.get_by_text(re.compile(r"工单 GD\d+ 已登记")).wait_for()
    order = WorkOrder.objects.get(caller_phone="13812345678")
    assert order.status == "awaiting_sign" and order.main_unit == personas.unit_a
    if accepted:  # the audit records the suggestion that was shown
        from yingshang.audit.models import AuditEvent

        event = AuditEvent.objects.get(action="hotline.dispatch", object_id=str(order.pk))
        assert event.changes["suggested_unit_id"][1] == personas.unit_a.pk

    unit = as_user("handler_a")
    _order_page(unit, order)
    unit.get_by_test_id("sign").click()
    _status(unit, "办理中")
    unit.get_by_label("延期工作日", exact=True).fill("5")
    unit.get_by_label("延期理由", exact=True).fill("需要联合检测机构抽检，结果需要时间")
    unit.get_by_role("button", name="申请延期").click()
    unit.get_by_text("延期申请 5 个工作日").wait_for()

    _order_page(op, order)
    op.get_by_role("button", name="批准延期").click()
    op.get_by_text("已批准").first.wait_for()
    assert Message.objects.filter(
        channel="sms", address="13812345678"
    ).exists()  # the caller is told

    _order_page(unit, order)
    unit.get_by_label("办理结果", exact=True).fill("已现场检查，责令停业整改，罚款五千元。")
    unit.get_by_test_id("reply-submit").click()
    _status(unit, "待审核")

    _order_page(op, order)
    op.get_by_role("button", name="审核通过").click()
    _status(op, "待回访")
    # 不满意 → 重办 in one step: the reason, one button, back to the unit
    op.get_by_label(re.compile("不满意且属承办单位原因")).fill("来电人反映面馆仍在营业，未整改")
    op.get_by_role("button", name="不满意，退回重办").click()
    _status(op, "办理中")
    # the approved extension is carried over, and the page says so
    op.get_by_test_id("redo-rule").filter(has_text="带入已批准的延期（5个工作日）").wait_for()
    order.refresh_from_db()
    assert order.redo_count == 1 and order.callback_note == "来电人反映面馆仍在营业，未整改"

    _order_page(unit, order)
    unit.get_by_label("办理结果", exact=True).fill("再次检查，面馆已停业整改完毕，复查合格。")
    unit.get_by_test_id("reply-submit").click()
    _status(unit, "待审核")

    _order_page(op, order)
    op.get_by_role("button", name="审核通过").click()
    _status(op, "待回访")
    op.get_by_role("button", name="已解决").click()
    op.get_by_role("button", name="满意", exact=True).click()
    op.get_by_test_id("callback-result").filter(has_text="满意 是").wait_for()
    op.get_by_role("button", name="办结").click()
    _status(op, "已办结")
    order.refresh_from_db()
    assert order.status == "closed" and order.redo_count == 1 and order.satisfied is True
    assert op.get_by_test_id("timeline").get_by_text("重办").count() >= 1


def test_citizen_submits_on_the_portal_and_looks_it_up(page, personas, topic):
    page.goto("/")
    page.get_by_role("link", name="我要反映").first.click()
    page.get_by_role("textbox", name="姓名", exact=True).fill("孙七")
    page.get_by_role("textbox", name="手机号码", exact=True).fill("13911112222")
    page.get_by_role("combobox", name="诉求类别", exact=True).select_option("help")
    page.get_by_role("textbox", name="诉求内容", exact=True).fill(
        "小区门口路灯坏了一个月了，晚上很不安全，请尽快修复。"
    )
    page.get_by_test_id("portal-submit").click()
    number = page.get_by_test_id("portal-number").inner_text()
    assert WorkOrder.objects.get(number=number).channel == "web"

    page.goto("/hotline/lookup/")
    page.get_by_label("工单编号", exact=True).fill(number)
    page.get_by_label("提交时填写的手机号码", exact=True).fill("13911112222")
    page.get_by_test_id("lookup").click()
    result = page.get_by_test_id("lookup-result")
    result.wait_for()
    assert (
        "139****2222" in result.inner_text()
        and "已登记" in page.get_by_test_id("lookup-status").inner_text()
    )


def test_supervisor_edits_a_limit_rule_and_sees_the_kpi_chart(
    page, personas, browser_login, dispatched
):
    from yingshang.hotline.limits import ensure_defaults
    from yingshang.hotline.models import KpiConfig, LimitRule

    ensure_defaults()  # a transactional test starts from flushed tables
    dispatched()
    KpiConfig.objects.update_or_create(
        pk=1, defaults={"min_sample": 1}
    )  # one order is enough to be ranked
    browser_login(page, "supervisor")
    page.goto("/staff/hotline/settings/")
    rule = LimitRule.objects.get(purpose="handle", category="consult", urgency="")
    amount = page.locator(f'input[form="rule-{rule.pk}"][name="amount"]')
    amount.fill("2")
    page.locator(f"#rule-{rule.pk} button").click()
    page.get_by_text("已保存。").wait_for()
    rule.refresh_from_db()
    assert rule.amount == 2
    page.goto("/staff/hotline/kpis/")
    page.locator(".chart canvas").first.wait_for()
    assert "测试县市场监督管理局" in page.get_by_test_id("kpi-table").inner_text()


def test_co_unit_gives_an_opinion_and_the_main_unit_sees_it(as_user, personas, make_order):
    from yingshang.hotline import services

    order = services.workorder_dispatch(
        actor=personas.operator,
        order=make_order(),
        main_unit=personas.unit_a,
        co_units=[personas.unit_b],
    )
    services.workorder_sign(actor=personas.handler_a, order=order)

    co = as_user("handler_b")
    co.goto("/staff/hotline/queue/")
    co.get_by_test_id("queue-co_pending").click()
    co.get_by_role("link", name=order.number).click()
    co.get_by_test_id("co-unit-badge").wait_for()
    assert co.get_by_test_id("reply-submit").count() == 0  # no main-unit actions
    co.get_by_label("测试县住房和城乡建设局的协办意见").fill(
        "经核查，该店无违章搭建，住建局无异议。"
    )
    co.get_by_test_id("co-opinion-submit").click()
    co.get_by_text("操作已完成").wait_for()
    assert co.get_by_test_id("co-opinion-submit").inner_text() == "修改协办意见"

    main = as_user("handler_a")
    _order_page(main, order)
    opinions = main.get_by_test_id("co-opinions")
    opinions.get_by_text("经核查，该店无违章搭建，住建局无异议。").wait_for()
    assert "测试县住房和城乡建设局" in opinions.inner_text() and "住建经办" in opinions.inner_text()
    expect(main.get_by_test_id("reply-submit")).to_be_visible()
    assert Message.objects.filter(recipient=personas.handler_a, body__contains="协办意见").exists()
