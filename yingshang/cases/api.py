"""REST API of cases: submit (idempotent), supplement documents, status, list for the caller's
scope, staff transitions. Files travel as base64 in JSON so a retried request is byte-identical."""

import base64
import binascii
import datetime as dt

from django.core.files.base import ContentFile
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from yingshang.apiaccess.idempotency import idempotent
from yingshang.cases import services
from yingshang.cases.models import ApprovalTask, Case, Verification
from yingshang.catalog import selectors as catalog_selectors
from yingshang.catalog.models import Package
from yingshang.errors import InvalidInput
from yingshang.org import scope
from yingshang.org.names import unit_stub

router = Router(tags=["办件 cases"])
PREFIX = "/"  # paths below start with /cases


class FileIn(Schema):
    material_key: str = Field(..., max_length=60, description="材料标识（事项材料清单中的 key）")
    name: str = Field(..., max_length=200, description="原文件名")
    content_base64: str = Field(..., description="文件内容（base64）")


class SubmitIn(Schema):
    matter_id: int | None = Field(None, description="事项ID（与 package_code 二选一）")
    package_code: str | None = Field(None, description="一件事代号")
    form_data: dict = Field(default_factory=dict, description="申请表：字段标识 → 值")
    channel: str = Field("mobile_api", description="mobile_api / online / terminal")
    contact_phone: str = ""
    deficit_sign: bool = Field(False, description="申请人签署当前版本的容缺受理承诺书")
    certificate_keys: list[str] = Field(
        default_factory=list, description="以告知承诺代替的证明材料标识"
    )
    files: list[FileIn] = Field(default_factory=list)


class SupplementIn(Schema):
    files: list[FileIn]


class TaskOut(Schema):
    id: int
    unit: str
    title: str
    status: str
    due_at: dt.datetime | None
    decision: str
    late: bool


class CaseOut(Schema):
    number: str
    title: str
    status: str
    status_label: str
    channel: str
    unit: str
    received_at: dt.datetime | None
    accepted_at: dt.datetime | None
    due_at: dt.datetime | None
    clock_state: str
    decision: str
    closure_kind: str
    deficit_open: bool
    deficit_items: list
    deficit_due_at: dt.datetime | None
    tasks: list[TaskOut] = []


class CaseListOut(Schema):
    count: int
    results: list[CaseOut]


class TransitionIn(Schema):
    reason: str = ""
    items: list[str] = Field(
        default_factory=list, description="request_correction：一次性告知的全部事项"
    )
    decision: str = Field("", description="decide / task_decide：approved 或 not_approved")
    reasons: str = ""
    opinion: str = ""
    task_id: int | None = None
    verification_id: int | None = None
    truthful: bool | None = None
    method: str = Field("", description="deliver：window_pickup / mail / e_licence")
    tracking_number: str = ""
    address: str = ""
    signed_at_window: bool = False
    file: FileIn | None = None


def _out(case: Case, *, with_tasks: bool = True) -> dict:
    return {
        "number": case.number,
        "title": case.title,
        "status": case.status,
        "status_label": case.get_status_display(),
        "channel": case.channel,
        "unit": case.unit.name,
        "received_at": case.received_at,
        "accepted_at": case.accepted_at,
        "due_at": case.due_at,
        "clock_state": case.clock_state or "",
        "decision": case.decision,
        "closure_kind": case.closure_kind,
        "deficit_open": case.deficit_open,
        "deficit_items": case.deficit_items,
        "deficit_due_at": case.deficit_due_at,
        "tasks": [
            {
                "id": t.pk,
                "unit": t.unit.name,
                "title": t.title,
                "status": t.status,
                "due_at": t.due_at,
                "decision": t.decision,
                "late": t.late,
            }
            for t in case.tasks.select_related("unit")
        ]
        if with_tasks
        else [],
    }


def _decode(f: FileIn) -> ContentFile:
    try:
        raw = base64.b64decode(f.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            "FILE_BASE64_INVALID",
            _("文件“%(name)s”的内容不是有效的 base64") % {"name": f.name},
            details={"field": f.material_key},
        ) from None
    return ContentFile(raw, name=f.name)


def _files(items: list[FileIn]) -> dict:
    out: dict[str, list] = {}
    for f in items:
        out.setdefault(f.material_key, []).append(_decode(f))
    return out


@router.post("/cases", response={201: CaseOut}, summary="提交申请（幂等：Idempotency-Key）")
def submit(request, payload: SubmitIn):
    def create():
        matter = package = None
        if payload.matter_id is not None:
            matter = catalog_selectors.matter_for_submission(request.user, payload.matter_id)
            # the published version (never changed) and the unit's name from this process's
            # caches instead of joining both rows on every submission
            matter.current_version = catalog_selectors.published_version(matter.current_version_id)
            matter.unit = unit_stub(matter.unit_id)
        elif payload.package_code:
            package = scope.get_for(request.user, Package, payload.package_code, field="code")
        if payload.channel == "window":
            raise InvalidInput("CASE_CHANNEL_INVALID", _("接口不能以窗口渠道提交"))
        case = services.case_submit(
            actor=request.user,
            matter=matter,
            package=package,
            form_data=payload.form_data,
            files=_files(payload.files),
            channel=payload.channel,
            deficit_sign=payload.deficit_sign,
            certificate_keys=payload.certificate_keys,
            contact_phone=payload.contact_phone,
        )
        return 201, _out(case, with_tasks=False)

    return idempotent(request, "cases.submit", payload, create)


@router.get("/cases", response=CaseListOut, summary="办件列表（调用者可见范围）")
def list_cases(
    request,
    status: str = "",
    unit_id: int | None = None,
    limit: int = Query(50, le=200),
    offset: int = 0,
):
    qs = scope.visible_to(request.user, Case).select_related("unit")
    if status:
        qs = qs.filter(status=status)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    qs = qs.order_by("-received_at", "-id")
    rows = list(qs[offset : offset + limit])
    return {"count": qs.count(), "results": [_out(c, with_tasks=False) for c in rows]}


def _case(request, number: str) -> Case:
    return scope.get_for(
        request.user, Case, number, field="number", queryset=Case.objects.select_related("unit")
    )


@router.get("/cases/{number}", response=CaseOut, summary="办件状态")
def status(request, number: str):
    return _out(_case(request, number))


@router.post("/cases/{number}/documents", response=CaseOut, summary="补交材料（容缺补齐、补正）")
def supplement(request, number: str, payload: SupplementIn):
    case = _case(request, number)
    if case.status == "awaiting_correction":
        case = services.case_resubmit(actor=request.user, case=case, files=_files(payload.files))
    else:
        case = services.case_supply_documents(
            actor=request.user, case=case, files=_files(payload.files)
        )
    return _out(case)


ACTIONS = (
    "accept",
    "accept_with_deficit",
    "request_correction",
    "reject_intake",
    "start_review",
    "task_decide",
    "decide",
    "deliver",
    "close",
    "withdraw",
    "terminate",
    "verify",
)


@router.post(
    "/cases/{number}/transitions/{action}",
    response=CaseOut,
    summary="办件流转（受理、容缺受理、补正、审批、决定、送达、办结、撤回、终止、核查）",
)
def transition(request, number: str, action: str, payload: TransitionIn):
    case = _case(request, number)
    u = request.user
    p = payload
    if action not in ACTIONS:
        raise InvalidInput("CASE_ACTION_UNKNOWN", _("未知的操作：%(a)s") % {"a": action})
    if action == "accept":
        case = services.case_accept(actor=u, case=case)
    elif action == "accept_with_deficit":
        case = services.case_accept_with_deficit(
            actor=u, case=case, signed_at_window=p.signed_at_window
        )
    elif action == "request_correction":
        services.case_request_correction(actor=u, case=case, items=p.items, note=p.reason)
    elif action == "reject_intake":
        case = services.case_reject_intake(actor=u, case=case, reason=p.reason)
    elif action == "start_review":
        case = services.case_start_review(actor=u, case=case)
    elif action == "task_decide":
        task = get_object_or_404(ApprovalTask, pk=p.task_id or 0, case=case)
        services.task_decide(actor=u, task=task, decision=p.decision, opinion=p.opinion)
    elif action == "decide":
        case = services.case_decide(actor=u, case=case, decision=p.decision, reasons=p.reasons)
    elif action == "deliver":
        case = services.case_deliver(
            actor=u,
            case=case,
            method=p.method,
            tracking_number=p.tracking_number,
            address=p.address,
            file=_decode(p.file) if p.file else None,
        )
    elif action == "close":
        case = services.case_close(actor=u, case=case)
    elif action == "withdraw":
        case = services.case_withdraw(actor=u, case=case, reason=p.reason)
    elif action == "terminate":
        case = services.case_terminate(actor=u, case=case, reason=p.reason)
    elif action == "verify":
        v = get_object_or_404(Verification, pk=p.verification_id or 0, case=case)
        services.verification_check(
            actor=u, verification=v, truthful=bool(p.truthful), note=p.reason
        )
    case.refresh_from_db()
    return _out(case)
