"""Stages in order, parallel approval through cases, returns that pause government time, and
licences entered once. Clock figures are hand-computed on the 2026 calendar: 9月20日 (Sunday)
is a 调休 working day, 9月25日 (中秋) and 10月1–7日 (国庆) are off, 10月10日 (Saturday) works."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from yingshang.audit.models import AuditEvent
from yingshang.cases.models import ApprovalTask, Document
from yingshang.cases.tests.conftest import pdf
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.projects import services
from yingshang.projects.models import Project, ProjectLicence, ProjectStage
from yingshang.projects.tests.conftest import (
    accept,
    approve_all_tasks,
    finish_stage,
    handler_for,
    make_project,
    stage_of,
    submit,
)

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=TZ)


def test_project_clock_counts_government_time_only_across_pauses_and_tiaoxiu(personas, world):
    p = personas
    project = make_project(p, world)
    # ① Mon 9-14 → Fri 9-18: Tue, Wed, Thu, Fri = 4 working days
    s1 = finish_stage(p, world, project, 1, at=at(9, 14), done=at(9, 18))
    assert s1.days_used == Decimal(4) and not s1.late
    project.refresh_from_db()
    assert project.gov_days_used == Decimal(4)
    assert project.clock_state == "paused"  # the owner's turn: preparing stage ②
    # ② submitted on Sunday 9-20, a 调休 working day; returned on Mon 9-28:
    # 9-21, 22, 23, 24, (25 中秋 off, 26–27 weekend), 28 = 5 working days
    s2 = submit(p, project, 2, at=at(9, 20))
    accept(p, s2, at=at(9, 20))
    task = ApprovalTask.objects.get(case=s2.case, unit=p.unit_a)
    services.stage_return(
        actor=p.handler_a, stage=s2, task=task, items=["环境影响报告表缺少噪声专章"], at=at(9, 28)
    )
    project.refresh_from_db()
    assert project.gov_days_used == Decimal(9) and project.clock_state == "paused"
    # the whole 国庆 holiday and 10-10 (a Saturday working day) are the owner's time:
    # resubmitted Mon 10-12, approved Wed 10-14 = 2 more working days
    services.stage_resubmit(
        actor=p.firm_user, stage=s2, files={"env_report": [pdf()]}, at=at(10, 12)
    )
    approve_all_tasks(p, world, s2, at=at(10, 13))
    s2 = services.stage_approve(
        actor=world.handler_c,
        stage=s2,
        licences={"permit.planning_no": "建字第2026-088号"},
        at=at(10, 14),
    )
    assert s2.days_used == Decimal(7) and s2.returns == 1
    project.refresh_from_db()
    assert project.gov_days_used == Decimal(11)


def test_a_return_pauses_every_clock_and_feeds_the_suspicious_returns_report(personas, world):
    from yingshang.audit.models import ReturnRecord

    p = personas
    project = make_project(p, world)
    finish_stage(p, world, project, 1, at=at(9, 14))
    s2 = submit(p, project, 2, at=at(9, 21))
    accept(p, s2, at=at(9, 21))
    task = ApprovalTask.objects.get(case=s2.case, unit=p.unit_b)
    services.stage_return(
        actor=p.handler_b, stage=s2, task=task, items=["人防面积计算书"], at=at(9, 22)
    )
    s2.refresh_from_db()
    assert s2.status == "correcting" and s2.clock_state == "paused"
    assert set(ApprovalTask.objects.filter(case=s2.case).values_list("clock_state", flat=True)) == {
        "paused"
    }
    assert ReturnRecord.objects.filter(unit=p.unit_b, kind="return").count() == 1
    assert AuditEvent.objects.filter(action="project.stage_return").exists()


def test_a_unit_without_a_pending_task_cannot_return(personas, world):
    p = personas
    project = make_project(p, world)
    s1 = submit(p, project, 1, at=at(9, 14))
    accept(p, s1, at=at(9, 14))
    task = ApprovalTask.objects.get(case=s1.case, unit=world.unit_c)
    with pytest.raises(PermissionDeniedError):
        services.stage_return(actor=p.handler_b, stage=s1, task=task, items=["x"], at=at(9, 15))
    assert stage_of(project, 1).status == "in_review"


def test_a_later_stage_reuses_the_licence_of_an_earlier_one(personas, world):
    p = personas
    project = make_project(p, world)
    finish_stage(
        p, world, project, 1, at=at(9, 14), licences={"land_use_permit": "地字第2026-017号"}
    )
    # ② asks for the 建设用地规划许可证: the owner does not upload it again
    s2 = submit(
        p, project, 2, at=at(9, 21), files={"application_form": [pdf()], "env_report": [pdf()]}
    )
    assert "land_use_permit" in s2.reused
    assert Document.objects.filter(case=s2.case, material_key="land_use_permit").count() == 1
    approve_all_tasks_after_accept = accept(p, s2, at=at(9, 21))
    assert approve_all_tasks_after_accept.status == "accepted"  # complete without the owner's copy
    approve_all_tasks(p, world, s2, at=at(9, 22))
    services.stage_approve(
        actor=world.handler_c,
        stage=s2,
        licences={"permit.planning_no": "建字第2026-088号"},
        at=at(9, 23),
    )
    # ③'s form asks for the 建设工程规划许可证号: filled from stage ②'s licence
    s3 = submit(p, project, 3, at=at(9, 24), files={"application_form": [pdf()]})
    assert s3.case.form_data["permit.planning_no"] == "建字第2026-088号"
    assert "permit.planning_no" in s3.reused
    assert ProjectLicence.objects.filter(project=project).count() == 2


def test_regional_assessment_waives_its_material(personas, world):
    p = personas
    project = make_project(p, world, assessments=[world.assessment])
    finish_stage(p, world, project, 1, at=at(9, 14))
    s2 = submit(p, project, 2, at=at(9, 21), files={"application_form": [pdf()]})
    assert s2.waived == ["env_report"]


def test_stage_out_of_order_is_refused_with_a_clear_message(personas, world):
    p = personas
    project = make_project(p, world)
    with pytest.raises(DomainError) as exc:
        submit(p, project, 3, at=at(9, 14))
    assert exc.value.code == "PROJECT_STAGE_OUT_OF_ORDER"
    assert "第①阶段“立项用地规划许可”尚未办结" in exc.value.message
    assert stage_of(project, 3).status == "not_started" and stage_of(project, 3).case is None


def test_approval_before_every_parallel_task_is_back_is_refused(personas, world):
    p = personas
    project = make_project(p, world)
    finish_stage(p, world, project, 1, at=at(9, 14))
    s2 = submit(p, project, 2, at=at(9, 21))
    accept(p, s2, at=at(9, 21))
    with pytest.raises(DomainError) as exc:
        services.stage_approve(
            actor=world.handler_c, stage=s2, licences={"permit.planning_no": "X"}, at=at(9, 22)
        )
    assert exc.value.code == "CASE_TASKS_PENDING"
    assert stage_of(project, 2).status == "in_review"
    assert not ProjectLicence.objects.filter(stage=s2).exists()


def test_unknown_uscc_and_bad_code_are_refused_naming_the_field(personas, world):
    p = personas
    with pytest.raises(InvalidInput) as exc:
        services.project_create(
            actor=p.firm_user,
            code="2026-139999-47-01-000124",
            name="X",
            uscc="91110000600037341L",
            project_type=world.ptype,
            location="城东",
            investment="100",
            area="10",
        )
    assert exc.value.code == "PROJECT_FIRM_UNKNOWN" and exc.value.details["field"] == "uscc"
    assert "未在企业档案中登记" in exc.value.message
    with pytest.raises(InvalidInput) as exc:
        services.project_create(
            actor=p.firm_user,
            code="2026-13999-47-01-000124",
            name="X",
            uscc=p.firm.uscc,
            project_type=world.ptype,
            location="城东",
            investment="100",
            area="10",
        )
    assert exc.value.code == "PROJECT_CODE_INVALID" and exc.value.details["field"] == "code"
    assert Project.objects.count() == 0


def test_completion_by_joint_acceptance_stops_the_project_clock(personas, world):
    p = personas
    project = make_project(p, world, ptype=world.low_risk)
    for order, day in ((1, 14), (2, 15), (3, 16), (4, 17)):
        finish_stage(p, world, project, order, at=at(9, day))
    project.refresh_from_db()
    s4 = stage_of(project, 4)
    # 联合验收: one joint case its lead unit decides, no separate parallel tasks
    assert (
        s4.case.matter.name == "竣工联合验收"
        and not ApprovalTask.objects.filter(case=s4.case).exists()
    )
    assert project.status == "completed" and project.clock_state == ""
    # each stage was decided the day it was submitted: no government day used
    assert project.gov_days_used == Decimal(0) and project.total_limit_days == 20
    assert AuditEvent.objects.filter(action="project.complete").exists()
    assert ProjectStage.objects.filter(project=project, status="approved").count() == 4


def test_the_windows_one_time_notice_is_the_owners_time_too(personas, world):
    """一次性告知 at the window, before the member units see the stage: the stage and project
    clocks stop until the owner resubmits. ① submitted Mon 9-14, notice Wed 9-16 (15, 16 = 2
    days); resubmitted Mon 9-21 (the 调休 Sunday 9-20 is the owner's), approved Wed 9-23
    (22, 23 = 2 more): 4 working days, where a clock that kept running would count 8."""
    from yingshang.cases import services as cases

    p = personas
    project = make_project(p, world)
    s1 = submit(p, project, 1, at=at(9, 14))
    cases.case_request_correction(
        actor=p.clerk, case=s1.case, items=["申请表缺少项目代码"], at=at(9, 16)
    )
    project.refresh_from_db()
    s1.refresh_from_db()
    assert project.clock_state == "paused" and project.gov_days_used == Decimal(2)
    assert s1.clock_state == "paused"
    assert AuditEvent.objects.filter(action="project.intake_correction").exists()
    cases.case_resubmit(actor=p.firm_user, case=s1.case, at=at(9, 21))
    project.refresh_from_db()
    assert project.clock_state == "running"
    accept(p, s1, at=at(9, 21))
    approve_all_tasks(p, world, s1, at=at(9, 23))
    lead = handler_for(p, world, s1.lead_unit_id)
    wanted = {d["key"]: f"许字第2026-1{i}号" for i, d in enumerate(s1.definition.produces)}
    s1 = services.stage_approve(actor=lead, stage=s1, licences=wanted, at=at(9, 23))
    assert s1.days_used == Decimal(4)
    project.refresh_from_db()
    assert project.gov_days_used == Decimal(4)


def test_a_refused_stage_submitted_again_keeps_its_refused_case(personas, world, login):
    """不予许可 then a new submission: the stage's new case is the live one and the refused case
    stays linked to the stage, shown on the project page (nothing disappears from history)."""
    from yingshang.cases import services as cases

    p = personas
    project = make_project(p, world)
    s1 = submit(p, project, 1, at=at(9, 14))
    accept(p, s1, at=at(9, 14))
    for task in ApprovalTask.objects.filter(case_id=s1.case_id, status="pending"):
        cases.task_decide(
            actor=handler_for(p, world, task.unit_id),
            task=task,
            decision="not_approved",
            opinion="选址不符合国土空间规划",
            at=at(9, 16),
        )
    lead = handler_for(p, world, s1.lead_unit_id)
    s1 = services.stage_refuse(actor=lead, stage=s1, reasons="选址不符合国土空间规划", at=at(9, 16))
    refused_case = s1.case
    project.refresh_from_db()
    assert s1.status == ProjectStage.Status.REFUSED and project.clock_state == "paused"
    s1 = submit(p, project, 1, at=at(9, 21))
    assert s1.case_id != refused_case.pk and s1.status == ProjectStage.Status.IN_REVIEW
    assert list(s1.earlier_cases.all()) == [refused_case]
    page = login(p.firm_user).get(f"/projects/{project.pk}/").content.decode()
    assert refused_case.number in page and s1.case.number in page
