"""REST API of construction projects and key projects: everything the pages do. Lists and
reads start from the user's scope; writes go through the services (DomainError → 4xx with its
stable code)."""

import datetime as dt
import json
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from yingshang import inputs
from yingshang.apiaccess.idempotency import idempotent
from yingshang.cases import services as cases
from yingshang.cases.models import ApprovalTask
from yingshang.errors import InvalidInput
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.projects import keyboard, selectors, services, stats
from yingshang.projects.actions import STAGE_ACTIONS
from yingshang.projects.keyprojects import KeyProject
from yingshang.projects.models import Project, ProjectStage, ProjectType, RegionalAssessment

router = Router(tags=["projects"])


class ClockOut(Schema):
    used: Decimal
    limit: int
    left: Decimal
    state: str
    over: bool


class TaskOut(Schema):
    id: int
    unit: str
    title: str
    status: str
    decision: str
    clock_state: str
    due_at: dt.datetime | None


class StageOut(Schema):
    id: int
    order: int
    name: str
    status: str
    status_label: str
    lead_unit: str
    limit_days: int
    days_used: Decimal | None
    late: bool
    returns: int
    due_at: dt.datetime | None
    clock_state: str
    case_number: str | None
    reused: list[str]
    waived: list[str]
    licences: dict[str, str]
    tasks: list[TaskOut]
    abilities: list[str]


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    firm: str
    uscc: str
    project_type: str
    location: str
    investment: Decimal
    area: Decimal
    status: str
    current_stage: int
    clock: ClockOut


class ProjectDetailOut(ProjectOut):
    stages: list[StageOut]


def _out(p: Project) -> dict:
    c = selectors.clock_summary(p)
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "firm": p.firm.name,
        "uscc": p.firm.uscc,
        "project_type": p.project_type.code,
        "location": p.location,
        "investment": p.investment,
        "area": p.area,
        "status": p.status,
        "current_stage": p.current_stage,
        "clock": {k: c[k] for k in ("used", "limit", "left", "state", "over")},
    }


def _detail(p: Project, user) -> dict:
    stages = []
    for row in selectors.stage_rows(p, user):
        s = row["stage"]
        stages.append(
            {
                "id": s.pk,
                "order": s.order,
                "name": s.definition.name,
                "status": s.status,
                "status_label": s.get_status_display(),
                "lead_unit": s.lead_unit.name,
                "limit_days": s.limit_days,
                "days_used": row["days"],
                "late": s.late,
                "returns": s.returns,
                "due_at": s.due_at,
                "clock_state": s.clock_state,
                "case_number": s.case.number if s.case_id else None,
                "reused": s.reused,
                "waived": s.waived,
                "licences": {lic.key: lic.number for lic in row["licences"]},
                "tasks": [
                    {
                        "id": t.pk,
                        "unit": t.unit.name,
                        "title": t.title,
                        "status": t.status,
                        "decision": t.decision,
                        "clock_state": t.clock_state,
                        "due_at": t.due_at,
                    }
                    for t in row["tasks"]
                ],
                "abilities": sorted(k for k, v in row["abilities"].items() if v),
            }
        )
    return {**_out(p), "stages": stages}


class ProjectIn(Schema):
    code: inputs.Text[24]
    name: inputs.Text[120]
    uscc: inputs.Text[18]
    project_type: inputs.Text[40]
    location: inputs.Text[200]
    investment: inputs.Amount
    area: inputs.Amount = Decimal(0)
    assessments: list[inputs.Text[40]] = []


class ListQuery(Schema):
    status: inputs.Text[12] = ""
    type: inputs.Text[40] = ""
    offset: inputs.Offset = 0
    limit: inputs.Limit = 50


@router.get("/", response=list[ProjectOut])
def project_list(request, filters: Query[ListQuery]):
    qs = selectors.projects_for(request.user, status=filters.status, project_type=filters.type)
    return [_out(p) for p in qs[filters.offset : filters.offset + filters.limit]]


@router.post("/", response={201: ProjectDetailOut})
def project_create(request, payload: ProjectIn):
    ptype = ProjectType.objects.filter(code=payload.project_type, is_active=True).first()
    if ptype is None:
        raise InvalidInput(
            "PROJECT_TYPE_INVALID", _("项目类型不存在"), details={"field": "project_type"}
        )

    def create():
        project = services.project_create(
            actor=request.user,
            code=payload.code,
            name=payload.name,
            uscc=payload.uscc,
            project_type=ptype,
            location=payload.location,
            investment=payload.investment,
            area=payload.area,
            assessments=list(RegionalAssessment.objects.filter(code__in=payload.assessments)),
        )
        return 201, _detail(project, request.user)

    return idempotent(request, "projects.create", payload.dict(), create)


@router.get("/statistics", response=dict)
def project_statistics(request, year: inputs.Year | None = None):
    data = stats.project_statistics(request.user, year=year)
    for row in data["per_stage"]:
        row["type"] = row["type"].code if row["type"] else None
    for row in data["per_type"]:
        row["type"] = row["type"].code if row["type"] else None
    return json.loads(json.dumps(data, default=str))


@router.get("/{project_id}", response=ProjectDetailOut)
def project_detail(request, project_id: inputs.DbId):
    return _detail(selectors.project_for(request.user, project_id), request.user)


def _stage(request, project_id: int, order: int):
    project = selectors.project_for(request.user, project_id)
    stage = project.stages.filter(order=order).select_related("definition", "case").first()
    if stage is None:
        raise InvalidInput(
            "PROJECT_STAGE_UNKNOWN", _("没有该阶段"), details={"field": "order"}, status=404
        )
    return project, stage


def _files(request) -> dict:
    return {k[2:]: request.FILES.getlist(k) for k in request.FILES if k.startswith("m_")}


@router.post("/{project_id}/stages/{order}/submit", response=ProjectDetailOut)
def stage_submit(request, project_id: inputs.DbId, order: int):
    """multipart: `form_data` (a JSON object of the stage form), files as `m_<material key>`."""
    project, stage = _stage(request, project_id, order)
    try:
        form = json.loads(request.POST.get("form_data") or "{}")
    except ValueError:
        form = None
    if not isinstance(form, dict):
        raise InvalidInput(
            "PROJECT_FORM_INVALID", _("申请表应为 JSON 对象"), details={"field": "form_data"}
        )
    services.stage_submit(actor=request.user, stage=stage, form_data=form, files=_files(request))
    return _detail(project, request.user)


@router.post("/{project_id}/stages/{order}/resubmit", response=ProjectDetailOut)
def stage_resubmit(request, project_id: inputs.DbId, order: int):
    project, stage = _stage(request, project_id, order)
    services.stage_resubmit(actor=request.user, stage=stage, files=_files(request))
    return _detail(project, request.user)


@router.post("/{project_id}/stages/{order}/accept", response=ProjectDetailOut)
def stage_accept(request, project_id: inputs.DbId, order: int):
    """The service centre's window accepts the stage's case; the parallel tasks go out."""
    project, stage = _stage(request, project_id, order)
    if stage.case_id is None:
        raise InvalidInput("PROJECT_STAGE_NOT_SUBMITTED", _("该阶段尚未申报"), status=409)
    cases.case_accept(actor=request.user, case=stage.case)
    return _detail(project, request.user)


class TaskDecisionIn(Schema):
    opinion: inputs.Content = ""


def _task(stage, task_id: int) -> ApprovalTask:
    task = (
        ApprovalTask.objects.filter(pk=task_id, case_id=stage.case_id).first()
        if stage.case_id
        else None
    )
    if task is None:
        raise InvalidInput("STAGE_TASK_INVALID", _("该阶段没有这个并联审批任务"), status=404)
    return task


@router.post("/{project_id}/stages/{order}/tasks/{task_id}/approve", response=ProjectDetailOut)
def task_approve(
    request, project_id: inputs.DbId, order: int, task_id: inputs.DbId, payload: TaskDecisionIn
):
    """A member unit agrees (its own parallel task of the stage's case, cases.task_decide)."""
    project, stage = _stage(request, project_id, order)
    cases.task_decide(
        actor=request.user, task=_task(stage, task_id), decision="approved", opinion=payload.opinion
    )
    return _detail(project, request.user)


def _fetch_stage(request, stage_id: int) -> ProjectStage:
    return scope.get_for(request.user, ProjectStage, stage_id)


def _respond(request, stage, result):
    return _detail(stage.project, request.user)


# return / approve / refuse: one POST each, run through the stage action registry
STAGE_ACTIONS.add_routes(
    router,
    "/stages/{stage_id}",
    fetch=_fetch_stage,
    respond=_respond,
    response=ProjectDetailOut,
    key=("stage_id", int),
    only=["return", "approve", "refuse"],
)


# --- key projects ---------------------------------------------------------------------------
class KeyProjectOut(Schema):
    id: int
    year: int
    name: str
    phase: str
    investment: Decimal
    year_plan: Decimal
    year_amount: Decimal
    leader: str
    lead_unit: str
    helpers: str
    planned_start: dt.date | None
    actual_start: dt.date | None
    planned_resume: dt.date | None
    actual_resume: dt.date | None
    planned_completion: dt.date | None
    actual_completion: dt.date | None
    overdue: list[str]


def _key_out(row) -> dict:
    kp = row["kp"]
    return {
        "id": kp.pk,
        "year": kp.year,
        "name": kp.name,
        "phase": kp.phase,
        "investment": kp.investment,
        "year_plan": kp.year_plan,
        "year_amount": row["year_amount"],
        "leader": kp.leader.display_name,
        "lead_unit": kp.lead_unit.name,
        "helpers": row["helpers"],
        **{
            f"{w}_{m}": getattr(kp, f"{w}_{m}")
            for w in ("planned", "actual")
            for m in ("start", "resume", "completion")
        },
        "overdue": row["overdue"],
    }


@router.get("/key/list", response=list[KeyProjectOut])
def key_list(request, year: inputs.Year | None = None):
    year = year or dt.date.today().year
    return [_key_out(r) for r in keyboard.report_rows(request.user, year, dt.date.today())]


class KeyProjectIn(Schema):
    year: inputs.Year
    name: inputs.Name
    investment: inputs.Amount
    year_plan: inputs.Amount
    leader: inputs.DbId
    lead_unit: inputs.DbId
    project: inputs.DbId | None = None
    planned_start: inputs.Date | None = None
    planned_resume: inputs.Date | None = None
    planned_completion: inputs.Date | None = None
    helpers: list[tuple[inputs.DbId, inputs.Line]] = []


@router.post("/key/", response={201: KeyProjectOut})
def key_create(request, payload: KeyProjectIn):
    """列入重点项目 (营商办, 县领导); helpers: [[unit id, what it helps with], …] (四帮四保)."""
    from yingshang.org.models import User

    units = {
        u.pk: u
        for u in scope.visible_to(request.user, Unit).filter(
            pk__in=[payload.lead_unit, *(h[0] for h in payload.helpers)]
        )
    }
    missing = [
        uid for uid in [payload.lead_unit, *(h[0] for h in payload.helpers)] if uid not in units
    ]
    if missing:
        raise InvalidInput(
            "KEYPROJECT_UNIT_UNKNOWN",
            _("单位不存在：%(ids)s") % {"ids": missing},
            details={"field": "helpers"},
        )
    project = selectors.project_for(request.user, payload.project) if payload.project else None

    def create():
        kp = services.keyproject_create(
            actor=request.user,
            year=payload.year,
            name=payload.name,
            investment=payload.investment,
            year_plan=payload.year_plan,
            leader=User.objects.filter(pk=payload.leader).first(),
            lead_unit=units[payload.lead_unit],
            project=project,
            planned_start=payload.planned_start,
            planned_resume=payload.planned_resume,
            planned_completion=payload.planned_completion,
            helpers=[(units[uid], duty) for uid, duty in payload.helpers],
        )
        row = next(
            r
            for r in keyboard.report_rows(request.user, kp.year, dt.date.today())
            if r["kp"].pk == kp.pk
        )
        return 201, _key_out(row)

    return idempotent(request, "projects.key_create", payload.dict(), create)


class ProgressIn(Schema):
    month: inputs.Date
    amount: inputs.Amount
    note: inputs.Content = ""


class MilestoneIn(Schema):
    milestone: inputs.Text[12]
    day: inputs.Date


class VisitIn(Schema):
    visited_on: inputs.Date
    content: inputs.Content


class ProblemIn(Schema):
    description: inputs.Content
    unit: inputs.DbId


def _key(request, key_id: int) -> KeyProject:
    return scope.get_for(request.user, KeyProject, key_id)


@router.post("/key/{key_id}/progress", response=dict)
def key_progress(request, key_id: inputs.DbId, payload: ProgressIn):
    row = services.keyproject_progress(
        actor=request.user,
        key_project=_key(request, key_id),
        month=payload.month,
        amount=payload.amount,
        note=payload.note,
    )
    return {"month": row.month.isoformat(), "amount": str(row.amount)}


@router.post("/key/{key_id}/milestone", response=dict)
def key_milestone(request, key_id: inputs.DbId, payload: MilestoneIn):
    kp = services.keyproject_milestone(
        actor=request.user,
        key_project=_key(request, key_id),
        milestone=payload.milestone,
        day=payload.day,
    )
    return {"phase": kp.phase}


@router.post("/key/{key_id}/visits", response={201: dict})
def key_visit(request, key_id: inputs.DbId, payload: VisitIn):
    visit = services.keyproject_visit(
        actor=request.user,
        key_project=_key(request, key_id),
        visited_on=payload.visited_on,
        content=payload.content,
    )
    return Status(201, {"id": visit.pk})


@router.post("/key/{key_id}/problems", response={201: dict})
def key_problem(request, key_id: inputs.DbId, payload: ProblemIn):
    unit = scope.visible_to(request.user, Unit).filter(pk=payload.unit, is_active=True).first()
    link = services.keyproject_raise_problem(
        actor=request.user,
        key_project=_key(request, key_id),
        description=payload.description,
        unit=unit,
    )
    return Status(201, {"problem_id": link.problem_id, "number": link.problem.number})
