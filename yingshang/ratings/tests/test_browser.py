"""Browser journeys (Playwright + Debian chromium against the live server)."""

import pytest
from playwright.sync_api import expect

from yingshang.ratings.models import Rating, Rectification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logout(page):
    page.context.clear_cookies()  # the next person signs in on their own browser


def test_applicant_rates_very_dissatisfied_unit_rectifies_supervisor_closes(
    page, browser_login, personas, make_case
):
    case = make_case()
    # the applicant rates the delivered case 非常不满意: one click records it
    browser_login(page, "zhangsan")
    page.goto("/ratings/mine/")
    card = page.get_by_test_id("pending-case").filter(has_text=case.number)
    card.get_by_role("button", name="非常不满意").click()
    page.wait_for_load_state()
    assert "已记录" in page.get_by_test_id("recorded").inner_text()
    rating = Rating.objects.get(case=case)
    assert rating.level == 1 and rating.rater == personas.applicant
    # …and the optional page asks for the problems
    page.get_by_label("办理时间长、超时办理").check()
    page.get_by_label("多次跑动").check()
    page.get_by_label("意见建议").fill("跑了三趟才办完")
    page.get_by_role("button", name="提交补充内容").click()
    page.wait_for_load_state()
    assert "感谢您的评价" in page.content()
    rating.refresh_from_db()
    assert rating.problems == ["slow", "many_visits"]
    rect = Rectification.objects.get(rating=rating)
    _logout(page)

    # the unit verifies and replies within the limits
    browser_login(page, "handler_a")
    page.goto("/staff/ratings/rectifications/")
    page.get_by_test_id("rect-table").get_by_role("link", name="办理").first.click()
    page.wait_for_load_state()
    assert "办理时间长、超时办理、多次跑动" in page.get_by_test_id("rect-problems").inner_text()
    page.get_by_label("核实情况").fill("经核实，材料审核环节积压，情况属实")
    page.get_by_role("button", name="提交核实").click()
    page.wait_for_load_state()
    page.get_by_label("处理方式").select_option(label="立行立改")
    page.get_by_label("整改答复").fill("已增派审核人员，承诺3个工作日内办结同类事项")
    page.get_by_role("button", name="提交答复").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("replied-on-time")).to_be_visible()
    # separation of duty: the rated unit does not record its own satisfaction callback
    assert page.get_by_label("回访记录").count() == 0
    assert page.get_by_test_id("rect-status").inner_text() == "待复核"
    _logout(page)

    # the supervisor calls the applicant back, reviews and closes
    browser_login(page, "supervisor")
    page.goto(f"/staff/ratings/rectifications/{rect.pk}/")
    page.get_by_label("回访结果").select_option(label="满意")
    page.get_by_label("回访记录").fill("电话回访张先生，对整改表示满意")
    page.get_by_role("button", name="保存回访").click()
    page.wait_for_load_state()
    page.get_by_label("复核意见").fill("整改到位")
    page.get_by_role("button", name="复核通过，办结").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("rect-status").inner_text() == "已办结"
    expect(page.get_by_test_id("timeline").get_by_text("复核办结")).to_be_visible()
    rect.refresh_from_db()
    assert (
        rect.status == "closed"
        and rect.verified_on_time
        and rect.replied_on_time
        and rect.callback_at
    )


def test_window_pad_kiosk_takes_a_rating_in_one_tap(page, browser_login, personas):
    browser_login(page, "clerk")
    page.goto(f"/ratings/pad/{personas.window.pk}/")
    expect(page.get_by_test_id("pad-idle")).to_be_visible()
    assert page.locator("header, nav").count() == 0  # kiosk: no workbench shell around it
    page.get_by_role("button", name="开始服务下一位（工作人员）").click()
    page.get_by_role("heading", name="请您为本次服务评价").wait_for()
    page.get_by_test_id("level-5").click()  # the applicant's one tap
    page.get_by_test_id("pad-thanks").wait_for()
    assert "非常满意" not in page.get_by_test_id("pad-thanks").inner_text()
    rating = Rating.objects.get()
    assert rating.level == 5 and rating.channel == "window_pad" and rating.anonymous
    assert rating.window == personas.window and rating.staff == personas.clerk
    # the pad returns to its idle screen by itself
    page.get_by_test_id("pad-idle").wait_for(timeout=10000)


def test_applicant_gives_a_bad_rating_and_adds_the_reasons_later(
    page, browser_login, personas, make_case
):
    case = make_case()
    browser_login(page, "zhangsan")
    page.goto("/ratings/mine/")
    page.get_by_test_id("pending-case").filter(has_text=case.number).get_by_role(
        "button", name="非常不满意"
    ).click()
    page.wait_for_load_state()
    assert "已记录" in page.get_by_test_id("recorded").inner_text()
    assert "我的评价" in page.get_by_test_id("details-until").inner_text()
    rating = Rating.objects.get(case=case)
    # no time now: the applicant leaves, signs out, and comes back another day
    page.goto("/")
    _logout(page)
    browser_login(page, "zhangsan")
    page.goto("/ratings/mine/")
    page.get_by_test_id("given").get_by_role("link", name="补充差评原因").click()
    page.wait_for_load_state()
    page.get_by_label("多次跑动").check()
    page.get_by_label("意见建议").fill("材料一次没说清，跑了三趟")
    page.get_by_role("button", name="提交补充内容").click()
    page.wait_for_load_state()
    assert "补充内容已提交" in page.content()
    rating.refresh_from_db()
    assert rating.problems == ["many_visits"] and rating.comment == "材料一次没说清，跑了三趟"
    page.goto("/ratings/mine/")
    assert "已补充" in page.get_by_test_id("given").inner_text()
    _logout(page)

    # the rated unit sees the reasons on its rectification, and cannot record the callback
    browser_login(page, "handler_a")
    page.goto(f"/staff/ratings/rectifications/{rating.rectification.pk}/")
    assert "多次跑动" in page.get_by_test_id("rect-problems").inner_text()
