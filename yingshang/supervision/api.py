"""REST API of the ledger: list in scope, detail, create (idempotent), transitions, progress."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from yingshang.apiaccess.idempotency import idempotent
from yingshang.errors import InvalidInput
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.supervision import selectors, services
from yingshang.supervision.actions import PROBLEM_ACTIONS
from yingshang.supervision.models import Problem

router = Router(tags=["supervision"])


class MilestoneOut(Schema):
    id: int
    title: str
    due_at: dt.datetime
    done_at: dt.datetime | None
    overdue: bool


class ProblemOut(Schema):
    id: int
    number: str
    source: str
    source_type: str
    source_id: str
    description: str
    category: str | None
    owner_unit: str
    owner_unit_id: int
    leader_name: str
    severity: str
    measures: str
    status: str
    status_label: str
    deadline_at: dt.datetime | None
    overdue: bool
    percent: int
    latest_progress: str
    exposure: bool
    accountability: bool
    created_at: dt.datetime


class ProblemDetailOut(ProblemOut):
    co_units: list[str]
    milestones: list[MilestoneOut]
    allowed_actions: list[str]


def _out(p: Problem) -> dict:
    return {
        "id": p.pk,
        "number": p.number,
        "source": p.source,
        "source_type": p.source_type,
        "source_id": p.source_id,
        "description": p.description,
        "category": p.category.name if p.category_id else None,
        "owner_unit": p.owner_unit.name,
        "owner_unit_id": p.owner_unit_id,
        "leader_name": p.leader_name,
        "severity": p.severity,
        "measures": p.measures,
        "status": p.status,
        "status_label": p.get_status_display(),
        "deadline_at": p.deadline_at,
        "overdue": p.overdue,
        "percent": p.percent,
        "latest_progress": p.latest_progress,
        "exposure": p.exposure,
        "accountability": p.accountability,
        "created_at": p.created_at,
    }


def _detail(user, p: Problem) -> dict:
    can = scope.abilities(user, p)
    return {
        **_out(p),
        "co_units": [link.unit.name for link in p.co_unit_links.select_related("unit")],
        "milestones": [
            {
                "id": m.pk,
                "title": m.title,
                "due_at": m.due_at,
                "done_at": m.done_at,
                "overdue": m.overdue,
            }
            for m in p.milestones.all()
        ],
        "allowed_actions": [a for a, ok in can.items() if ok],
    }


class ListFilters(Schema):
    status: str = ""
    unit: str = ""
    category: str = ""
    source: str = ""
    overdue: str = ""
    q: str = ""
    limit: int = 50
    offset: int = 0


class Page(Schema):
    count: int
    results: list[ProblemOut]


@router.get("/problems", response=Page, summary="问题列表（按权限范围）")
def list_problems(request, filters: Query[ListFilters]):
    params = filters.dict()
    qs = selectors.filtered(request.user, {k: str(v) for k, v in params.items()}).select_related(
        "owner_unit", "category"
    )
    limit = max(1, min(filters.limit, 200))
    offset = max(0, filters.offset)
    rows = qs.order_by("deadline_at", "id")[offset : offset + limit]
    return {"count": qs.count(), "results": [_out(p) for p in rows]}


@router.get("/problems/{pk}", response=ProblemDetailOut, summary="问题详情")
def get_problem(request, pk: int):
    p = scope.get_for(
        request.user, Problem, pk, queryset=Problem.objects.select_related("owner_unit", "category")
    )
    return _detail(request.user, p)


class MilestoneIn(Schema):
    title: str
    due_date: dt.date


class ProblemIn(Schema):
    description: str
    unit: str  # unit code
    source: str = "supervision_visit"
    category: str | None = None  # code or name
    severity: str | None = None
    co_units: list[str] = []
    leader_name: str = ""
    measures: str = ""
    deadline: dt.date | None = None
    deadline_days: int | None = None
    milestones: list[MilestoneIn] = []
    source_type: str = ""
    source_id: str = ""


def _unit(user, code: str) -> Unit:
    unit = scope.visible_to(user, Unit).filter(code=code).first()
    if unit is None:
        raise InvalidInput("UNIT_UNKNOWN", _("未知的单位代号“%(code)s”") % {"code": code})
    return unit


@router.post(
    "/problems",
    response={201: ProblemDetailOut},
    summary="登记问题（支持 Idempotency-Key；来源编号相同则返回已有问题）",
)
def create_problem(request, payload: ProblemIn):
    def make():
        services.require_may_create(request.user)
        category = services.default_category(payload.category) if payload.category else None
        if payload.category and category is None:
            raise InvalidInput(
                "CATEGORY_UNKNOWN", _("未知的问题类别“%(name)s”") % {"name": payload.category}
            )
        kwargs = {
            "actor": request.user,
            "unit": _unit(request.user, payload.unit),
            "description": payload.description,
            "source": payload.source,
            "category": category,
            "severity": payload.severity,
            "co_units": [_unit(request.user, c) for c in payload.co_units],
            "leader_name": payload.leader_name,
            "measures": payload.measures,
            "deadline": payload.deadline,
            "deadline_days": payload.deadline_days,
            "milestones": [(m.title, m.due_date) for m in payload.milestones],
        }
        if payload.source_type:
            kwargs.pop("actor")
            p = services.problem_create_from_source(
                actor=request.user,
                source_type=payload.source_type,
                source_id=payload.source_id,
                **kwargs,
            )
        else:
            p = services.problem_create(**kwargs)
        p = Problem.objects.select_related("owner_unit", "category").get(pk=p.pk)
        return 201, _detail(request.user, p)

    return idempotent(request, "supervision.create", payload, make)


class ProgressIn(Schema):
    text: str
    percent: int = 0


class ProgressOut(Schema):
    id: int
    text: str
    percent: int
    kind: str
    author: str
    created_at: dt.datetime


def _progress_out(r) -> dict:
    return {
        "id": r.pk,
        "text": r.text,
        "percent": r.percent,
        "kind": r.kind,
        "author": r.author.display_name if r.author_id else "",
        "created_at": r.created_at,
    }


@router.get("/problems/{pk}/progress", response=list[ProgressOut], summary="整改进展列表")
def list_progress(request, pk: int):
    p = scope.get_for(request.user, Problem, pk)
    return [_progress_out(r) for r in p.progress_reports.select_related("author")]


@router.post("/problems/{pk}/progress", response={201: ProgressOut}, summary="报送整改进展")
def add_progress(request, pk: int, payload: ProgressIn):
    p = scope.get_for(request.user, Problem, pk)

    def make():
        r = PROBLEM_ACTIONS.execute("report", actor=request.user, obj=p, data=payload.dict())
        return 201, _progress_out(r)

    return idempotent(request, f"supervision.progress.{pk}", payload, make)


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


@router.post(
    "/problems/{pk}/evidence",
    response={201: list[EvidenceOut]},
    summary="上传佐证材料（multipart，字段 files，可多个；图片/PDF/Office，按内容识别类型）",
)
def add_evidence(request, pk: int, files: File[list[UploadedFile]], note: Form[str] = ""):
    from django.urls import reverse

    p = scope.get_for(request.user, Problem, pk)
    saved = services.problem_attach_evidence(actor=request.user, problem=p, files=files, note=note)
    return Status(
        201,
        [
            {
                "id": e.pk,
                "name": e.original_name,
                "content_type": e.content_type,
                "size": e.size,
                "url": reverse("supervision:evidence", args=[e.pk]),
            }
            for e in saved
        ],
    )


def _fetch(request, pk: int) -> Problem:
    return scope.get_for(
        request.user, Problem, pk, queryset=Problem.objects.select_related("owner_unit")
    )


def _respond(request, problem: Problem, _result) -> dict:
    p = Problem.objects.select_related("owner_unit", "category").get(pk=problem.pk)
    return _detail(request.user, p)


# POST /problems/{pk}/<action> for every action of the ledger, each with its own input schema
PROBLEM_ACTIONS.add_routes(
    router, "/problems/{pk}", fetch=_fetch, respond=_respond, response=ProblemDetailOut
)


@router.post("/problems/{pk}/{action}", response=ProblemDetailOut, include_in_schema=False)
def unknown_action(request, pk: int, action: str):
    """An action the ledger does not have: 404 naming the ones it has."""
    _fetch(request, pk)
    PROBLEM_ACTIONS.get(action)
