"""API of the rounds (on the indicators router, imported by api.py): unit tasks and the weekly
dispatch, sites and per-site values, the records behind a measured value, the tree in and out of
Excel, publication and the published scores (public)."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import File, Query, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from yingshang import inputs
from yingshang.errors import DomainError
from yingshang.indicators import measures, scoring, selectors, services
from yingshang.indicators.api import (
    TreeOut,
    ValueOut,
    _fetch,
    _period,
    _s,
    _tree_out,
    _value_out,
    router,
)
from yingshang.indicators.models import Period, Site, Source
from yingshang.indicators.services import tree_excel
from yingshang.org import scope
from yingshang.spreadsheets import xlsx_response
from yingshang.workcal import periods as wperiods


class TaskOut(Schema):
    unit_id: int
    unit: str
    due_at: dt.datetime | None
    clock_state: str
    overdue: bool
    late: bool
    submitted_at: dt.datetime | None
    leaves: int
    counts: dict[str, int]
    returned: list[int]
    moved_this_week: int


class DispatchFilters(Schema):
    week: inputs.Text[10] = ""  # ISO week, e.g. 2026-W41; default the current week


@router.get(
    "/periods/{code}/dispatch",
    response=list[TaskOut],
    summary="指标长周调度：各牵头单位的报送任务、时限与进度",
)
def dispatch(request, code: str, filters: Query[DispatchFilters]):
    period = _period(request, code)
    week = wperiods.parse_or_current(filters.week, "week")
    out = []
    for r in selectors.dispatch(request.user, period, week.first):
        t = r.task
        out.append(
            {
                "unit_id": r.unit.pk,
                "unit": r.unit.display_name,
                "due_at": t.due_at if t else None,
                "clock_state": t.clock_state if t else "",
                "overdue": bool(t and t.overdue),
                "late": bool(t and t.late),
                "submitted_at": t.submitted_at if t else None,
                "leaves": r.leaves,
                "counts": r.counts,
                "returned": [v.pk for v in r.returned],
                "moved_this_week": r.moved_this_week,
            }
        )
    return out


class SiteOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    weight: str
    is_active: bool


class SiteIn(Schema):
    code: inputs.Text[20]
    name: inputs.Text[60]
    weight: inputs.Text[20]
    kind: inputs.Text[8] = Site.Kind.TOWN


class SiteUpdateIn(Schema):
    weight: inputs.Text[20] | None = None
    is_active: bool | None = None
    reason: inputs.Text[200] = ""


def _site(s: Site) -> dict:
    return {
        "id": s.pk,
        "code": s.code,
        "name": s.name,
        "kind": s.kind,
        "weight": str(s.weight),
        "is_active": s.is_active,
    }


@router.get("/sites", response=list[SiteOut], summary="测算站点（乡镇、服务中心）")
def list_sites(request):
    return [_site(s) for s in scope.visible_to(request.user, Site).order_by("code")]


@router.post("/sites", response={201: SiteOut}, summary="增加测算站点（营商办）")
def create_site(request, payload: SiteIn):
    s = services.site_create(actor=request.user, **payload.dict())
    return Status(201, _site(s))


@router.post("/sites/{site_id}/update", response=SiteOut, summary="修改站点权重或停用（营商办）")
def update_site(request, site_id: int, payload: SiteUpdateIn):
    s = scope.get_for(request.user, Site, site_id)
    s = services.site_update(actor=request.user, site=s, **payload.dict())
    return _site(s)


class SitesIn(Schema):
    numbers: dict[str, inputs.Text[30]]  # site code (or id) → number; empty leaves a site out


@router.post("/values/{pk}/sites", response=ValueOut, summary="填报分站点数值（牵头单位）")
def value_sites(request, pk: int, payload: SitesIn):
    v = _fetch(request, pk)
    services.value_sites(actor=request.user, value=v, numbers=payload.numbers)
    return _value_out(request.user, _fetch(request, pk))


class RecordsOut(Schema):
    model: str
    counted: int | None
    visible: int
    ids: list[int]


class RecordsFilters(Schema):
    offset: inputs.Offset = 0
    limit: inputs.Limit = 100


@router.get(
    "/values/{pk}/records",
    response=RecordsOut,
    summary="系统测算值的依据记录（按权限范围；办件、好差评或12345工单）",
)
def value_records(request, pk: int, filters: Query[RecordsFilters]):
    v = _fetch(request, pk)
    ind = v.indicator
    qs = measures.records(ind.measure_key, v.period) if ind.source == Source.MEASURED else None
    if qs is None:
        raise DomainError("INDICATOR_NOT_MEASURED", _("该指标的数据来源不是系统测算"), status=404)
    qs = qs.filter(pk__in=scope.visible_to(request.user, qs.model).values("pk")).order_by("pk")
    ids = list(qs.values_list("pk", flat=True)[filters.offset : filters.offset + filters.limit])
    return {
        "model": qs.model._meta.label_lower,
        "counted": (v.measured or {}).get("n"),
        "visible": qs.count(),
        "ids": ids,
    }


def _tree(request, year: int, version: int | None):
    qs = selectors.trees(request.user).filter(year=year)
    if version is not None:
        qs = qs.filter(version=version)
    t = qs.first()
    if t is None:
        raise DomainError("INDICATOR_TREE_NOT_FOUND", _("该年度没有指标体系"), status=404)
    return t


class VersionFilter(Schema):
    version: inputs.Count | None = None


@router.get("/trees/{year}/export.xlsx", summary="导出指标体系（Excel，含前沿值、权重、牵头单位）")
def export_tree(request, year: int, filters: Query[VersionFilter]):
    t = _tree(request, year, filters.version)
    return xlsx_response(
        f"营商环境评价指标体系{t.year}v{t.version}.xlsx",
        t.name[:31],
        tree_excel.HEADERS,
        tree_excel.rows(t),
    )


@router.post(
    "/trees/{year}/import",
    response=TreeOut,
    summary="从Excel导入指标体系（multipart，字段 file；任一行有误则整份不导入；锁定的版本写入新版本）",
)
def import_tree(request, year: int, file: File[UploadedFile]):
    t = _tree(request, year, None)
    return _tree_out(services.tree_import(actor=request.user, tree=t, upload=file))


class PublishOut(Schema):
    code: str
    published: bool
    published_at: dt.datetime | None


class ReasonIn(Schema):
    reason: inputs.Text[500] = ""


def _pub(p: Period) -> dict:
    return {"code": p.code, "published": p.published, "published_at": p.published_at}


@router.post("/periods/{code}/publish", response=PublishOut, summary="在门户公布本期得分（营商办）")
def publish(request, code: str):
    return _pub(services.period_publish(actor=request.user, period=_period(request, code)))


@router.post(
    "/periods/{code}/unpublish", response=PublishOut, summary="撤回门户公布（营商办，须说明原因）"
)
def unpublish(request, code: str, payload: ReasonIn):
    p = services.period_unpublish(
        actor=request.user, period=_period(request, code), reason=payload.reason
    )
    return _pub(p)


class PublicScore(Schema):
    name: str
    score: str | None


class PublicPeriod(Schema):
    code: str
    name: str
    published_at: dt.datetime | None
    score: str | None
    first_level: list[PublicScore]


@router.get(
    "/public",
    response=list[PublicPeriod],
    auth=None,
    summary="已公布的评价结果（公开：全县得分和一级指标得分）",
)
def public(request):
    out = []
    periods = list(
        Period.objects.filter(published=True).select_related("tree").order_by("-ends_on")[:12]
    )
    results = scoring.compute_many(periods)
    for p in periods:
        res = results[p.pk]
        out.append(
            {
                "code": p.code,
                "name": p.name,
                "published_at": p.published_at,
                "score": _s(res.score),
                "first_level": [
                    {"name": n.indicator.name, "score": _s(n.score)} for n in res.roots
                ],
            }
        )
    return out
