"""REST API of the assessment: schemes (create, revise, activate, retire), bonus/penalty items,
ranking snapshots (request, read with every figure, number, publish, discard, documents) and
the lists with their follow-up. Everything from the caller's scope."""

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from yingshang.apiaccess.idempotency import idempotent
from yingshang.assessment import documents, selectors, services
from yingshang.assessment.actions import (
    ADJUSTMENT_ACTIONS,
    LISTING_ACTIONS,
    SCHEME_ACTIONS,
    SNAPSHOT_ACTIONS,
)
from yingshang.assessment.models import Adjustment, Listing, Scheme, Snapshot
from yingshang.dbrouting import reporting
from yingshang.org import scope
from yingshang.spreadsheets import XLSX

router = Router(tags=["assessment"])


def _mount_oversight() -> None:
    from yingshang.assessment.api_oversight import router as oversight

    router.add_router("", oversight)


class MetricIn(Schema):
    code: str
    weight: Decimal
    direction: str = ""
    normalisation: str = ""
    min_sample: int = 0


class GroupIn(Schema):
    unit_kind: str
    name: str = ""


class SchemeIn(Schema):
    code: str
    name: str
    period_kind: str
    effective_from: dt.date
    metrics: list[MetricIn]
    groups: list[GroupIn]
    praise_top: int = 1
    ladder: bool = True
    talk_after: int = 2
    note: str = ""


class ReviseIn(Schema):
    name: str
    effective_from: dt.date
    metrics: list[MetricIn]
    groups: list[GroupIn]
    praise_top: int = 1
    ladder: bool = True
    talk_after: int = 2
    note: str = ""


class SchemeOut(Schema):
    id: int
    code: str
    version: int
    name: str
    period_kind: str
    effective_from: dt.date
    status: str
    praise_top: int
    ladder: bool
    talk_after: int
    metrics: list[dict]
    groups: list[dict]
    allowed_actions: list[str]


def _scheme(request, s: Scheme) -> dict:
    can = scope.abilities(request.auth, s)
    return {
        "id": s.pk,
        "code": s.code,
        "version": s.version,
        "name": s.name,
        "period_kind": s.period_kind,
        "effective_from": s.effective_from,
        "status": s.status,
        "praise_top": s.praise_top,
        "ladder": s.ladder,
        "talk_after": s.talk_after,
        "metrics": [
            {
                "code": m.code,
                "weight": str(m.weight),
                "direction": m.direction,
                "normalisation": m.normalisation,
                "min_sample": m.min_sample,
            }
            for m in s.metrics.all()
        ],
        "groups": [{"name": g.name, "unit_kind": g.unit_kind} for g in s.groups.all()],
        "allowed_actions": [a for a in SCHEME_ACTIONS.table.allowed(s.status) if can.get(a)],
    }


@router.get("/schemes", response=list[SchemeOut], summary="考核方案列表")
def list_schemes(request):
    return [_scheme(request, s) for s in selectors.schemes(request.auth)[:200]]


@router.post("/schemes", response={201: SchemeOut}, summary="新建考核方案（草稿）")
def create_scheme(request, payload: SchemeIn):
    def make():
        data = payload.dict()
        scheme = services.scheme_create(actor=request.auth, **data)
        return 201, _scheme(request, scheme)

    return idempotent(request, "assessment.scheme_create", payload.dict(), make)


@router.get("/schemes/{scheme_id}", response=SchemeOut, summary="考核方案详情")
def get_scheme(request, scheme_id: int):
    return _scheme(request, scope.get_for(request.auth, Scheme, scheme_id))


@router.post("/schemes/{scheme_id}/revise", response={201: SchemeOut}, summary="修订为新版本")
def revise_scheme(request, scheme_id: int, payload: ReviseIn):
    base = scope.get_for(request.auth, Scheme, scheme_id)
    new = services.scheme_revise(actor=request.auth, scheme=base, **payload.dict())
    return Status(201, _scheme(request, new))


SCHEME_ACTIONS.add_routes(
    router,
    "/schemes/{scheme_id}",
    fetch=lambda request, pk: scope.get_for(request.auth, Scheme, pk),
    respond=lambda request, obj, result: _scheme(request, result),
    response=SchemeOut,
    key=("scheme_id", int),
)


class SnapshotRequestIn(Schema):
    period: str
    reason: str = ""


class SnapshotOut(Schema):
    id: int
    period_kind: str
    period_key: str
    version: int
    status: str
    progress: int
    message: str
    scheme_id: int
    document_number: str
    published_at: dt.datetime | None
    results: dict
    diff: list
    listings: list[dict]
    allowed_actions: list[str]


class SnapshotRowOut(Schema):
    id: int
    period_kind: str
    period_key: str
    version: int
    status: str
    document_number: str


class SnapshotPatchIn(Schema):
    document_number: str


def _snapshot(request, s: Snapshot) -> dict:
    can = scope.abilities(request.auth, s)
    return {
        "id": s.pk,
        "period_kind": s.period_kind,
        "period_key": s.period_key,
        "version": s.version,
        "status": s.status,
        "progress": s.progress,
        "message": s.message,
        "scheme_id": s.scheme_id,
        "document_number": s.document_number,
        "published_at": s.published_at,
        "results": s.results,
        "diff": s.diff,
        "listings": [
            {
                "unit_id": x.unit_id,
                "unit": x.unit.name,
                "kind": x.kind,
                "reason": x.reason,
                "status": x.status,
            }
            for x in s.listings.select_related("unit")
        ],
        "allowed_actions": [a for a in SNAPSHOT_ACTIONS.table.allowed(s.status) if can.get(a)],
    }


@router.get("/snapshots", response=list[SnapshotRowOut], summary="排名快照列表")
@reporting()
def list_snapshots(request, kind: str = "", period: str = ""):
    qs = selectors.snapshots(request.auth)
    if kind:
        qs = qs.filter(period_kind=kind)
    if period:
        qs = qs.filter(period_key=period)
    return list(qs[:200])


@router.post("/snapshots", response={202: SnapshotOut}, summary="生成排名（后台计算，新版本）")
def request_snapshot(request, payload: SnapshotRequestIn):
    def make():
        s = services.snapshot_request(
            actor=request.auth, period_key=payload.period, reason=payload.reason
        )
        s.refresh_from_db()
        return 202, _snapshot(request, s)

    return idempotent(request, "assessment.snapshot_request", payload.dict(), make)


def _get_snapshot(request, pk: int) -> Snapshot:
    return scope.get_for(request.auth, Snapshot, pk)


@router.get("/snapshots/{snapshot_id}", response=SnapshotOut, summary="排名快照（含分子分母）")
@reporting()
def get_snapshot(request, snapshot_id: int):
    return _snapshot(request, _get_snapshot(request, snapshot_id))


@router.patch("/snapshots/{snapshot_id}", response=SnapshotOut, summary="修改草稿的文号")
def patch_snapshot(request, snapshot_id: int, payload: SnapshotPatchIn):
    s = services.snapshot_set_number(
        actor=request.auth,
        snapshot=_get_snapshot(request, snapshot_id),
        document_number=payload.document_number,
    )
    return _snapshot(request, s)


SNAPSHOT_ACTIONS.add_routes(
    router,
    "/snapshots/{snapshot_id}",
    fetch=_get_snapshot,
    respond=lambda request, obj, result: _snapshot(request, result),
    response=SnapshotOut,
    key=("snapshot_id", int),
)


def _file(s: Snapshot, content: bytes, suffix: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    name = f"assessment-{s.period_key}-v{s.version}{suffix}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@router.get("/snapshots/{snapshot_id}/bulletin.docx", summary="通报（Word）")
@reporting()
def snapshot_docx(request, snapshot_id: int):
    from django.http import Http404

    s = _get_snapshot(request, snapshot_id)
    if not s.results:
        raise Http404
    return _file(
        s,
        documents.bulletin(s),
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@router.get("/snapshots/{snapshot_id}/workbook.xlsx", summary="明细（Excel）")
@reporting()
def snapshot_xlsx(request, snapshot_id: int):
    from django.http import Http404

    s = _get_snapshot(request, snapshot_id)
    if not s.results:
        raise Http404
    return _file(s, documents.workbook(s), ".xlsx", XLSX)


class AdjustmentIn(Schema):
    unit_id: int
    kind: str
    occurred_on: dt.date
    points: Decimal
    reason: str


class AdjustmentOut(Schema):
    id: int
    unit_id: int
    kind: str
    occurred_on: dt.date
    points: Decimal
    reason: str
    status: str
    void_reason: str


@router.get("/adjustments", response=list[AdjustmentOut], summary="加减分事项")
def list_adjustments(request, status: str = ""):
    return list(selectors.adjustments(request.auth, {"status": status})[:500])


@router.post("/adjustments", response={201: AdjustmentOut}, summary="登记加减分事项")
def add_adjustment(request, payload: AdjustmentIn):
    def make():
        return 201, services.adjustment_add(actor=request.auth, **payload.dict())

    return idempotent(request, "assessment.adjustment_add", payload.dict(), make)


ADJUSTMENT_ACTIONS.add_routes(
    router,
    "/adjustments/{adjustment_id}",
    fetch=lambda request, pk: scope.get_for(request.auth, Adjustment, pk),
    respond=lambda request, obj, result: result,
    response=AdjustmentOut,
    key=("adjustment_id", int),
)


class ListingOut(Schema):
    id: int
    snapshot_id: int
    unit_id: int
    group_name: str
    kind: str
    reason: str
    status: str
    followup_note: str
    minutes_name: str
    created_at: dt.datetime
    held_at: dt.datetime | None


@router.get("/listings", response=list[ListingOut], summary="表扬/表态发言/约谈名单")
def list_listings(request, kind: str = "", status: str = ""):
    return list(selectors.listings(request.auth, {"kind": kind, "status": status})[:500])


LISTING_ACTIONS.add_routes(
    router,
    "/listings/{listing_id}",
    fetch=lambda request, pk: scope.get_for(request.auth, Listing, pk),
    respond=lambda request, obj, result: result,
    response=ListingOut,
    key=("listing_id", int),
)


@router.post(
    "/listings/{listing_id}/followup-with-minutes",
    response=ListingOut,
    summary="记录落实情况并上传会议纪要（multipart，约谈须上传纪要）",
)
def followup_with_minutes(request, listing_id: int, note: Form[str], minutes: File[UploadedFile]):
    listing = scope.get_for(request.auth, Listing, listing_id)
    return services.listing_followup(
        actor=request.auth, listing=listing, note=note, minutes=minutes
    )


_mount_oversight()
