"""Browser journeys of the leaders' dashboard and the 曝光台: a supervisor drafts and submits a
case, the leader approves it (it appears on the portal with the names and phone masked); the
leader opens the dashboard, clicks a heat-map cell and a table figure and lands on the work
orders behind them."""

import re

import pytest

from yingshang.assessment import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, browser_login, username):
    page.context.clear_cookies()
    browser_login(page, username)


def _publish(x):
    snapshot = services.snapshot_request(actor=x.p.supervisor, period_key="2026-11")
    services.snapshot_compute(snapshot.pk)
    snapshot.refresh_from_db()
    return services.snapshot_publish(actor=x.p.supervisor, snapshot=snapshot)


def test_exposure_published_and_dashboard_drill_down(page, browser_login, dataset):
    x = dataset
    _publish(x)
    page.on("dialog", lambda dialog: dialog.accept())

    # 曝光台: drafted and submitted by a supervisor …
    _as(page, browser_login, "supervisor")
    page.goto("/staff/assessment/exposures/")
    page.get_by_text("撰写案例").click()
    page.get_by_label("标题").fill("乙局窗口推诿扯皮")
    page.get_by_label("涉及单位").select_option(label=x.b.name)
    page.get_by_label("发生日期").fill("2026-11-05")
    page.get_by_label("案例内容").fill("窗口人员李四（13812345678）三次要求企业补交清单外材料。")
    page.get_by_label("需隐去的人名（逗号分隔）").fill("李四")
    page.get_by_test_id("create-exposure").click()
    page.wait_for_url(re.compile(r"/staff/assessment/exposures/\d+/$"))
    assert "李*" in page.get_by_test_id("public-text").inner_text()
    page.get_by_test_id("act-submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "待审核"
    assert page.get_by_test_id("act-approve").is_disabled()  # not by its author
    case_url = page.url

    # … approved by the leader, then on the portal with the personal data masked
    _as(page, browser_login, "leader")
    page.goto(case_url)
    page.get_by_test_id("act-approve").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "已发布"
    page.context.clear_cookies()
    page.goto("/assessment/exposures/")
    board = page.get_by_test_id("public-exposures").inner_text()
    assert "乙局窗口推诿扯皮" in board and "李四" not in board and "13812345678" not in board

    # the dashboard: a heat-map cell opens the orders behind the figure
    _as(page, browser_login, "leader")
    page.goto("/staff/assessment/dashboard/")
    heat = page.get_by_test_id("heatmap")
    page.wait_for_function(
        "el => window.echarts && window.echarts.getInstanceByDom(el)", arg=heat.element_handle()
    )
    assert page.get_by_test_id("radar").locator("canvas").count() == 1
    rows = page.evaluate(
        "el => window.echarts.getInstanceByDom(el).getOption().yAxis[0].data",
        heat.element_handle(),
    )
    y = rows.index(x.b.name)
    px = page.evaluate(
        "([el, y]) => window.echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [0, y])",
        [heat.element_handle(), y],
    )
    box = heat.bounding_box()
    page.mouse.click(box["x"] + px[0], box["y"] + px[1])
    page.wait_for_url(re.compile(rf"/staff/hotline/kpis/orders/\?.*unit={x.b.pk}"))
    assert page.get_by_test_id("drill-total").inner_text() == "10"

    # … and so does every figure of the table under it
    page.go_back()
    row = page.get_by_test_id("heat-table").locator(f'tr[data-unit="{x.a.name}"]')
    assert "90.00%" in row.inner_text()
    row.get_by_test_id("cell-hotline_response").click()
    page.wait_for_url(re.compile(rf"/staff/hotline/kpis/orders/\?.*unit={x.a.pk}"))
    assert page.get_by_test_id("drill-total").inner_text() == "10"
