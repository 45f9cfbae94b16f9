"""The journey of issue 20: a supervisor generates the monthly ranking, downloads the Word and
Excel files (opened here), publishes it; the leader finds it on the county overview and drills
from a unit's rate to the work orders behind it."""

import re

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, browser_login, username):
    page.context.clear_cookies()
    browser_login(page, username)


def test_monthly_ranking_from_generation_to_the_leaders_drill_down(
    page, browser_login, dataset, tmp_path
):
    x = dataset
    page.on("dialog", lambda dialog: dialog.accept())
    _as(page, browser_login, "supervisor")
    page.goto("/staff/assessment/")
    page.get_by_label("期间").fill("2026-11")
    page.get_by_test_id("request-ranking").click()
    page.wait_for_url(re.compile(r"/staff/assessment/snapshots/\d+/$"))
    assert page.get_by_test_id("status").inner_text() == "草稿"
    table = page.get_by_test_id("ranking")
    expect(
        table.locator(f'tr[data-unit="{x.d.name}"]').get_by_test_id("insufficient")
    ).to_be_visible()
    with page.expect_download() as info:
        page.get_by_test_id("download-docx").click()
    path = tmp_path / "bulletin.docx"
    info.value.save_as(path)
    doc = Document(str(path))
    assert doc.paragraphs[0].text == "关于2026年11月考核排名情况的通报"
    ranked = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert ranked[1][:2] == ["1", x.b.name] and ranked[4][:2] == ["4", x.e.name]
    assert any(x.e.name in p.text for p in doc.paragraphs)  # 表态发言 list

    with page.expect_download() as info:
        page.get_by_test_id("download-xlsx").click()
    path = tmp_path / "workbook.xlsx"
    info.value.save_as(path)
    wb = load_workbook(path)
    ranking = list(wb["县直部门排名"].iter_rows(values_only=True))
    assert ranking[1][:3] == (1, x.b.name, 88.0)
    assert {row[1] for row in wb["指标明细"].iter_rows(min_row=2, values_only=True)} >= {
        x.a.name,
        x.e.name,
    }

    page.get_by_label("文号").fill("营商办〔2026〕12号")
    page.get_by_test_id("act-publish").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "已发布"
    assert x.e.name in page.get_by_test_id("listings").inner_text()

    _as(page, browser_login, "leader")
    page.goto("/staff/overview/")
    section = page.get_by_test_id("overview-assessment")
    assert x.b.name in section.inner_text()
    section.get_by_role("link", name="统计详情").click()
    page.wait_for_url(re.compile(r"/staff/assessment/snapshots/\d+/$"))
    row = page.get_by_test_id("ranking").locator(f'tr[data-unit="{x.a.name}"]')
    assert "90.00%" in row.inner_text()
    row.get_by_test_id("drill-hotline_response").click()
    page.wait_for_url(re.compile(r"/staff/hotline/kpis/orders/"))
    assert page.get_by_test_id("drill-total").inner_text() == "10"
