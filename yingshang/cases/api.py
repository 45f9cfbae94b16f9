"""REST API of cases: submit (idempotent), supplement documents, status, list for the caller's
scope, staff transitions. Files travel as base64 in JSON so a retried request is byte-identical."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from yingshang import inputs
from yingshang.apiaccess.idempotency import idempotent
from yingshang.cases import services
from yingshang.cases.actions import API_ACTIONS, CASE_ACTIONS, FileIn, decode_file
from yingshang.cases.models import Case
from yingshang.catalog import selectors as catalog_selectors
from yingshang.catalog.models import Package
from yingshang.errors import InvalidInput
from yingshang.org import scope
from yingshang.org.names import unit_name
from yingshang.workcal import calendar

router = Router(tags=["办件 cases"])
PREFIX = "/"  # paths below start with /cases


class SubmitIn(Schema):
    matter_id: int | None = Field(None, description="事项ID（与 package_code 二选一）")
    package_code: inputs.Text[40] | None = Field(None, description="一件事代号")
    form_data: dict[inputs.Text[60], object] = Field(
        default_factory=dict, max_length=200, description="申请表：字段标识 → 值"
    )
    channel: inputs.Text[20] = Field("mobile_api", description="mobile_api / online / terminal")
    contact_phone: inputs.Text[20] = ""
    deficit_sign: bool = Field(False, description="申请人签署当前版本的容缺受理承诺书")
    certificate_keys: list[inputs.Text[60]] = Field(
        default_factory=list, max_length=100, description="以告知承诺代替的证明材料标识"
    )
    files: list[FileIn] = Field(default_factory=list, max_length=50)


class SupplementIn(Schema):
    files: list[FileIn]


class TaskOut(Schema):
    id: int
    unit: str
    title: str
    status: str
    due_at: dt.datetime | None
    due_provisional: bool = False
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
    due_provisional: bool = Field(
        False, description="时限按尚未公布节假日安排的年度推算（预计），公布后自动重算"
    )
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


def _out(case: Case, *, with_tasks: bool = True) -> dict:
    return {
        "number": case.number,
        "title": case.title,
        "status": case.status,
        "status_label": case.get_status_display(),
        "channel": case.channel,
        "unit": unit_name(case.unit_id),
        "received_at": case.received_at,
        "accepted_at": case.accepted_at,
        "due_at": case.due_at,
        "due_provisional": calendar.is_provisional(case.due_at),
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
                "due_provisional": calendar.is_provisional(t.due_at),
                "decision": t.decision,
                "late": t.late,
            }
            for t in case.tasks.select_related("unit")
        ]
        if with_tasks
        else [],
    }


def _files(items: list[FileIn]) -> dict:
    out: dict[str, list] = {}
    for f in items:
        out.setdefault(f.material_key, []).append(decode_file(f))
    return out


@router.post("/cases", response={201: CaseOut}, summary="提交申请（幂等：Idempotency-Key）")
def submit(request, payload: SubmitIn):
    def create():
        matter = package = None
        if payload.matter_id is not None:
            matter = catalog_selectors.matter_for_submission(request.user, payload.matter_id)
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
    status: inputs.Text[20] = "",
    unit_id: inputs.DbId | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: inputs.Offset = 0,
):
    qs = scope.visible_to(request.user, Case)
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


def _respond(request, case: Case, result) -> dict:
    case.refresh_from_db()
    return _out(case)


# POST /cases/{number}/transitions/<action>: one endpoint per action, each with its own input
CASE_ACTIONS.add_routes(
    router,
    "/cases/{number}/transitions",
    fetch=_case,
    respond=_respond,
    response=CaseOut,
    key=("number", str),
    only=API_ACTIONS,
)


@router.post(
    "/cases/{number}/transitions/{action}",
    response=CaseOut,
    summary="办件流转（未知操作；每个操作有自己的接口和输入）",
)
def transition(request, number: str, action: str):
    """The pattern of the per-action endpoints above. They are registered first, so only a name
    without an endpoint gets here: 404 outside the caller's scope, else a 400 naming it."""
    _case(request, number)
    raise InvalidInput("CASE_ACTION_UNKNOWN", _("未知的操作：%(a)s") % {"a": action})
