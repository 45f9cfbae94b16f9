"""REST API of 清欠: records in scope, the report/registration, every action of the record
(ARREARS_ACTIONS), the due-date rule, per-debtor progress, the ledger and the Excel import.
Errors in the one API format with stable ARREARS_* codes."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from yingshang import inputs
from yingshang.arrears import ledger_io, rules, selectors, services
from yingshang.arrears.actions import ARREARS_ACTIONS
from yingshang.arrears.models import Arrears, Debtor, DebtorKind, ImportBatch
from yingshang.enterprises.selectors import firm_by_uscc
from yingshang.errors import InvalidInput
from yingshang.org import scope
from yingshang.org.models import Unit

router = Router(tags=["arrears"])


class PaymentOut(Schema):
    id: int
    paid_on: dt.date
    amount: Decimal
    voucher_number: str
    note: str
    voided: bool
    void_reason: str


class MilestoneOut(Schema):
    id: int
    due_on: dt.date
    amount: Decimal
    note: str
    met: bool


class ArrearsOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    source: str
    debtor_id: int
    debtor: str
    debtor_kind: str
    creditor: str
    creditor_uscc: str
    creditor_size: str
    contract_number: str
    amount: Decimal
    accepted_on: dt.date
    due_on: dt.date
    due_rule: str
    back_to_back: bool
    back_to_back_text: str
    undisputed_amount: Decimal
    disputed_amount: Decimal
    paid_amount: Decimal
    outstanding: Decimal
    overdue: bool
    verify_due_at: dt.datetime | None
    reported_at: dt.datetime


class ArrearsDetailOut(ArrearsOut):
    payments: list[PaymentOut]
    milestones: list[MilestoneOut]
    interest: Decimal | None
    allowed_actions: list[str]


def _out(a: Arrears) -> dict:
    return {
        "id": a.pk,
        "number": a.number,
        "status": a.status,
        "status_label": a.get_status_display(),
        "source": a.source,
        "debtor_id": a.debtor_id,
        "debtor": a.debtor.name,
        "debtor_kind": a.debtor.kind,
        "creditor": a.creditor.name,
        "creditor_uscc": a.creditor.uscc,
        "creditor_size": a.creditor_size,
        "contract_number": a.contract_number,
        "amount": a.amount,
        "accepted_on": a.accepted_on,
        "due_on": a.due_on,
        "due_rule": a.due_rule,
        "back_to_back": a.back_to_back,
        "back_to_back_text": a.back_to_back_text,
        "undisputed_amount": a.undisputed_amount,
        "disputed_amount": a.disputed_amount,
        "paid_amount": a.paid_amount,
        "outstanding": a.outstanding,
        "overdue": a.status in ("confirmed", "repaying")
        and a.due_on < selectors.today()
        and a.outstanding > 0,
        "verify_due_at": a.due_at,
        "reported_at": a.reported_at,
    }


def _detail(user, a: Arrears) -> dict:
    extra = selectors.detail(a)
    return {
        **_out(a),
        "payments": [
            {
                "id": p.pk,
                "paid_on": p.paid_on,
                "amount": p.amount,
                "voucher_number": p.voucher_number,
                "note": p.note,
                "voided": p.voided_at is not None,
                "void_reason": p.void_reason,
            }
            for p in extra["payments"]
        ],
        "milestones": [
            {"id": m.pk, "due_on": m.due_on, "amount": m.amount, "note": m.note, "met": m.met}
            for m in extra["milestones"]
        ],
        "interest": extra["interest"],
        "allowed_actions": [k for k, ok in scope.abilities(user, a).items() if ok],
    }


class Filters(Schema):
    status: inputs.Text[20] = ""
    debtor: inputs.Text[20] = ""
    unit: inputs.Text[20] = ""
    firm: inputs.Text[20] = ""
    overdue: inputs.Text[5] = ""
    source: inputs.Text[20] = ""
    q: inputs.Text[60] = ""
    limit: inputs.Limit = 50
    offset: inputs.Offset = 0


class Page(Schema):
    count: int
    results: list[ArrearsOut]


@router.get("/records", response=Page, summary="清欠记录列表（按权限范围）")
def list_records(request, filters: Query[Filters]):
    qs = selectors.filtered(request.user, filters.dict())
    limit = min(filters.limit, 200)
    rows = qs.order_by("-reported_at", "-id")[filters.offset : filters.offset + limit]
    return {"count": qs.count(), "results": [_out(a) for a in rows]}


def _fetch(request, pk) -> Arrears:
    return scope.get_for(
        request.user, Arrears, pk, queryset=Arrears.objects.select_related("debtor", "creditor")
    )


@router.get("/records/{pk}", response=ArrearsDetailOut, summary="清欠记录详情")
def get_record(request, pk: int):
    return _detail(request.user, _fetch(request, pk))


class ReportIn(Schema):
    """A firm reports for itself (creditor_uscc may be left out: its own firm); the 清欠办
    registers for any firm (creditor_uscc required). The debtor is a debtor on file
    (debtor_id), a unit (debtor_unit, its code), a firm on file (debtor_uscc: a state-owned or
    large enterprise) or a new named debtor (debtor_name + debtor_kind)."""

    debtor_id: inputs.DbId | None = None
    debtor_unit: inputs.Text[40] = ""
    debtor_uscc: inputs.Text[40] = ""
    debtor_name: inputs.Name = ""
    debtor_kind: inputs.Text[12] = ""
    creditor_uscc: inputs.Text[40] = ""
    creditor_size: inputs.Text[8] = ""
    contract_number: inputs.Text[60] = ""
    contract_name: inputs.Name = ""
    contract_date: inputs.Date | None = None
    contract_amount: inputs.Amount | None = None
    payment_terms: inputs.Content = ""
    contract_days: inputs.Count | None = None
    amount: inputs.Amount | None = None
    accepted_on: inputs.Date | None = None
    description: inputs.Content = ""
    workorder_id: inputs.DbId | None = None


def resolve_debtor(user, *, debtor_id=None, unit_code="", uscc="", name="", kind="") -> Debtor:
    """The debtor a form or the API names (shared by the pages)."""
    if debtor_id:
        return scope.get_for(user, Debtor, debtor_id)
    if uscc:
        firm = firm_by_uscc(uscc, field="debtor_uscc")
        if firm is None:
            raise InvalidInput(
                "ARREARS_DEBTOR_FIRM_UNKNOWN",
                _("统一社会信用代码为%(code)s的债务企业尚未登记，请填写债务人名称和类型")
                % {"code": uscc},
                details={"field": "debtor_uscc"},
            )
        if kind in ("agency", "institution"):
            kind = ""
        return services.debtor_ensure(kind=kind or DebtorKind.LARGE, name=firm.name, firm=firm)
    if unit_code:
        unit = scope.visible_to(user, Unit).filter(code=unit_code).first()
        if unit is None:
            raise InvalidInput(
                "ARREARS_UNIT_UNKNOWN",
                _("未知的单位代号“%(code)s”") % {"code": unit_code},
                details={"field": "debtor_unit"},
            )
        return services.debtor_ensure(kind=kind or DebtorKind.AGENCY, name=unit.name, unit=unit)
    return services.debtor_ensure(kind=kind, name=name)


def report_from(user, data: dict, files=None) -> Arrears:
    """Create from a report (API or page), as a firm or as the 清欠办."""
    debtor = resolve_debtor(
        user,
        debtor_id=data.get("debtor_id"),
        unit_code=data.get("debtor_unit") or "",
        uscc=data.get("debtor_uscc") or "",
        name=data.get("debtor_name") or "",
        kind=data.get("debtor_kind") or "",
    )
    is_firm = user.kind == "firm"
    uscc = data.get("creditor_uscc") or ""
    if is_firm and not uscc and user.firm_id:
        creditor = user.firm
    else:
        creditor = services.creditor_for(uscc)
    fields = {
        "debtor": debtor,
        "creditor_size": data.get("creditor_size") or "",
        "amount": data.get("amount"),
        "accepted_on": data.get("accepted_on"),
        "contract_number": data.get("contract_number") or "",
        "contract_name": data.get("contract_name") or "",
        "contract_date": data.get("contract_date"),
        "contract_amount": data.get("contract_amount"),
        "payment_terms": data.get("payment_terms") or "",
        "contract_days": data.get("contract_days"),
        "description": data.get("description") or "",
        "files": files,
    }
    if data.get("workorder_id"):
        from yingshang.hotline.models import WorkOrder

        order = scope.get_for(user, WorkOrder, data["workorder_id"])
        return services.arrears_from_workorder(actor=user, order=order, creditor=creditor, **fields)
    source = Arrears.Source.PORTAL if is_firm else Arrears.Source.STAFF
    return services.arrears_create(actor=user, source=source, creditor=creditor, **fields)


@router.post("/records", response={201: ArrearsDetailOut}, summary="反映/登记拖欠账款")
def create_record(request, payload: ReportIn):
    a = report_from(request.user, payload.dict())
    return Status(201, _detail(request.user, _fetch(request, a.pk)))


def _respond(request, obj, _result) -> dict:
    return _detail(request.user, _fetch(request, obj.pk))


ARREARS_ACTIONS.add_routes(
    router, "/records/{pk}", fetch=_fetch, respond=_respond, response=ArrearsDetailOut
)


@router.post("/records/{pk}/{action}", response=ArrearsDetailOut, include_in_schema=False)
def unknown_action(request, pk: int, action: str):
    _fetch(request, pk)
    ARREARS_ACTIONS.get(action)


class DueIn(Schema):
    debtor_kind: inputs.Text[12]
    accepted_on: inputs.Date
    contract_days: inputs.Count | None = None


class DueOut(Schema):
    due_on: dt.date
    days: int
    rule: str
    warnings: list[str]


@router.get("/due-date", response=DueOut, summary="按条例计算应付款日期")
def due_date(request, query: Query[DueIn]):
    if query.debtor_kind not in DebtorKind.values:
        raise InvalidInput(
            "ARREARS_DEBTOR_KIND_INVALID",
            _("债务人类型须为机关、事业单位、国有企业或大型企业"),
            details={"field": "debtor_kind"},
        )
    d = rules.due_date(
        debtor_kind=query.debtor_kind,
        accepted_on=query.accepted_on,
        contract_days=query.contract_days,
    )
    return {"due_on": d.due_on, "days": d.days, "rule": d.rule, "warnings": d.warnings}


class ProgressOut(Schema):
    debtor_id: int
    debtor: str
    debtor_kind: str
    records: int
    owed: Decimal
    paid: Decimal
    outstanding: Decimal
    rate: Decimal | None
    overdue_records: int
    overdue_amount: Decimal


@router.get("/progress", response=list[ProgressOut], summary="各债务人清零进度")
def progress(request):
    return [
        {
            "debtor_id": r.debtor.pk,
            "debtor": r.debtor.name,
            "debtor_kind": r.debtor.kind,
            "records": r.records,
            "owed": r.owed,
            "paid": r.paid,
            "outstanding": r.outstanding,
            "rate": r.rate,
            "overdue_records": r.overdue_records,
            "overdue_amount": r.overdue_amount,
        }
        for r in selectors.progress(request.user)
    ]


class LedgerOut(Schema):
    period: str
    label: str
    new_count: int
    new_amount: Decimal
    paid_count: int
    paid_amount: Decimal
    cleared_count: int


class LedgerIn(Schema):
    kind: inputs.Text[8] = "month"
    count: inputs.Count = 6


@router.get("/ledger", response=list[LedgerOut], summary="新增欠款与清偿（按期）")
def ledger(request, query: Query[LedgerIn]):
    kind = query.kind if query.kind in ("week", "month", "quarter", "year") else "month"
    return [
        {
            **{k: v for k, v in r.items() if k != "period"},
            "period": r["period"].key,
            "label": r["period"].label,
        }
        for r in selectors.ledger(request.user, kind, max(1, min(query.count, 24)))
    ]


class ImportOut(Schema):
    batch_id: int
    status: str
    rows: int
    errors: list[dict]


@router.post(
    "/imports", response={201: ImportOut}, summary="上传清欠台账（预览：逐行校验，不写入）"
)
def import_preview(request, file: File[UploadedFile]):
    batch, result = ledger_io.preview(actor=request.user, upload=file)
    return Status(
        201,
        {
            "batch_id": batch.pk,
            "status": batch.status,
            "rows": result.rows,
            "errors": result.errors,
        },
    )


@router.post(
    "/imports/{pk}/apply", response=ImportOut, summary="确认导入（任一行有误则全部不导入）"
)
def import_apply(request, pk: int):
    batch = scope.get_for(request.user, ImportBatch, pk)
    result = ledger_io.apply(actor=request.user, batch=batch)
    batch.refresh_from_db()
    if result.errors:
        raise InvalidInput(
            "ARREARS_IMPORT_ROWS_INVALID",
            _("台账中有%(n)s行有误，未导入任何数据") % {"n": len(result.errors)},
            details={"errors": result.errors},
        )
    return {"batch_id": batch.pk, "status": batch.status, "rows": result.rows, "errors": []}
