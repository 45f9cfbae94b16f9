"""REST of the full credit file under /api/v1/credit/ (mounted by credit/api.py): penalties
with their publicity period, praise, 信用修复 (apply and resubmit as multipart, review
actions) and the dishonest list's notice/objection steps (the rules and the public list are
in api_rules.py). Same services and scope as the pages; errors carry the
stable codes of yingshang/errors.py."""

import datetime as dt
from typing import Literal

from django.http import Http404
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from yingshang.apiaccess.idempotency import idempotent
from yingshang.credit import records, repair, selectors
from yingshang.credit.models import (
    DishonestListing,
    Penalty,
    Praise,
    RepairApplication,
)
from yingshang.credit.scopes import owns
from yingshang.errors import InvalidInput
from yingshang.inputs import Content, Date, DbId, Limit, Line, Name, Offset
from yingshang.org import scope
from yingshang.org.models import Unit

router = Router(tags=["credit"])


def _unit(user, pk: int) -> Unit:
    unit = scope.visible_to(user, Unit).filter(pk=pk, is_active=True).first()
    if unit is None:
        raise InvalidInput(
            "CREDIT_UNIT_REQUIRED", "请选择处罚/认定机关", details={"field": "unit_id"}
        )
    return unit


# --- penalties ------------------------------------------------------------------------------------
class PenaltyOut(Schema):
    id: int
    subject_id: int
    subject_name: str = Field(..., description="企业名称；个人为脱敏姓名")
    subject_code: str = Field(..., description="统一社会信用代码；个人为脱敏身份证号")
    decision_number: str
    decided_on: dt.date
    types: list[str]
    unit_id: int
    unit_name: str
    legal_basis: str
    severity: str
    repair_from: dt.date = Field(..., description="最短公示期满、可申请信用修复的日期")
    public_until: dt.date = Field(..., description="最长公示期满、停止公示的日期（当日起不公示）")
    status: str
    status_label: str
    void_reason: str


def penalty_out(p: Penalty) -> dict:
    return {
        "id": p.pk,
        "subject_id": p.subject_id,
        "subject_name": p.subject_name,
        "subject_code": p.subject_code,
        "decision_number": p.decision_number,
        "decided_on": p.decided_on,
        "types": p.types,
        "unit_id": p.unit_id,
        "unit_name": p.unit.name,
        "legal_basis": p.legal_basis,
        "severity": p.severity,
        "repair_from": p.repair_from,
        "public_until": p.public_until,
        "status": p.status,
        "status_label": p.get_status_display(),
        "void_reason": p.void_reason,
    }


class PenaltyIn(Schema):
    subject_kind: Literal["firm", "person"]
    identifier: Line = Field(..., description="企业：统一社会信用代码；个人：身份证号码或手机号码")
    unit_id: DbId = Field(..., description="处罚机关")
    decision_number: Name
    decided_on: Date
    types: list[Name] = Field(..., description="处罚类型代码（见 /credit/rules/publicity），可多个")
    legal_basis: Content
    severity: Literal["general", "heavy", "serious"] = "general"
    facts: Content = ""
    content: Content = ""


class ReasonIn(Schema):
    reason: Content = Field(..., description="原因/意见")


@router.get("/penalties", response=list[PenaltyOut], summary="行政处罚记录（按用户范围）")
def penalty_list(request, q: Line = "", status: str = "", limit: Limit = 100, offset: Offset = 0):
    qs = scope.visible_to(request.user, Penalty).select_related("unit")
    if q:
        qs = qs.filter(subject_name__icontains=q) | qs.filter(decision_number__icontains=q)
    if status in Penalty.Status.values:
        qs = qs.filter(status=status)
    return [
        penalty_out(p) for p in qs.order_by("-decided_on", "-pk")[offset : offset + min(limit, 500)]
    ]


@router.post(
    "/penalties", response={201: PenaltyOut}, summary="录入行政处罚决定（公示期按规则计算）"
)
def penalty_create(request, payload: PenaltyIn):
    def create():
        penalty = records.penalty_record(
            actor=request.user,
            subject_of=selectors.find_subject_of(
                kind=payload.subject_kind, identifier=payload.identifier
            ),
            unit=_unit(request.user, payload.unit_id),
            decision_number=payload.decision_number,
            decided_on=payload.decided_on,
            types=list(payload.types),
            legal_basis=payload.legal_basis,
            severity=payload.severity,
            facts=payload.facts,
            content=payload.content,
        )
        return 201, penalty_out(penalty)

    return idempotent(request, "credit.penalty_record", payload, create)


@router.get("/penalties/{penalty_id}", response=PenaltyOut, summary="行政处罚记录")
def penalty_get(request, penalty_id: DbId):
    return penalty_out(scope.get_for(request.user, Penalty, penalty_id))


@router.post(
    "/penalties/{penalty_id}/void", response=PenaltyOut, summary="作废处罚记录（记录保留）"
)
def penalty_void(request, penalty_id: DbId, payload: ReasonIn):
    penalty = scope.get_for(request.user, Penalty, penalty_id)
    return penalty_out(
        records.penalty_void(actor=request.user, penalty=penalty, reason=payload.reason)
    )


# --- praise ---------------------------------------------------------------------------------------
class PraiseOut(Schema):
    id: int
    subject_id: int
    kind: str
    title: str
    document_number: str
    unit_id: int
    decided_on: dt.date
    valid_until: dt.date | None
    legal_basis: str
    voided: bool
    void_reason: str


def praise_out(p: Praise) -> dict:
    return {
        k: getattr(p, k)
        for k in (
            "subject_id",
            "kind",
            "title",
            "document_number",
            "unit_id",
            "decided_on",
            "valid_until",
            "legal_basis",
            "voided",
            "void_reason",
        )
    } | {"id": p.pk}


class PraiseIn(Schema):
    subject_kind: Literal["firm", "person"]
    identifier: Line
    unit_id: DbId
    kind: Literal["red_list", "award", "a_rating"]
    title: Name
    decided_on: Date
    document_number: Name = ""
    valid_until: Date | None = None
    legal_basis: Content = ""


@router.get("/praises", response=list[PraiseOut], summary="守信激励记录（红名单）")
def praise_list(request, limit: Limit = 100, offset: Offset = 0):
    qs = scope.visible_to(request.user, Praise).order_by("-decided_on", "-pk")
    return [praise_out(p) for p in qs[offset : offset + min(limit, 500)]]


@router.post("/praises", response={201: PraiseOut}, summary="录入守信激励记录")
def praise_create(request, payload: PraiseIn):
    def create():
        praise = records.praise_add(
            actor=request.user,
            subject_of=selectors.find_subject_of(
                kind=payload.subject_kind, identifier=payload.identifier
            ),
            unit=_unit(request.user, payload.unit_id),
            kind=payload.kind,
            title=payload.title,
            decided_on=payload.decided_on,
            document_number=payload.document_number,
            valid_until=payload.valid_until,
            legal_basis=payload.legal_basis,
        )
        return 201, praise_out(praise)

    return idempotent(request, "credit.praise_add", payload, create)


@router.post("/praises/{praise_id}/void", response=PraiseOut, summary="作废守信激励记录")
def praise_void(request, praise_id: DbId, payload: ReasonIn):
    praise = scope.get_for(request.user, Praise, praise_id)
    return praise_out(records.praise_void(actor=request.user, praise=praise, reason=payload.reason))


# --- 信用修复 ------------------------------------------------------------------------------------
class RepairOut(Schema):
    id: int
    number: str
    subject_id: int
    penalty_id: int | None
    listing_id: int | None
    statement: str
    status: str
    status_label: str
    rounds: int
    submitted_at: dt.datetime
    due_at: dt.datetime | None = Field(None, description="审核期限（工作日，workcal）")
    decided_at: dt.datetime | None
    decision_reason: str
    on_time: bool | None
    materials: list[dict]


def repair_out(a: RepairApplication) -> dict:
    return {
        "id": a.pk,
        "number": a.number,
        "subject_id": a.subject_id,
        "penalty_id": a.penalty_id,
        "listing_id": a.listing_id,
        "statement": a.statement,
        "status": a.status,
        "status_label": a.get_status_display(),
        "rounds": a.rounds,
        "submitted_at": a.submitted_at,
        "due_at": a.due_at,
        "decided_at": a.decided_at,
        "decision_reason": a.decision_reason,
        "on_time": a.on_time,
        "materials": [
            {
                "id": m.pk,
                "kind": m.kind,
                "round": m.round,
                "name": m.original_name,
                "sha256": m.sha256,
            }
            for m in a.materials.order_by("round", "pk")
        ],
    }


def _own_record(user, kind: str, pk: int):
    model = Penalty if kind == "penalty" else DishonestListing
    record = scope.get_for(user, model, pk)
    if not owns(scope.grants(user), record.subject_id):
        raise Http404
    return record


@router.get(
    "/repairs",
    response=list[RepairOut],
    summary="信用修复申请（申请人看自己的，审核人员看范围内的）",
)
def repair_list(request, status: str = "", limit: Limit = 100, offset: Offset = 0):
    qs = scope.visible_to(request.user, RepairApplication)
    if status in RepairApplication.Status.values:
        qs = qs.filter(status=status)
    return [repair_out(a) for a in qs.order_by("-pk")[offset : offset + min(limit, 500)]]


@router.post(
    "/repairs",
    response={201: RepairOut},
    summary="申请信用修复（multipart：修复申请表 form、承诺书 pledge、履行证明 proof）",
)
def repair_create(
    request,
    record_kind: Form[Literal["penalty", "listing"]],
    record_id: Form[DbId],
    statement: Form[Content],
    form: File[list[UploadedFile]],
    pledge: File[list[UploadedFile]],
    proof: File[list[UploadedFile]],
):
    record = _own_record(request.user, record_kind, record_id)
    app = repair.repair_apply(
        actor=request.user,
        record=record,
        statement=statement,
        files={"form": form, "pledge": pledge, "proof": proof},
    )
    return 201, repair_out(app)


@router.get("/repairs/{repair_id}", response=RepairOut, summary="信用修复申请")
def repair_get(request, repair_id: DbId):
    return repair_out(scope.get_for(request.user, RepairApplication, repair_id))


@router.post(
    "/repairs/{repair_id}/resubmit",
    response=RepairOut,
    summary="补充材料后重新提交（multipart：files 为 kind 类材料，默认履行证明 proof）",
)
def repair_resubmit(
    request,
    repair_id: DbId,
    files: File[list[UploadedFile]],
    kind: Form[Literal["form", "pledge", "proof", "other"]] = "proof",
    statement: Form[str] = "",
):
    app = scope.get_for(request.user, RepairApplication, repair_id)
    app = repair.repair_resubmit(
        actor=request.user, application=app, files={kind: files}, statement=statement
    )
    return repair_out(app)


ACTIONS = {
    "return": repair.repair_return,
    "accept": repair.repair_accept,
    "refuse": repair.repair_refuse,
    "withdraw": repair.repair_withdraw,
}


class ReviewIn(Schema):
    reason: Content = Field("", description="退回、不予修复时必填")


@router.post(
    "/repairs/{repair_id}/{action}",
    response=RepairOut,
    summary="审核信用修复：return 退回补充 / accept 同意 / refuse 不予修复；申请人 withdraw 撤回",
)
def repair_act(
    request,
    repair_id: DbId,
    action: Literal["return", "accept", "refuse", "withdraw"],
    payload: ReviewIn,
):
    app = scope.get_for(request.user, RepairApplication, repair_id)
    return repair_out(ACTIONS[action](actor=request.user, application=app, reason=payload.reason))


# --- the dishonest list: notice and objection ------------------------------------------------------
class NoticeIn(Schema):
    subject_kind: Literal["firm", "person"]
    identifier: Line
    reason: Content
    legal_basis: Content
    unit_id: DbId | None = None


class ListingStepOut(Schema):
    id: int
    status: str
    status_label: str
    active: bool
    legal_basis: str
    objection_due: dt.datetime | None
    objection: str
    objection_ruling: str
    until: dt.date | None
    repair_from: dt.date | None


def step_out(x: DishonestListing) -> dict:
    return {
        "id": x.pk,
        "status": x.status,
        "status_label": x.get_status_display(),
        "active": x.active,
        "legal_basis": x.legal_basis,
        "objection_due": x.objection_due,
        "objection": x.objection,
        "objection_ruling": x.objection_ruling,
        "until": x.until,
        "repair_from": x.repair_from,
    }


@router.post(
    "/listings/notice",
    response={201: ListingStepOut},
    summary="告知拟列入失信名单（异议期按工作日）",
)
def listing_notice(request, payload: NoticeIn):
    def create():
        listing = records.listing_notice(
            actor=request.user,
            subject_of=selectors.find_subject_of(
                kind=payload.subject_kind, identifier=payload.identifier
            ),
            reason=payload.reason,
            legal_basis=payload.legal_basis,
            unit=_unit(request.user, payload.unit_id) if payload.unit_id else None,
        )
        return 201, step_out(listing)

    return idempotent(request, "credit.listing_notice", payload, create)


class ObjectionIn(Schema):
    objection: Content


class RulingIn(Schema):
    upheld: bool
    ruling: Content


@router.post("/listings/{listing_id}/object", response=ListingStepOut, summary="被告知主体提出异议")
def listing_object(request, listing_id: DbId, payload: ObjectionIn):
    listing = scope.get_for(request.user, DishonestListing, listing_id)
    return step_out(
        records.listing_object(actor=request.user, listing=listing, objection=payload.objection)
    )


@router.post("/listings/{listing_id}/objection-ruling", response=ListingStepOut, summary="处理异议")
def listing_ruling(request, listing_id: DbId, payload: RulingIn):
    listing = scope.get_for(request.user, DishonestListing, listing_id)
    return step_out(
        records.listing_rule_objection(
            actor=request.user, listing=listing, upheld=payload.upheld, ruling=payload.ruling
        )
    )


@router.post(
    "/listings/{listing_id}/confirm", response=ListingStepOut, summary="异议期满无异议，列入名单"
)
def listing_confirm(request, listing_id: DbId):
    listing = scope.get_for(request.user, DishonestListing, listing_id)
    return step_out(records.listing_confirm(actor=request.user, listing=listing))
