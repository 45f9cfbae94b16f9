"""重点项目 (四帮四保): list a project for a year, name who helps with what, record milestones,
monthly investment, visits (政企走访) and the problems the project raises — each problem goes
into the supervision ledger (supervision's creation hook) with its owner unit."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.org.roles import Role
from yingshang.org.scope import grants
from yingshang.projects.keyprojects import (
    MILESTONES,
    InvestmentProgress,
    KeyProject,
    KeyProjectHelper,
    KeyProjectProblem,
    KeyProjectVisit,
)
from yingshang.projects.scopes import KEY_MANAGERS
from yingshang.projects.services.stages import _decimal


def _require_text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(
            "KEYPROJECT_FIELD_REQUIRED",
            _("请填写“%(label)s”") % {"label": label},
            details={"field": field},
        )
    return value


def keyproject_create(
    *,
    actor,
    year: int,
    name: str,
    investment,
    year_plan,
    leader,
    lead_unit,
    firm=None,
    project=None,
    planned_start: dt.date | None = None,
    planned_resume: dt.date | None = None,
    planned_completion: dt.date | None = None,
    helpers=(),
) -> KeyProject:
    """`helpers`: [(unit, duty), …] — 四帮四保: the units and what each helps with."""
    workflow.require_actor(actor)
    if not workflow.is_system(actor) and not grants(actor).has(*KEY_MANAGERS):
        raise PermissionDeniedError(
            "KEYPROJECT_NOT_MANAGER", _("只有营商办、县领导可以确定重点项目")
        )
    name = _require_text(name, "name", _("项目名称"))
    if not (2000 <= int(year or 0) <= 2100):
        raise InvalidInput("KEYPROJECT_YEAR_INVALID", _("年度无效"), details={"field": "year"})
    if leader is None or not grants(leader).has(Role.LEADER):
        raise InvalidInput(
            "KEYPROJECT_LEADER_INVALID", _("包保领导应为县领导"), details={"field": "leader"}
        )
    if lead_unit is None:
        raise InvalidInput(
            "KEYPROJECT_UNIT_REQUIRED", _("请指定责任单位"), details={"field": "lead_unit"}
        )
    if planned_start and planned_completion and planned_completion < planned_start:
        raise InvalidInput(
            "KEYPROJECT_DATES_INVALID",
            _("计划竣工日期不能早于计划开工日期"),
            details={"field": "planned_completion"},
        )
    with transaction.atomic():
        kp = KeyProject.objects.create(
            year=int(year),
            name=name,
            project=project,
            firm=firm or (project.firm if project else None),
            investment=_decimal(investment, "investment", _("总投资（万元）"), positive=True),
            year_plan=_decimal(year_plan, "year_plan", _("年度计划投资（万元）"), positive=False),
            leader=leader,
            lead_unit=lead_unit,
            planned_start=planned_start,
            planned_resume=planned_resume,
            planned_completion=planned_completion,
        )
        for unit, duty in helpers:
            KeyProjectHelper.objects.create(
                key_project=kp, unit=unit, duty=_require_text(duty, "duty", _("帮扶内容"))
            )
        workflow.record(
            actor,
            "keyproject.create",
            kp,
            after={
                "year": kp.year,
                "name": name,
                "leader": leader.pk,
                "lead_unit": lead_unit.pk,
                "helpers": [f"{u.name}：{d}" for u, d in helpers],
            },
        )
    return kp


def keyproject_milestone(*, actor, key_project, milestone: str, day: dt.date) -> KeyProject:
    """Record the actual 开工 / 复工 / 竣工 date."""
    if milestone not in MILESTONES:
        raise InvalidInput(
            "KEYPROJECT_MILESTONE_INVALID",
            _("节点应为开工、复工或竣工"),
            details={"field": "milestone"},
        )
    if day is None:
        raise InvalidInput("KEYPROJECT_DATE_REQUIRED", _("请填写日期"), details={"field": "day"})
    if day > timezone.localdate():
        raise InvalidInput(
            "KEYPROJECT_DATE_FUTURE", _("实际日期不能晚于今天"), details={"field": "day"}
        )
    with transaction.atomic():
        kp = workflow.acquire(actor, KeyProject, key_project, action="milestone")
        field = f"actual_{milestone}"
        if milestone == "completion" and not (kp.actual_start or kp.actual_resume):
            raise DomainError("KEYPROJECT_NOT_STARTED", _("项目尚未开工，不能记录竣工"))
        before = {field: getattr(kp, field)}
        setattr(kp, field, day)
        kp.save(update_fields=[field])
        workflow.record(actor, "keyproject.milestone", kp, before=before, after={field: day})
    return kp


def keyproject_progress(
    *, actor, key_project, month: dt.date, amount, note: str = "", at=None
) -> InvestmentProgress:
    """The month's completed investment (a correction replaces the month's figure; the audit
    keeps the earlier one)."""
    at = at or timezone.now()
    if month is None:
        raise InvalidInput("KEYPROJECT_MONTH_REQUIRED", _("请选择月份"), details={"field": "month"})
    month = month.replace(day=1)
    if month > timezone.localdate():
        raise InvalidInput(
            "KEYPROJECT_MONTH_FUTURE", _("不能填报未来月份的投资"), details={"field": "month"}
        )
    amount = _decimal(amount, "amount", _("当月完成投资（万元）"), positive=False)
    with transaction.atomic():
        kp = workflow.acquire(actor, KeyProject, key_project, action="progress")
        row = (
            InvestmentProgress.objects.select_for_update()
            .filter(key_project=kp, month=month)
            .first()
        )
        before = {"amount": row.amount} if row else {}
        if row is None:
            row = InvestmentProgress(key_project=kp, month=month)
        row.amount, row.note, row.reported_by, row.reported_at = (
            amount,
            (note or "").strip(),
            actor,
            at,
        )
        row.save()
        workflow.record(
            actor,
            "keyproject.progress",
            kp,
            before=before,
            after={"month": month.strftime("%Y-%m"), "amount": amount},
        )
    return row


def keyproject_visit(
    *, actor, key_project, visited_on: dt.date, content: str, unit=None
) -> KeyProjectVisit:
    content = _require_text(content, "content", _("走访内容"))
    if visited_on is None or visited_on > timezone.localdate():
        raise InvalidInput(
            "KEYPROJECT_VISIT_DATE_INVALID",
            _("请填写走访日期（不能晚于今天）"),
            details={"field": "visited_on"},
        )
    with transaction.atomic():
        kp = workflow.acquire(actor, KeyProject, key_project, action="visit")
        g = grants(actor)
        unit_id = (
            getattr(unit, "pk", unit)
            or next(iter(sorted(g.units(*g.roles))), None)
            or kp.lead_unit_id
        )
        visit = KeyProjectVisit.objects.create(
            key_project=kp, visited_on=visited_on, visitor=actor, unit_id=unit_id, content=content
        )
        workflow.record(
            actor, "keyproject.visit", kp, after={"visited_on": visited_on, "content": content}
        )
    return visit


def keyproject_raise_problem(
    *, actor, key_project, description: str, unit, deadline_days: int = 30, at=None
) -> KeyProjectProblem:
    """A problem the project raised: registered in the supervision ledger with its owner unit
    (supervision.problem_create_from_source), linked here."""
    from yingshang.supervision.models import Problem
    from yingshang.supervision.services import problem_create_from_source

    at = at or timezone.now()
    description = _require_text(description, "description", _("问题描述"))
    if unit is None:
        raise InvalidInput(
            "PROBLEM_UNIT_REQUIRED", _("请指定问题的责任单位"), details={"field": "unit"}
        )
    with transaction.atomic():
        kp = workflow.acquire(actor, KeyProject, key_project, action="problem")
        seq = kp.problems.count() + 1
        problem = problem_create_from_source(
            actor=actor,
            source=Problem.Source.SUPERVISION_VISIT,
            source_type="projects.keyproject",
            source_id=f"{kp.pk}-{seq}",
            unit=unit,
            description=_("【重点项目·%(name)s】%(text)s") % {"name": kp.name, "text": description},
            deadline_days=deadline_days,
            leader_name=kp.leader.display_name,
        )
        link = KeyProjectProblem.objects.create(key_project=kp, problem=problem, raised_at=at)
        workflow.record(
            actor,
            "keyproject.problem",
            kp,
            after={"problem": problem.pk, "unit": unit.pk, "description": description},
        )
    return link
