"""Browser journey: an owner registers a project, stage ② is approved in parallel by three
units while one returns it for correction (the project clock pauses), and the project ends
with 联合验收."""

import re

import pytest

from yingshang.cases.tests.conftest import PDF
from yingshang.projects.models import Project
from yingshang.projects.tests.conftest import CODE, finish_stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def _as(page, browser_login, username):
    page.context.clear_cookies()
    browser_login(page, username)


def _card(page, order):
    return page.locator(f'.stage-card[data-order="{order}"]')


def _staff_open(page, browser_login, username, project):
    _as(page, browser_login, username)
    page.goto(f"/staff/projects/{project.pk}/")


def test_owner_project_parallel_stage_two_with_a_return_and_joint_acceptance(
    page, browser_login, personas, world
):
    p = personas
    # the owner registers the project on the portal; a wrong USCC is refused first
    _as(page, browser_login, "firm")
    page.goto("/projects/new/")
    page.get_by_label("投资项目代码").fill(CODE)
    page.get_by_label("项目名称").fill("城东产业园标准厂房")
    page.get_by_label("建设单位统一社会信用代码").fill("91110000600037341L")
    page.get_by_label("建设地点").fill("测试县城东产业园")
    page.get_by_label("总投资（万元）").fill("12000")
    page.get_by_label("建筑面积（平方米）").fill("35000")
    page.get_by_role("button", name="登记项目").click()
    assert "未在企业档案中登记" in page.get_by_role("alert").inner_text()
    page.get_by_label("建设单位统一社会信用代码").fill(p.firm.uscc)
    page.get_by_role("button", name="登记项目").click()
    page.wait_for_url(re.compile(r"/projects/\d+/$"))
    project = Project.objects.get()
    finish_stage(p, world, project, 1)  # ① done by the units (service level)

    # stage ②: one form, one set of materials; the ① licence is not asked again
    page.reload()
    card = _card(page, 2)
    assert "已有证照，自动引用：建设用地规划许可证" in card.inner_text()
    card.locator('[name="m_application_form"]').set_input_files(_pdf("form.pdf"))
    card.locator('[name="m_env_report"]').set_input_files(_pdf("env.pdf"))
    card.get_by_role("button", name="提交本阶段申请").click()
    page.wait_for_load_state()
    assert _card(page, 2).locator(".stage-status").inner_text() == "审批中"

    # the window accepts: three parallel tasks go out
    _staff_open(page, browser_login, "clerk", project)
    _card(page, 2).get_by_role("button", name="受理并分送并联审批").click()
    page.wait_for_load_state()
    assert _card(page, 2).locator(".task-row").count() == 3

    # 自然资源 and 住建 agree; 生态环境 (unit a) returns for correction
    for username in ("handler_c", "handler_b"):
        _staff_open(page, browser_login, username, project)
        _card(page, 2).locator(".my-task").get_by_role("button", name="同意").click()
        page.wait_for_load_state()
    _staff_open(page, browser_login, "handler_a", project)
    _card(page, 2).get_by_label("需补正的全部事项（每行一项）").fill("环境影响报告表缺少噪声专章")
    _card(page, 2).get_by_role("button", name="退回补正").click()
    page.wait_for_load_state()

    # the owner sees the return; government time is paused
    _as(page, browser_login, "firm")
    page.goto(f"/projects/{project.pk}/")
    assert "暂停计时" in page.locator("#project-clock").inner_text()
    assert "环境影响报告表缺少噪声专章" in _card(page, 2).inner_text()
    _card(page, 2).get_by_label("补正材料").set_input_files(_pdf("noise.pdf"))
    _card(page, 2).get_by_role("button", name="提交补正").click()
    page.wait_for_load_state()
    assert "计时中" in page.locator("#project-clock").inner_text()

    # unit a agrees now; the lead unit closes the stage with the licence number
    _staff_open(page, browser_login, "handler_a", project)
    _card(page, 2).locator(".my-task").get_by_role("button", name="同意").click()
    page.wait_for_load_state()
    _staff_open(page, browser_login, "handler_c", project)
    _card(page, 2).get_by_label("建设工程规划许可证号编号").fill("建字第2026-088号")
    _card(page, 2).get_by_role("button", name="本阶段办结").click()
    page.wait_for_load_state()
    assert _card(page, 2).locator(".stage-status").inner_text() == "已办结"

    finish_stage(p, world, project, 3)  # ③ at service level

    # ④ 竣工验收: the owner submits, the window accepts, the lead unit holds 联合验收
    _as(page, browser_login, "firm")
    page.goto(f"/projects/{project.pk}/")
    _card(page, 4).locator('[name="m_application_form"]').set_input_files(_pdf("done.pdf"))
    _card(page, 4).get_by_role("button", name="提交本阶段申请").click()
    page.wait_for_load_state()
    _staff_open(page, browser_login, "clerk", project)
    _card(page, 4).get_by_role("button", name="受理并分送并联审批").click()
    page.wait_for_load_state()
    _staff_open(page, browser_login, "handler_b", project)
    _card(page, 4).get_by_role("button", name="联合验收通过").click()
    page.wait_for_load_state()
    assert "已竣工验收" in page.locator("main").inner_text()
    project.refresh_from_db()
    assert project.status == "completed"
    assert project.stages.get(order=2).returns == 1
