"""REST of 双随机、一公开 under /api/v1/inspections/: registers (一单两库一细则), plans and their
actions, draws (public commitment, reveal and the exported file), inspections and their actions,
published results (public, keyset-paginated), objections, quiet-day exceptions (public monthly
report) and firms' reports of rule-breaking visits."""

import datetime as dt

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from yingshang import inputs
from yingshang.apiaccess.idempotency import idempotent
from yingshang.inspections import selectors, services
from yingshang.inspections.actions import INSPECTION_ACTIONS, PLAN_ACTIONS
from yingshang.inspections.api_registers import router as registers_router
from yingshang.inspections.api_registers import unit_or_400 as _unit
from yingshang.inspections.models import (
    Draw,
    Inspection,
    Matter,
    Plan,
    PublishedResult,
    QuietException,
)
from yingshang.org import scope

router = Router(tags=["inspections"])
router.add_router("", registers_router)


# --- plans ------------------------------------------------------------------------------------
class PlanIn(Schema):
    title: inputs.Text[120]
    lead_unit_id: inputs.DbId
    unit_ids: list[inputs.DbId] = []
    matter_ids: list[inputs.DbId]
    ratio_bp: int = Field(..., ge=1, le=10000, description="基础抽查比例，万分比（500 = 5%）")
    grade_ratios: dict[str, int] = Field(
        default_factory=dict, description="A/B/C/D 各级比例（万分比）"
    )
    per_entity: int = Field(2, ge=1, le=10)
    exclude_same_region: bool = False
    rounds_per_year: int = Field(2, ge=1, le=12)
    window_start: dt.date
    window_end: dt.date
    industry_prefixes: list[inputs.Text[5]] = []
    region_codes: list[inputs.Text[12]] = []
    sizes: list[inputs.Text[8]] = []


class DrawOut(Schema):
    id: int
    plan_id: int
    round_no: int
    attempt: int
    status: str
    plan_hash: str
    entities_hash: str
    inspectors_hash: str
    seed_hash: str
    seed: str = Field("", description="揭示后公开")
    population: int
    inspector_count: int
    committed_at: dt.datetime
    revealed_at: dt.datetime | None
    result_hash: str
    drawn: int
    reason: str = Field("", description="重抽原因")


class PlanOut(Schema):
    id: int
    number: str
    title: str
    status: str
    lead_unit: str
    units: list[str]
    matters: list[str]
    joint: bool
    ratio_bp: int
    grade_ratios: dict[str, int]
    per_entity: int
    exclude_same_region: bool
    rounds_per_year: int
    window_start: dt.date
    window_end: dt.date
    draws: list[DrawOut]
    abilities: dict[str, bool] = {}


def draw_out(d: Draw) -> dict:
    revealed = bool(d.result_json)
    return {
        **{
            f: getattr(d, f)
            for f in (
                "id",
                "plan_id",
                "round_no",
                "attempt",
                "status",
                "plan_hash",
                "entities_hash",
                "inspectors_hash",
                "seed_hash",
                "population",
                "inspector_count",
                "committed_at",
                "revealed_at",
                "result_hash",
                "reason",
            )
        },
        "seed": d.seed if revealed else "",
        "drawn": d.inspections.count() if revealed else 0,
    }


def plan_out(plan: Plan, user=None) -> dict:
    units = [u.name for u in plan.units.order_by("pk")]
    return {
        **{
            f: getattr(plan, f)
            for f in (
                "id",
                "number",
                "title",
                "status",
                "ratio_bp",
                "grade_ratios",
                "per_entity",
                "exclude_same_region",
                "rounds_per_year",
                "window_start",
                "window_end",
            )
        },
        "lead_unit": plan.lead_unit.name,
        "units": units,
        "matters": [m.name for m in plan.matters.order_by("code")],
        "joint": len(units) > 1,
        "draws": [draw_out(d) for d in plan.draws.order_by("round_no", "attempt")],
        "abilities": {k: bool(v) for k, v in scope.abilities(user, plan).items()} if user else {},
    }


def _plan(request, pk: int) -> Plan:
    return scope.get_for(request.auth, Plan, pk)


@router.get("/plans", response=list[PlanOut], summary="抽查计划（本单位参与的）")
def plans_list(request, offset: inputs.Offset = 0, limit: inputs.Limit = 50):
    qs = scope.visible_to(request.auth, Plan).select_related("lead_unit").order_by("-created_at")
    return [plan_out(p, request.auth) for p in qs[offset : offset + limit]]


@router.post("/plans", response={201: PlanOut}, summary="制定抽查计划")
def plans_add(request, payload: PlanIn):
    def make():
        matters = list(Matter.objects.filter(pk__in=payload.matter_ids, active=True))
        plan = services.plan_create(
            actor=request.auth,
            title=payload.title,
            lead_unit=_unit(request.auth, payload.lead_unit_id),
            units=[_unit(request.auth, pk) for pk in payload.unit_ids],
            matters=matters,
            ratio_bp=payload.ratio_bp,
            grade_ratios=payload.grade_ratios,
            per_entity=payload.per_entity,
            exclude_same_region=payload.exclude_same_region,
            rounds_per_year=payload.rounds_per_year,
            window_start=payload.window_start,
            window_end=payload.window_end,
            industry_prefixes=payload.industry_prefixes,
            region_codes=payload.region_codes,
            sizes=payload.sizes,
        )
        return 201, plan_out(plan, request.auth)

    return idempotent(request, "inspections.plan_create", payload, make)


@router.get("/plans/{pk}", response=PlanOut, summary="抽查计划详情")
def plans_get(request, pk: int):
    return plan_out(_plan(request, pk), request.auth)


PLAN_ACTIONS.add_routes(
    router,
    "/plans/{pk}",
    fetch=_plan,
    respond=lambda request, plan, _r: plan_out(Plan.objects.get(pk=plan.pk), request.auth),
    response=PlanOut,
)


# --- public: commitments, reveals, exported draws -----------------------------------------------
class PublicPlanPage(Schema):
    items: list[PlanOut]
    next_offset: int | None


@router.get(
    "/public/plans",
    response=PublicPlanPage,
    auth=None,
    summary="公示的抽查计划、承诺与揭示（公开）",
)
def public_plans(request, offset: inputs.Offset = 0, limit: inputs.Limit = 20):
    rows = list(selectors.public_plans()[offset : offset + limit + 1])
    return {
        "items": [plan_out(p) for p in rows[:limit]],
        "next_offset": offset + limit if len(rows) > limit else None,
    }


@router.get("/draws/{pk}", response=DrawOut, auth=None, summary="一次抽取的承诺与揭示（公开）")
def draws_get(request, pk: int):
    return draw_out(get_object_or_404(selectors.public_draws(), pk=pk))


@router.get(
    "/draws/{pk}/export", auth=None, summary="导出抽取文件（揭示后公开，可用 verify-draw 验证）"
)
def draws_export(request, pk: int):
    d = get_object_or_404(selectors.public_draws(), pk=pk)
    return _json_file(
        services.export_document(d), f"draw-{d.plan.number}-{d.round_no}-{d.attempt}.json"
    )


def _json_file(document: dict, name: str) -> HttpResponse:
    import json

    response = HttpResponse(
        json.dumps(document, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- inspections --------------------------------------------------------------------------------
class InspectionOut(Schema):
    id: int
    plan_id: int
    plan_number: str
    firm: str
    uscc: str
    grade: str
    status: str
    inspectors: list[str]
    scheduled_on: dt.date | None
    joint_with_id: int | None
    result: str
    findings: str
    signature: str
    checklist: list[dict]
    ended_on: dt.date | None
    due_at: dt.datetime | None = Field(None, description="结果公示期限（20个工作日）")
    published_at: dt.datetime | None
    published_late: bool
    problem_id: int | None
    abilities: dict[str, bool] = {}


def inspection_out(i: Inspection, user=None) -> dict:
    return {
        **{
            f: getattr(i, f)
            for f in (
                "id",
                "plan_id",
                "grade",
                "status",
                "scheduled_on",
                "joint_with_id",
                "result",
                "findings",
                "signature",
                "checklist",
                "ended_on",
                "due_at",
                "published_at",
                "published_late",
                "problem_id",
            )
        },
        "plan_number": i.plan.number,
        "firm": i.firm.name,
        "uscc": i.firm.uscc,
        "inspectors": [f"{x.name}（{x.code}）" for x in i.inspectors.order_by("code")],
        "abilities": {k: bool(v) for k, v in scope.abilities(user, i).items()} if user else {},
    }


def _inspection(request, pk: int) -> Inspection:
    return scope.get_for(request.auth, Inspection, pk)


@router.get(
    "/inspections",
    response=list[InspectionOut],
    summary="检查任务（本单位参与的；企业账号为本企业的）",
)
def inspections_list(
    request,
    plan_id: int | None = None,
    status: inputs.Text[12] = "",
    offset: inputs.Offset = 0,
    limit: inputs.Limit = 50,
):
    qs = selectors.inspections_for(request.auth, plan_id=plan_id, status=status)
    return [inspection_out(i, request.auth) for i in qs[offset : offset + limit]]


@router.get("/inspections/{pk}", response=InspectionOut, summary="检查任务详情")
def inspections_get(request, pk: int):
    return inspection_out(_inspection(request, pk), request.auth)


INSPECTION_ACTIONS.add_routes(
    router,
    "/inspections/{pk}",
    fetch=_inspection,
    response=InspectionOut,
    respond=lambda request, i, _r: inspection_out(Inspection.objects.get(pk=i.pk), request.auth),
)


# --- published results (public) -------------------------------------------------------------------
class ResultOut(Schema):
    id: int
    inspection_id: int
    version: int
    firm_name: str
    uscc: str
    plan_title: str
    units: str
    matters: str
    inspected_on: dt.date
    result: str
    result_label: str
    summary: str
    correction_reason: str
    published_at: dt.datetime


class ResultPage(Schema):
    items: list[ResultOut]
    next: str | None = Field(None, description="下一页游标（传给 after）")


def result_out(r: PublishedResult) -> dict:
    return {
        **{f: getattr(r, f) for f in ResultOut.model_fields if hasattr(r, f)},
        "result_label": r.get_result_display(),
    }


@router.get(
    "/results", response=ResultPage, auth=None, summary="抽查结果公示（公开；按企业名称或代码查询）"
)
def results_list(
    request, q: inputs.Text[60] = "", after: inputs.Text[40] = "", limit: inputs.Limit = 20
):
    rows, cursor = selectors.public_results(q=q, after=after, limit=min(limit, 100))
    return {"items": [result_out(r) for r in rows], "next": cursor}


@router.get("/results/mine", response=list[ResultOut], summary="本企业的检查结果（企业账号）")
def results_mine(request):
    return [result_out(r) for r in selectors.results_of_firm(request.auth)]


class ObjectionIn(Schema):
    text: inputs.Text[4000]


class ObjectionOut(Schema):
    id: int
    result_id: int
    text: str
    status: str
    answer: str
    filed_at: dt.datetime


@router.post(
    "/results/{pk}/objections", response={201: ObjectionOut}, summary="企业对检查结果提出异议"
)
def results_object(request, pk: int, payload: ObjectionIn):
    result = PublishedResult.objects.filter(pk=pk).first()
    if result is None:
        raise Http404
    return idempotent(
        request,
        "inspections.object",
        payload,
        lambda: (
            201,
            services.objection_file(actor=request.auth, result=result, text=payload.text),
        ),
    )


# --- 企业宁静日 -----------------------------------------------------------------------------------
class ExceptionOut(Schema):
    id: int
    inspection_id: int
    unit: str
    firm: str
    planned_on: dt.date
    category: str
    category_label: str
    reason: str
    filed_at: dt.datetime
    review: str


def exception_out(e: QuietException) -> dict:
    return {
        "id": e.pk,
        "inspection_id": e.inspection_id,
        "unit": e.unit.name,
        "firm": e.inspection.firm.name,
        "planned_on": e.planned_on,
        "category": e.category,
        "category_label": e.get_category_display(),
        "reason": e.reason,
        "filed_at": e.filed_at,
        "review": e.review,
    }


@router.get(
    "/exceptions", response=list[ExceptionOut], auth=None, summary="宁静日例外检查月度报告（公开）"
)
def exceptions_month(request, month: inputs.Text[7] = ""):
    """month: YYYY-MM (default: this month)."""
    year, mon = selectors.parse_month(month)
    return [exception_out(e) for e in services.exceptions_of_month(year, mon)]


class ReviewIn(Schema):
    confirmed: bool
    note: inputs.Text[300] = ""


@router.post("/exceptions/{pk}/review", response=ExceptionOut, summary="应急例外的事后审查")
def exceptions_review(request, pk: int, payload: ReviewIn):
    exc = scope.get_for(request.auth, QuietException, pk)
    return exception_out(
        services.exception_review(actor=request.auth, exception=exc, **payload.dict())
    )


class ComplaintIn(Schema):
    inspected_on: dt.date
    unit_name: inputs.Text[100]
    text: inputs.Text[2000]


class ComplaintOut(Schema):
    id: int
    work_order: str


@router.post(
    "/quiet-complaints",
    response={201: ComplaintOut},
    summary="企业反映宁静日违规入企检查（转12345工单）",
)
def quiet_complaint(request, payload: ComplaintIn):
    def make():
        c = services.quiet_complaint_file(actor=request.auth, **payload.dict())
        return 201, {"id": c.pk, "work_order": c.work_order.number}

    return idempotent(request, "inspections.quiet_complaint", payload, make)
