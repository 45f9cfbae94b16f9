"""Reads of projects, always from the user's scope: lists, a project's page (stages, clocks,
tasks, licences) and what a stage asks of the owner."""

from decimal import Decimal

from django.utils import timezone

from yingshang.cases import selectors as case_selectors
from yingshang.cases.models import ApprovalTask
from yingshang.org import scope
from yingshang.projects.models import Project, ProjectStage, ProjectType
from yingshang.projects.services.common import PURPOSE_PROJECT, PURPOSE_STAGE, days_used
from yingshang.projects.services.stages import _target, reuse_plan
from yingshang.workcal import clocks


def projects_for(user, *, status: str = "", project_type: str = "", q: str = ""):
    qs = scope.visible_to(user, Project).select_related("firm", "project_type")
    if status:
        qs = qs.filter(status=status)
    if project_type:
        qs = qs.filter(project_type__code=project_type)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(code__icontains=q)
    return qs.order_by("-id")


def project_for(user, pk) -> Project:
    return scope.get_for(user, Project, pk)


def government_days(project: Project, now=None) -> Decimal:
    """政府用时 so far: from the running clock when a stage is with the government, else the
    figure kept at the last pause."""
    clock = clocks.clock_open(project, PURPOSE_PROJECT)
    if clock is None or clock.state == "paused":
        return project.gov_days_used
    return days_used(project.total_limit_days, clock, now or timezone.now())


def stage_days(stage: ProjectStage, now=None) -> Decimal | None:
    if stage.days_used is not None:
        return stage.days_used
    clock = clocks.clock_open(stage, PURPOSE_STAGE)
    if clock is None:
        return None
    return days_used(stage.limit_days, clock, now or timezone.now())


def clock_summary(project: Project, now=None) -> dict:
    used = government_days(project, now)
    left = Decimal(project.total_limit_days) - used
    return {
        "used": used,
        "limit": project.total_limit_days,
        "left": left,
        "state": project.clock_state,
        "over": used > project.total_limit_days,
        "percent": min(int(used * 100 / project.total_limit_days), 100)
        if project.total_limit_days
        else 0,
    }


def stage_rows(project: Project, user=None, now=None) -> list[dict]:
    stages = list(
        project.stages.select_related("definition", "lead_unit", "case").order_by("order")
    )
    tasks: dict[int, list] = {}
    case_ids = [s.case_id for s in stages if s.case_id]
    for task in (
        ApprovalTask.objects.filter(case_id__in=case_ids).select_related("unit").order_by("id")
    ):
        tasks.setdefault(task.case_id, []).append(task)
    licence_names = dict(project.licences.values_list("key", "name"))
    rows = []
    for s in stages:
        material_names = {m["key"]: m["name"] for m in (s.case.materials if s.case_id else [])}
        rows.append(
            {
                "stage": s,
                "days": stage_days(s, now),
                "tasks": tasks.get(s.case_id, []),
                "returns": list(s.return_records.select_related("unit").order_by("id")),
                "licences": list(s.licences.all()),
                "abilities": scope.abilities(user, s) if user is not None else {},
                # what people read: names, never the keys
                "reused_names": [
                    licence_names.get(k) or material_names.get(k, k) for k in s.reused
                ],
                "waived_names": [material_names.get(k, k) for k in s.waived],
            }
        )
    return rows


def stage_asks(stage: ProjectStage, user) -> dict:
    """The stage's one form and one set of materials less what the county already holds
    (earlier licences, 区域评估): what the owner fills in."""
    target = _target(stage.definition)
    plan = reuse_plan(stage)
    fields = [f for f in case_selectors.form_fields_for(**target) if f["key"] not in plan["fields"]]
    materials = [
        m
        for m in case_selectors.materials_for(**target)
        if m["key"] not in plan["materials"]
        and m["key"] not in plan["waived"]
        and not m.get("produced_by")
    ]
    return {
        "fields": fields,
        "values": case_selectors.prefill(fields, user) | {"project.name": stage.project.name},
        "materials": materials,
        "reused": plan["fields"] | plan["materials"],
        "waived": plan["waived"],
    }


def project_types():
    return ProjectType.objects.filter(is_active=True).order_by("id")
