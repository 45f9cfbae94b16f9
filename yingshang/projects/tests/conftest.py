"""A project type whose four stages are catalog packages of test matters (units a, b and a third
unit c = 自然资源), and helpers that walk a stage through the cases module."""

from dataclasses import dataclass

import pytest

from yingshang.cases import services as cases
from yingshang.cases.models import ApprovalTask
from yingshang.cases.tests.conftest import pdf
from yingshang.catalog import services as catalog
from yingshang.org.models import RoleAssignment, Unit, User
from yingshang.org.roles import Role
from yingshang.projects import services
from yingshang.projects.models import ProjectType, RegionalAssessment, StageDefinition
from yingshang.testing.personas import PASSWORD

APPLICATION = {"key": "application_form", "name": "阶段申请表", "required": True}


def _matter(admin, unit, base, name, *, materials=(), fields=(), promised=20):
    return catalog.matter_create(
        actor=admin,
        unit=unit,
        base_code=base,
        name=name,
        matter_type="licensing",
        handling_kind="promised",
        legal_limit_days=20,
        promised_limit_days=promised,
        materials=[dict(APPLICATION), *materials],
        form_fields=[
            {"key": "project.name", "label": "项目名称", "field_type": "text", "required": True},
            *fields,
        ],
    )


@dataclass
class World:
    ptype: ProjectType
    low_risk: ProjectType
    unit_c: Unit
    handler_c: User
    assessment: RegionalAssessment
    stages: list


@pytest.fixture
def world(personas):
    p = personas
    unit_c = Unit.objects.create(
        code="zrzy",
        name="测试县自然资源局",
        kind=Unit.Kind.DEPARTMENT,
        parent=p.county,
        short_name="自然资源局",
    )
    unit_c.path = f"{p.county.path}{unit_c.pk}/"
    unit_c.save(update_fields=["path"])
    handler_c = User.objects.create_user(
        "handler_c",
        password=PASSWORD,
        real_name="自然资源经办",
        kind=User.Kind.STAFF,
        mobile="13900000099",
    )
    RoleAssignment.objects.create(user=handler_c, role=Role.DEPT_HANDLER, unit=unit_c)
    record = _matter(p.admin, p.unit_a, "XK09000000", "企业投资项目备案")
    land = _matter(p.admin, unit_c, "XK09001000", "建设用地规划许可")
    planning = _matter(
        p.admin,
        unit_c,
        "XK09002000",
        "建设工程规划许可",
        materials=[{"key": "land_use_permit", "name": "建设用地规划许可证", "required": True}],
    )
    env = _matter(
        p.admin,
        p.unit_a,
        "XK09003000",
        "环境影响报告表审批",
        materials=[{"key": "env_report", "name": "环境影响报告表", "required": True}],
    )
    civil = _matter(p.admin, p.unit_b, "XK09004000", "人防工程设计审查")
    build = _matter(
        p.admin,
        p.unit_b,
        "XK09005000",
        "建筑工程施工许可",
        fields=[
            {
                "key": "permit.planning_no",
                "label": "建设工程规划许可证号",
                "field_type": "text",
                "required": True,
            }
        ],
    )
    quality = _matter(p.admin, p.unit_b, "XK09007000", "工程质量安全监督登记")
    joint = _matter(p.admin, p.unit_b, "XK09006000", "竣工联合验收")
    packages = [
        catalog.package_create(
            actor=p.admin,
            code="proj-s1",
            name="立项用地规划许可",
            lead_unit=unit_c,
            promised_limit_days=10,
            matters=[record, land],
        ),
        catalog.package_create(
            actor=p.admin,
            code="proj-s2",
            name="工程建设许可",
            lead_unit=unit_c,
            promised_limit_days=20,
            matters=[planning, env, civil],
        ),
        catalog.package_create(
            actor=p.admin,
            code="proj-s3",
            name="施工许可",
            lead_unit=p.unit_b,
            promised_limit_days=10,
            matters=[build, quality],
        ),
    ]
    assessment = RegionalAssessment.objects.create(
        code="env-park", name="产业园区区域环评", area="产业园区", approved_on="2026-01-10"
    )
    ptype = ProjectType.objects.create(
        code="social-building",
        name="社会投资房屋建筑",
        investment_kind="social",
        category="building",
    )
    low = ProjectType.objects.create(
        code="low-risk",
        name="社会投资低风险小型",
        investment_kind="social",
        category="low_risk",
        total_limit_days=20,
    )
    limits = [10, 20, 10, 15]
    produces = [
        [{"key": "land_use_permit", "name": "建设用地规划许可证"}],
        [{"key": "permit.planning_no", "name": "建设工程规划许可证号"}],
        [{"key": "construction_permit", "name": "建筑工程施工许可证"}],
        [],
    ]
    for pt in (ptype, low):
        for i, package in enumerate([*packages, None], start=1):
            StageDefinition.objects.create(
                project_type=pt,
                order=i,
                name=package.name if package else "竣工验收",
                package=package,
                matter=None if package else joint,
                limit_days=limits[i - 1] if pt is ptype else 5,
                joint=(i == 4),
                produces=produces[i - 1],
                waivers={"env-park": ["env_report"]} if i == 2 else {},
            )
    return World(
        ptype=ptype,
        low_risk=low,
        unit_c=unit_c,
        handler_c=handler_c,
        assessment=assessment,
        stages=packages,
    )


CODE = "2026-139999-47-01-000123"


def make_project(p, world, *, code=CODE, ptype=None, assessments=(), at=None):
    return services.project_create(
        actor=p.firm_user,
        code=code,
        name="城东产业园标准厂房",
        uscc=p.firm.uscc,
        project_type=ptype or world.ptype,
        location="测试县城东产业园",
        investment="12000",
        area="35000",
        assessments=assessments,
    )


def stage_of(project, order):
    return project.stages.get(order=order)


def submit(p, project, order, *, at=None, files=None):
    stage = stage_of(project, order)
    default = {"application_form": [pdf()], "env_report": [pdf()]}
    return services.stage_submit(
        actor=p.firm_user,
        stage=stage,
        form_data={"project.name": project.name},
        files=default if files is None else files,
        at=at,
    )


def accept(p, stage, at=None):
    stage.refresh_from_db()
    return cases.case_accept(actor=p.clerk, case=stage.case, at=at)


def handler_for(p, world, unit_id):
    return {p.unit_a.pk: p.handler_a, p.unit_b.pk: p.handler_b, world.unit_c.pk: world.handler_c}[
        unit_id
    ]


def approve_all_tasks(p, world, stage, at=None):
    for task in ApprovalTask.objects.filter(case_id=stage.case_id, status="pending"):
        cases.task_decide(
            actor=handler_for(p, world, task.unit_id), task=task, decision="approved", at=at
        )


def finish_stage(p, world, project, order, *, at=None, done=None, licences=None):
    stage = submit(p, project, order, at=at)
    accept(p, stage, at=at)
    approve_all_tasks(p, world, stage, at=done or at)
    lead = handler_for(p, world, stage.lead_unit_id)
    wanted = {d["key"]: f"许字第2026-{order}{i}号" for i, d in enumerate(stage.definition.produces)}
    return services.stage_approve(
        actor=lead, stage=stage, licences=licences or wanted, at=done or at
    )
