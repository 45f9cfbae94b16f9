"""Browser: histories read in Chinese — a case's timeline and the 审计查询 page (issue 18)."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import transaction

from yingshang import audit
from yingshang.cases.tests.factories import CaseFactory
from yingshang.hotline.tests.factories import WorkOrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 06:05 UTC is 14:05 in the county
AT = dt.datetime(2026, 12, 7, 6, 5, tzinfo=dt.UTC)
ENGLISH_OR_RAW = re.compile(r"True|False|None|\[|\+00:00|UTC|— → —|[a-z]+\.[a-z_]+")


def test_case_timeline_and_audit_search_read_in_chinese(page, browser_login, personas, cat):
    with time_machine.travel(AT, tick=False):
        case = CaseFactory(personas=personas, matter=cat.matter, state="accepted")
        order = WorkOrderFactory(actor=personas.operator)
        with transaction.atomic():  # an unsatisfied callback, as the hotline records it
            audit.record(
                actor=personas.operator,
                action="hotline.callback",
                obj=order,
                before={"resolved": None, "satisfied": None},
                after={"resolved": False, "satisfied": False},
            )

    browser_login(page, "clerk")
    page.goto(f"/staff/cases/{case.pk}/")
    form = page.get_by_test_id("form-data")
    assert "门店名称" in form.inner_text() and "shop.name" not in form.inner_text()
    timeline = page.get_by_test_id("timeline")
    timeline.get_by_text("状态由“待受理”改为“已受理”").wait_for()
    text = timeline.inner_text()
    assert "提交申请" in text and "受理" in text and "2026年12月7日 14:05" in text
    assert not ENGLISH_OR_RAW.search(text), text

    page.context.clear_cookies()
    browser_login(page, "supervisor")
    page.get_by_role("link", name="审计查询").first.click()
    page.get_by_label("对象类型").select_option(label="工单")
    page.get_by_label("操作", exact=True).fill("回访")
    page.get_by_role("button", name="查询").click()
    results = page.get_by_test_id("audit-results")
    results.get_by_text("是否满意：否").wait_for()
    rows = results.locator("tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert "回访" in row and "工单" in row and "是否解决：否" in row
    assert "2026年12月7日 14:05" in row and "话务员" in row
    assert not ENGLISH_OR_RAW.search(row), row
    # the object types are offered by their Chinese names
    options = page.get_by_label("对象类型").locator("option").all_inner_texts()
    assert "办件" in options and not any(ENGLISH_OR_RAW.search(o) for o in options)
