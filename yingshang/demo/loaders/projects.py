"""Demo construction projects (国办发〔2019〕11号) and key projects (四帮四保) from
yingshang/demo/data/projects/projects.yaml: the stage definitions as catalog packages of demo
matters, three project types, two 区域评估 results, three projects walked through the
services to different stages, and the year's key projects with progress, problems, visits."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from yingshang.cases import services as cases
from yingshang.cases.models import ApprovalTask
from yingshang.catalog import services as catalog
from yingshang.catalog.models import Matter, Package
from yingshang.demo.registry import load_yaml
from yingshang.org.models import Unit, User
from yingshang.org.roles import Role
from yingshang.org.staff import staff_of
from yingshang.projects import selectors, services
from yingshang.projects.models import Project, ProjectType, RegionalAssessment, StageDefinition
from yingshang.projects.services.common import licence_pdf
from yingshang.workcal import calendar

DATA = load_yaml("projects", "projects.yaml")


def _working_day(day: dt.date, hour: int = 10) -> dt.datetime:
    """`hour` o'clock local time on the first working day from `day` on (cases come in on
    working days only)."""
    cal = calendar.get_calendar()
    if not cal.is_workday(day):
        day = cal.add_working_days(day, 1)
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(hour)), calendar.to_local(timezone.now()).tzinfo
    )


def _after(at: dt.datetime, days: int, hour: int) -> dt.datetime:
    return _working_day(
        calendar.get_calendar().add_working_days(calendar.local_date(at), days), hour
    )


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _handler(unit_id: int) -> User:
    return (
        staff_of(Unit.objects.get(pk=unit_id), [Role.DEPT_HANDLER]).first()
        or staff_of(Unit.objects.get(pk=unit_id)).first()
    )


def _definitions(admin) -> None:
    packages = {}
    joint = None
    for s in DATA["stages"]:
        if "matters" in s:
            matters = [Matter.objects.get(base_code=code) for code in s["matters"]]
            longest = max(m.current_version.promised_limit_days for m in matters)
            packages[s["order"]] = Package.objects.filter(
                code=s["code"]
            ).first() or catalog.package_create(
                actor=admin,
                code=s["code"],
                name=s["name"],
                lead_unit=_unit(s["lead_unit"]),
                promised_limit_days=longest,
                matters=matters,
                description=f"工程建设项目{s['name']}阶段：一家牵头、并联审批、限时办结。",
            )
        else:
            joint = Matter.objects.get(base_code=s["joint_matter"])
    for t in DATA["types"]:
        ptype = ProjectType.objects.create(
            code=t["code"],
            name=t["name"],
            investment_kind=t["investment_kind"],
            category=t["category"],
            total_limit_days=t["total_limit_days"],
        )
        for s, limit in zip(DATA["stages"], t["limits"], strict=True):
            StageDefinition.objects.create(
                project_type=ptype,
                order=s["order"],
                name=s["name"],
                limit_days=limit,
                package=packages.get(s["order"]),
                matter=None if s["order"] in packages else joint,
                joint=s["order"] not in packages,
                produces=s.get("produces", []),
                waivers=s.get("waivers", {}),
            )
    for a in DATA["assessments"]:
        RegionalAssessment.objects.create(**a)


def _submit(stage, owner, at):
    project = stage.project
    asks = selectors.stage_asks(stage, owner)
    form = dict(asks["values"])
    defaults = {
        "project.address": project.location,
        "project.area": str(project.area),
        "project.investment": str(project.investment),
    }
    for f in asks["fields"]:
        form.setdefault(f["key"], defaults.get(f["key"], project.name))
    files = {
        m["key"]: [licence_pdf(m["key"], "demo", project.code)]
        for m in asks["materials"]
        if m["required"]
    }
    return services.stage_submit(actor=owner, stage=stage, form_data=form, files=files, at=at)


def _walk(entry, owner, clerk, start) -> None:
    project = Project.objects.get(code=entry["code"])
    at = start
    for stage in project.stages.order_by("order"):
        if stage.order > entry["reach"]:
            break
        stage = _submit(stage, owner, at)
        cases.case_accept(actor=clerk, case=stage.case, at=at)
        last = stage.order == entry["reach"]
        if last and entry["state"] == "in_review":
            return
        tasks = list(ApprovalTask.objects.filter(case_id=stage.case_id, status="pending"))
        if last and entry["state"] == "returned" and tasks:
            first = tasks[0]
            services.stage_return(
                actor=_handler(first.unit_id),
                stage=stage,
                task=first,
                items=["环境影响报告表缺少噪声影响专章", "总平面图未标注卫生防护距离"],
                at=_after(at, 2, 15),
            )
            for task in tasks[1:]:
                cases.task_decide(
                    actor=_handler(task.unit_id),
                    task=task,
                    decision="approved",
                    at=at + dt.timedelta(hours=2),
                )
            return
        done = _after(at, 2, 16)
        for task in tasks:
            cases.task_decide(actor=_handler(task.unit_id), task=task, decision="approved", at=done)
        licences = {
            p["key"]: f"示{stage.order}字第2026-{project.pk:03d}号"
            for p in stage.definition.produces
        }
        services.stage_approve(
            actor=_handler(stage.lead_unit_id), stage=stage, licences=licences, at=done
        )
        at = _after(done, 2, 10)


def _key_projects(supervisor, leader) -> None:
    year = timezone.localdate().year
    for k in DATA["key_projects"]:
        project = Project.objects.filter(code=k.get("project", "")).first()
        kp = services.keyproject_create(
            actor=supervisor,
            year=year,
            name=k["name"],
            investment=k["investment"],
            year_plan=k["year_plan"],
            leader=leader,
            lead_unit=_unit(k["lead_unit"]),
            project=project,
            firm=project.firm if project else None,
            planned_start=k.get("planned_start"),
            planned_resume=k.get("planned_resume"),
            planned_completion=k.get("planned_completion"),
            helpers=[(_unit(code), duty) for code, duty in k.get("helpers", [])],
        )
        if k.get("actual_start"):
            services.keyproject_milestone(
                actor=supervisor, key_project=kp, milestone="start", day=k["actual_start"]
            )
        for month, amount in k.get("progress", []):
            day = dt.date.fromisoformat(f"{month}-01")
            if day <= timezone.localdate():
                services.keyproject_progress(
                    actor=supervisor, key_project=kp, month=day, amount=Decimal(amount)
                )
        for code, text in k.get("problems", []):
            services.keyproject_raise_problem(
                actor=supervisor, key_project=kp, description=text, unit=_unit(code)
            )
        for day, text in k.get("visits", []):
            services.keyproject_visit(actor=leader, key_project=kp, visited_on=day, content=text)


def load_demo(ctx) -> None:
    if ProjectType.objects.exists():
        return
    admin = User.objects.get(username="admin")
    _definitions(admin)
    owner = User.objects.get(username="firm_demo")
    clerk = User.objects.get(username="clerk")
    by_code = {t.code: t for t in ProjectType.objects.all()}
    assessments = {a.code: a for a in RegionalAssessment.objects.all()}
    start = _working_day(timezone.localdate() - dt.timedelta(days=40))
    for entry in DATA["projects"]:
        services.project_create(
            actor=owner,
            code=entry["code"],
            name=entry["name"],
            uscc=owner.firm.uscc,
            project_type=by_code[entry["type"]],
            location=entry["location"],
            investment=entry["investment"],
            area=entry["area"],
            assessments=[assessments[c] for c in entry.get("assessments", [])],
        )
        _walk(entry, owner, clerk, start)
    _key_projects(User.objects.get(username="supervisor"), User.objects.get(username="leader"))
    ctx.log(
        f"projects: {Project.objects.count()} construction projects, key projects of {timezone.localdate().year}"
    )
