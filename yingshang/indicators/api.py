"""REST API of the evaluation: trees and indicators, periods, values (entry, evidence, review),
Excel import, scores, gap analysis and a unit's indicator score (for the assessment module)."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from yingshang.apiaccess.idempotency import idempotent
from yingshang.errors import DomainError, InvalidInput
from yingshang.indicators import metrics, scoring, selectors, services
from yingshang.indicators.actions import VALUE_ACTIONS
from yingshang.indicators.models import Indicator, Period, Value
from yingshang.org import scope
from yingshang.org.models import Unit

router = Router(tags=["indicators"])


def _s(d) -> str | None:
    return None if d is None else str(d)


class TreeOut(Schema):
    id: int
    year: int
    version: int
    name: str
    threshold: str
    locked: bool


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    level: int
    parent_id: int | None
    weight: str
    is_active: bool
    lead_unit: str | None
    lead_unit_id: int | None
    co_units: list[str]
    measure_unit: str
    direction: str
    best: str | None
    worst: str | None
    transform: str
    exponent: str | None
    source: str
    measure_key: str


def _ind(i: Indicator) -> dict:
    return {
        "id": i.pk,
        "code": i.code,
        "name": i.name,
        "level": i.level,
        "parent_id": i.parent_id,
        "weight": str(i.weight),
        "is_active": i.is_active,
        "lead_unit": i.lead_unit.code if i.lead_unit_id else None,
        "lead_unit_id": i.lead_unit_id,
        "co_units": [u.code for u in i.co_units.all()],
        "measure_unit": i.measure_unit,
        "direction": i.direction,
        "best": _s(i.best),
        "worst": _s(i.worst),
        "transform": i.transform,
        "exponent": _s(i.exponent),
        "source": i.source,
        "measure_key": i.measure_key,
    }


def _tree_out(t) -> dict:
    return {
        "id": t.pk,
        "year": t.year,
        "version": t.version,
        "name": t.name,
        "threshold": str(t.threshold),
        "locked": t.locked,
    }


@router.get("/trees", response=list[TreeOut], summary="指标体系（各评价年度）")
def list_trees(request):
    return [_tree_out(t) for t in selectors.trees(request.user)]


class TreeIn(Schema):
    year: int


@router.post(
    "/trees",
    response={201: TreeOut},
    summary="建立年度指标体系（复制上一年度，首年用国家指标体系）",
)
def create_tree(request, payload: TreeIn):
    def make():
        t = services.tree_create(actor=request.user, year=payload.year)
        return 201, _tree_out(t)

    return idempotent(request, "indicators.tree_create", payload, make)


@router.get("/trees/{year}/indicators", response=list[IndicatorOut], summary="某年度的全部指标")
def tree_indicators(request, year: int):
    t = selectors.trees(request.user).filter(year=year).first()
    if t is None:
        raise DomainError("INDICATOR_TREE_NOT_FOUND", _("该年度没有指标体系"), status=404)
    qs = t.indicators.select_related("lead_unit").prefetch_related("co_units")
    return [_ind(i) for i in qs.order_by("sort_order", "id")]


class IndicatorIn(Schema):
    name: str | None = None
    weight: str | None = None
    measure_unit: str | None = None
    direction: str | None = None
    best: str | None = None
    worst: str | None = None
    transform: str | None = None
    exponent: str | None = None
    source: str | None = None
    measure_key: str | None = None
    description: str | None = None
    lead_unit: str | None = None  # unit code
    co_units: list[str] | None = None  # unit codes
    reason: str = ""


def _unit_id(user, code: str) -> int:
    unit = scope.visible_to(user, Unit).filter(code=code).first()
    if unit is None:
        raise InvalidInput("UNIT_UNKNOWN", _("未知的单位代号“%(code)s”") % {"code": code})
    return unit.pk


def _indicator(request, pk: int) -> Indicator:
    return scope.get_for(
        request.user, Indicator, pk, queryset=Indicator.objects.select_related("lead_unit")
    )


@router.post("/indicators/{pk}/update", response=IndicatorOut, summary="修改指标（营商办）")
def update_indicator(request, pk: int, payload: IndicatorIn):
    ind = _indicator(request, pk)
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", "")
    if "lead_unit" in data:
        code = data.pop("lead_unit")
        data["lead_unit_id"] = _unit_id(request.user, code) if code else None
    if "co_units" in data:
        data["co_unit_ids"] = [_unit_id(request.user, c) for c in data.pop("co_units") or []]
    ind = services.indicator_update(actor=request.user, indicator=ind, reason=reason, **data)
    return _ind(_indicator(request, ind.pk))  # a locked tree's edit lands in a new version


class ChildIn(Schema):
    name: str


@router.post("/indicators/{pk}/children", response={201: IndicatorOut}, summary="增加下级指标")
def add_child(request, pk: int, payload: ChildIn):
    parent = _indicator(request, pk)
    child = services.indicator_add(actor=request.user, parent=parent, name=payload.name)
    return Status(201, _ind(child))


class ReasonIn(Schema):
    reason: str = ""


@router.post("/indicators/{pk}/deactivate", response=IndicatorOut, summary="停用指标（留痕）")
def deactivate(request, pk: int, payload: ReasonIn):
    ind = _indicator(request, pk)
    ind = services.indicator_deactivate(actor=request.user, indicator=ind, reason=payload.reason)
    return _ind(_indicator(request, ind.pk))


# --- periods and values ------------------------------------------------------------------------
class PeriodOut(Schema):
    code: str
    name: str
    year: int
    starts_on: dt.date
    ends_on: dt.date
    due_on: dt.date


def _period_out(p: Period) -> dict:
    return {
        "code": p.code,
        "name": p.name,
        "year": p.tree.year,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "due_on": p.due_on,
    }


@router.get("/periods", response=list[PeriodOut], summary="评价期次")
def list_periods(request):
    return [_period_out(p) for p in selectors.periods(request.user)]


class PeriodIn(Schema):
    year: int
    code: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    due_working_days: int = 10


@router.post("/periods", response={201: PeriodOut}, summary="开启评价期次（营商办）")
def open_period(request, payload: PeriodIn):
    def make():
        tree = selectors.trees(request.user).filter(year=payload.year).first()
        if tree is None:
            raise InvalidInput("INDICATOR_TREE_NOT_FOUND", _("该年度没有指标体系"))
        if not 1 <= payload.due_working_days <= 120:
            raise InvalidInput("INDICATOR_DUE_INVALID", _("报送时限应为1到120个工作日"))
        p = services.period_open(
            actor=request.user,
            tree=tree,
            code=payload.code,
            name=payload.name,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            due_working_days=payload.due_working_days,
        )
        return 201, _period_out(p)

    return idempotent(request, "indicators.period_open", payload, make)


def _period(request, code: str) -> Period:
    p = selectors.periods(request.user).filter(code=code).first()
    if p is None:
        raise DomainError("INDICATOR_PERIOD_NOT_FOUND", _("评价期次不存在"), status=404)
    return p


class ValueOut(Schema):
    id: int
    period: str
    indicator_id: int
    code: str
    name: str
    lead_unit_id: int | None
    value: str | None
    target: str | None
    status: str
    status_label: str
    source: str
    note: str
    return_reason: str
    late: bool
    submitted_at: dt.datetime | None
    score: str | None
    measured: dict
    evidence: list[dict]
    abilities: dict[str, bool]
    reasons: dict[str, str]
    sites: list[dict] = []  # a site-measured leaf: site code, weight, value, score


def _value_out(user, v: Value) -> dict:
    ind = v.indicator
    score = None
    if v.value is not None:
        try:
            score = scoring.value_score(v)
        except DomainError:
            score = None
    can = scope.abilities(user, v)
    sites = [
        {
            "site": r["site"].code,
            "weight": _s(r["weight"]),
            "value": _s(r["number"]),
            "score": _s(r["score"]),
        }
        for r in (selectors.site_rows(v) if ind.by_site else [])
    ]
    return {
        "sites": sites,
        "id": v.pk,
        "period": v.period.code,
        "indicator_id": ind.pk,
        "code": ind.code,
        "name": ind.name,
        "lead_unit_id": ind.lead_unit_id,
        "value": _s(v.value),
        "target": _s(v.target),
        "status": v.status,
        "status_label": v.get_status_display(),
        "source": v.source,
        "note": v.note,
        "return_reason": v.return_reason,
        "late": v.late,
        "submitted_at": v.submitted_at,
        "score": _s(score),
        "measured": v.measured,
        "evidence": [
            {
                "id": e.pk,
                "name": e.original_name,
                "url": reverse("indicators:evidence", args=[e.pk]),
            }
            for e in v.evidence.all()
        ],
        "abilities": {k: bool(a) for k, a in can.items()},
        "reasons": {k: getattr(a, "message", "") for k, a in can.items() if not a},
    }


VALUE_QS = Value.objects.select_related("indicator", "period")


class ValueFilters(Schema):
    period: str
    status: str = ""
    limit: int = 100
    offset: int = 0


class ValuePage(Schema):
    count: int
    results: list[ValueOut]


@router.get("/values", response=ValuePage, summary="指标值列表（按权限范围）")
def list_values(request, filters: Query[ValueFilters]):
    period = _period(request, filters.period)
    qs = scope.visible_to(request.user, Value, VALUE_QS).filter(period=period)
    if filters.status:
        qs = qs.filter(status=filters.status)
    limit, offset = max(1, min(filters.limit, 500)), max(0, filters.offset)
    rows = qs.order_by("indicator__sort_order", "id")[offset : offset + limit]
    return {"count": qs.count(), "results": [_value_out(request.user, v) for v in rows]}


def _fetch(request, pk: int) -> Value:
    return scope.get_for(request.user, Value, pk, queryset=VALUE_QS)


@router.get("/values/{pk}", response=ValueOut, summary="指标值详情")
def get_value(request, pk: int):
    return _value_out(request.user, _fetch(request, pk))


@router.post(
    "/values/{pk}/evidence",
    response={201: ValueOut},
    summary="上传佐证材料（multipart，字段 files；按内容识别类型）",
)
def add_evidence(request, pk: int, files: File[list[UploadedFile]], note: Form[str] = ""):
    v = _fetch(request, pk)
    if not files:
        raise InvalidInput("EVIDENCE_REQUIRED", _("请选择要上传的佐证材料"))
    services.value_enter(actor=request.user, value=v, files=files, note=note)
    return Status(201, _value_out(request.user, _fetch(request, pk)))


def _respond(request, value: Value, _result) -> dict:
    return _value_out(request.user, _fetch(request, value.pk))


VALUE_ACTIONS.add_routes(router, "/values/{pk}", fetch=_fetch, respond=_respond, response=ValueOut)


class ImportOut(Schema):
    imported: int


@router.post(
    "/periods/{code}/import",
    response=ImportOut,
    summary="Excel导入指标值（multipart，字段 file；任一行有误则整份不导入）",
)
def import_values(request, code: str, file: File[UploadedFile]):
    period = _period(request, code)
    return {"imported": services.values_import(actor=request.user, period=period, upload=file)}


# --- scores ------------------------------------------------------------------------------------
class NodeOut(Schema):
    id: int
    code: str
    name: str
    level: int
    parent_id: int | None
    lead_unit_id: int | None
    weight: str
    share: str
    value: str | None
    score: str | None
    flagged: bool
    gap: str | None
    recoverable: str | None
    formula: str


class ScoresOut(Schema):
    period: str
    county_score: str | None
    threshold: str
    nodes: list[NodeOut]


def _node(n: scoring.Node) -> dict:
    i = n.indicator
    return {
        "id": i.pk,
        "code": i.code,
        "name": i.name,
        "level": i.level,
        "parent_id": i.parent_id,
        "lead_unit_id": i.lead_unit_id,
        "weight": str(i.weight),
        "share": str(n.share),
        "value": _s(n.value.value) if n.value is not None else None,
        "score": _s(n.score),
        "flagged": n.flagged,
        "gap": _s(n.gap),
        "recoverable": _s(n.recoverable) if n.is_leaf else None,
        "formula": scoring.formula(i) if n.is_leaf else "weighted mean of children",
    }


@router.get("/periods/{code}/scores", response=ScoresOut, summary="得分（全树，含计算依据）")
def scores(request, code: str):
    period = _period(request, code)
    res = selectors.result(request.user, period)
    return {
        "period": period.code,
        "county_score": _s(res.score),
        "threshold": str(res.threshold),
        "nodes": [_node(n) for n in res.nodes.values()],
    }


class GapFilters(Schema):
    unit: int | None = None


@router.get(
    "/periods/{code}/gap",
    response=list[NodeOut],
    summary="差距分析：各末级指标能加回来的分，从大到小",
)
def gap(request, code: str, filters: Query[GapFilters]):
    period = _period(request, code)
    rows = selectors.result(request.user, period).gap_rows()
    if filters.unit is not None:
        rows = [n for n in rows if n.indicator.lead_unit_id == filters.unit]
    return [_node(n) for n in rows]


class UnitScoreOut(Schema):
    unit_id: int
    period: str
    score: str | None


@router.get(
    "/periods/{code}/units/{unit_id}",
    response=UnitScoreOut,
    summary="某单位牵头指标的加权得分（考核取数）",
)
def unit_score(request, code: str, unit_id: int):
    period = _period(request, code)
    score: Decimal | None = metrics.unit_indicator_score(unit_id, period)
    return {"unit_id": unit_id, "period": period.code, "score": _s(score)}


from yingshang.indicators import api_rounds  # noqa: E402,F401  (its routes join this router)
