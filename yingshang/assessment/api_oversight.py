"""REST API of 明查暗访, the 曝光台, the window staff ranking, the leaders' dashboard and what the
portal shows (mounted under /api/v1/assessment/ by api.py). Everything from the caller's scope;
the public endpoints answer what an anonymous visitor may see."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from yingshang.apiaccess.idempotency import idempotent
from yingshang.assessment import dashboard, selectors, services, staffrank
from yingshang.assessment.actions import EXPOSURE_ACTIONS, FINDING_ACTIONS, VISIT_ACTIONS
from yingshang.assessment.models import Exposure, Finding, Snapshot, Visit
from yingshang.errors import InvalidInput
from yingshang.org import scope
from yingshang.workcal import periods

router = Router(tags=["assessment"])


# --- 明查暗访 ----------------------------------------------------------------------------------
class VisitIn(Schema):
    title: str
    mode: str
    method: str
    planned_on: dt.date
    unit_ids: list[int]
    focus: str = ""


class VisitOut(Schema):
    id: int
    title: str
    mode: str
    method: str
    planned_on: dt.date
    unit_ids: list[int]
    focus: str
    status: str
    conducted_on: dt.date | None
    place: str
    team: str
    summary: str
    cancel_reason: str
    allowed_actions: list[str]


def _visit(request, v: Visit) -> dict:
    can = scope.abilities(request.auth, v)
    return {
        **{f: getattr(v, f) for f in VisitOut.model_fields if hasattr(v, f)},
        "unit_ids": [u.pk for u in v.units.all()],
        "allowed_actions": [a for a in VISIT_ACTIONS.table.allowed(v.status) if can.get(a)],
    }


@router.get("/visits", response=list[VisitOut], summary="明查暗访任务")
def list_visits(request, status: str = ""):
    qs = scope.visible_to(request.auth, Visit).prefetch_related("units")
    if status:
        qs = qs.filter(status=status)
    return [_visit(request, v) for v in qs[:300]]


@router.post("/visits", response={201: VisitOut}, summary="登记明查暗访任务")
def plan_visit(request, payload: VisitIn):
    def make():
        return 201, _visit(request, services.visit_plan(actor=request.auth, **payload.dict()))

    return idempotent(request, "assessment.visit_plan", payload.dict(), make)


@router.get("/visits/{visit_id}", response=VisitOut, summary="明查暗访任务详情")
def get_visit(request, visit_id: int):
    return _visit(request, scope.get_for(request.auth, Visit, visit_id))


VISIT_ACTIONS.add_routes(
    router,
    "/visits/{visit_id}",
    fetch=lambda request, pk: scope.get_for(request.auth, Visit, pk),
    respond=lambda request, obj, result: _visit(request, result),
    response=VisitOut,
    key=("visit_id", int),
)


class FindingOut(Schema):
    id: int
    visit_id: int
    unit_id: int
    occurred_on: dt.date
    place: str
    description: str
    evidence_name: str
    evidence_sha256: str
    status: str
    adjustment_id: int | None
    problem_id: int | None
    problem_number: str | None
    void_reason: str


def _finding(f: Finding) -> dict:
    return {
        **{k: getattr(f, k) for k in FindingOut.model_fields if k != "problem_number"},
        "problem_number": f.problem.number if f.problem_id else None,
    }


@router.get("/findings", response=list[FindingOut], summary="察看发现（可按单位、日期筛选）")
def list_findings(
    request, unit: int | None = None, start: str = "", end: str = "", status: str = ""
):
    params = {"unit": str(unit or ""), "start": start, "end": end, "status": status}
    return [_finding(f) for f in selectors.findings(request.auth, params)[:500]]


@router.post(
    "/visits/{visit_id}/findings",
    response={201: FindingOut},
    summary="记录发现的问题（multipart，可附佐证材料）",
)
def add_finding(
    request,
    visit_id: int,
    unit_id: Form[int],
    description: Form[str],
    place: Form[str] = "",
    occurred_on: Form[str] = "",
    evidence: File[UploadedFile] = None,
):
    visit = scope.get_for(request.auth, Visit, visit_id)
    f = services.finding_add(
        actor=request.auth,
        visit=visit,
        unit_id=unit_id,
        description=description,
        place=place,
        occurred_on=occurred_on or None,
        evidence=evidence,
    )
    return Status(201, _finding(f))


FINDING_ACTIONS.add_routes(
    router,
    "/findings/{finding_id}",
    fetch=lambda request, pk: scope.get_for(request.auth, Finding, pk),
    respond=lambda request, obj, result: _finding(result),
    response=FindingOut,
    key=("finding_id", int),
)


# --- 曝光台 -------------------------------------------------------------------------------------
class ExposureIn(Schema):
    title: str
    kind: str
    unit_id: int
    occurred_on: dt.date
    body: str
    persons: str = ""
    points: Decimal | None = None
    finding_id: int | None = None


class ExposureOut(Schema):
    id: int
    title: str
    kind: str
    unit_id: int
    occurred_on: dt.date
    public_body: str
    status: str
    published_at: dt.datetime | None
    withdraw_reason: str
    points: Decimal | None
    allowed_actions: list[str]


class ExposureFullOut(ExposureOut):
    body: str
    persons: str
    review_note: str


def _exposure(request, e: Exposure) -> dict:
    can = scope.abilities(request.auth, e) if request.auth else {}
    out = {k: getattr(e, k) for k in ExposureFullOut.model_fields if hasattr(e, k)}
    out["allowed_actions"] = [a for a in EXPOSURE_ACTIONS.table.allowed(e.status) if can.get(a)]
    return out


@router.get("/exposures", response=list[ExposureFullOut], summary="曝光台案例（内部）")
def list_exposures(request, status: str = ""):
    qs = scope.visible_to(request.auth, Exposure)
    if status:
        qs = qs.filter(status=status)
    return [_exposure(request, e) for e in qs[:300]]


@router.post("/exposures", response={201: ExposureFullOut}, summary="撰写曝光案例（草稿）")
def create_exposure(request, payload: ExposureIn):
    def make():
        return 201, _exposure(
            request, services.exposure_create(actor=request.auth, **payload.dict())
        )

    return idempotent(request, "assessment.exposure_create", payload.dict(), make)


@router.get("/exposures/{exposure_id}", response=ExposureFullOut, summary="曝光案例详情")
def get_exposure(request, exposure_id: int):
    return _exposure(request, scope.get_for(request.auth, Exposure, exposure_id))


EXPOSURE_ACTIONS.add_routes(
    router,
    "/exposures/{exposure_id}",
    fetch=lambda request, pk: scope.get_for(request.auth, Exposure, pk),
    respond=lambda request, obj, result: _exposure(request, result),
    response=ExposureFullOut,
    key=("exposure_id", int),
)


class PublicExposureOut(Schema):
    id: int
    title: str
    kind: str
    unit: str
    occurred_on: dt.date
    public_body: str
    published_at: dt.datetime | None


@router.get(
    "/public/exposures", response=list[PublicExposureOut], auth=None, summary="曝光台（公开）"
)
def public_exposures(request):
    qs = scope.visible_to(None, Exposure).select_related("unit").order_by("-published_at")
    return [
        {
            "id": e.pk,
            "title": e.title,
            "kind": e.kind,
            "unit": e.unit.name,
            "occurred_on": e.occurred_on,
            "public_body": e.public_body,
            "published_at": e.published_at,
        }
        for e in qs[:100]
    ]


# --- rankings made public, staff ranking, dashboard ----------------------------------------
class PublicIn(Schema):
    public: bool
    reason: str = ""


class PublicRankingOut(Schema):
    id: int
    period_key: str
    label: str
    document_number: str
    published_at: dt.datetime | None
    groups: list[dict]


@router.post("/snapshots/{snapshot_id}/public", response=dict, summary="在门户公开/撤下排名")
def set_public(request, snapshot_id: int, payload: PublicIn):
    s = services.snapshot_set_public(
        actor=request.auth,
        snapshot=scope.get_for(request.auth, Snapshot, snapshot_id),
        public=payload.public,
        reason=payload.reason,
    )
    return {"id": s.pk, "public": s.public}


def _public(s: Snapshot) -> dict:
    view = selectors.shaped_public(s)
    return {
        "id": s.pk,
        "period_key": s.period_key,
        "label": view["period"].get("label", s.period_key),
        "document_number": s.document_number,
        "published_at": s.published_at,
        "groups": [{"name": g["name"], "rows": g["rows"]} for g in view["groups"]],
    }


@router.get(
    "/public/rankings", response=list[PublicRankingOut], auth=None, summary="公开的考核排名"
)
def public_rankings(request):
    qs = scope.visible_to(None, Snapshot).order_by("-period_first", "-version")
    return [_public(s) for s in qs[:24]]


@router.get(
    "/public/rankings/{snapshot_id}",
    response=PublicRankingOut,
    auth=None,
    summary="公开的考核排名详情",
)
def public_ranking(request, snapshot_id: int):
    return _public(scope.get_for(None, Snapshot, snapshot_id))


@router.get("/staff-ranking", response=list[dict], summary="窗口工作人员排名")
def staff_ranking(request, period: str = ""):
    try:
        p = periods.parse(period) if period else periods.current("month").previous()
    except ValueError:
        p = None
    if p is None or p.kind not in ("month", "quarter", "year"):
        raise InvalidInput(
            "ASSESSMENT_BAD_PERIOD",
            _("期间格式应为 2026-11、2026-Q4 或 2026"),
            details={"period": period},
        )
    out = []
    for g in staffrank.ranking(request.auth, p):
        out.append(
            {
                "centre_id": g["centre_id"],
                "centre": g["name"],
                "rows": [
                    {
                        "user_id": r["unit_id"],
                        "name": r["unit_name"],
                        "rank": r["rank"],
                        "score": None if r["score"] is None else str(r["score"]),
                        "insufficient": r["insufficient"],
                        "satisfaction": _fig(r["metrics"]["staff_satisfaction"]),
                        "on_time": _fig(r["metrics"]["staff_on_time"]),
                        "bad": r["bad"],
                        "visits": r["visits"],
                        "no_praise": r["no_praise"],
                    }
                    for r in g["rows"]
                ],
            }
        )
    return out


def _fig(c: dict) -> dict:
    return {
        "value": None if c["value"] is None else str(c["value"]),
        "num": c["num"],
        "den": c["den"],
    }


@router.get("/dashboard", response=dict, summary="领导驾驶舱（热力图、雷达图，每格带下钻链接）")
def get_dashboard(request, kind: str = "month", group: int = 0, unit: int | None = None):
    params = {"kind": kind, "group": str(group), "unit": str(unit or "")}
    return dashboard.as_json(dashboard.build(request.auth, params))
