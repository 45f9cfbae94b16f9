"""The county's Excel 清欠台账, in and out (openpyxl; yingshang.spreadsheets for output).

Import: every row goes through the same services as a record entered by hand (create, verify
with the parts, the payment to date), each row in its own savepoint so its error is reported
against its row number. A preview runs them all and rolls everything back; applying runs them
again and rolls everything back if any row fails: a bad row changes nothing."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.arrears import services
from yingshang.arrears.models import Arrears, Debtor, DebtorKind, ImportBatch
from yingshang.arrears.scopes import may_register
from yingshang.enterprises.models import Firm
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.org import scope
from yingshang.org.models import Unit

# (key, header, required)
COLUMNS = [
    ("debtor", "债务人", True),
    ("debtor_kind", "债务人类型", False),
    ("debtor_unit", "主管单位", False),
    ("creditor_name", "债权企业", False),
    ("creditor_uscc", "统一社会信用代码", True),
    ("creditor_size", "签约时企业规模", True),
    ("contract_number", "合同编号", False),
    ("contract_name", "合同名称", False),
    ("contract_date", "签订日期", False),
    ("contract_amount", "合同金额（元）", False),
    ("payment_terms", "付款条款", False),
    ("contract_days", "约定付款期限（日）", False),
    ("accepted_on", "交付（验收）日期", True),
    ("amount", "欠款金额（元）", True),
    ("undisputed_amount", "无争议金额（元）", False),
    ("disputed_amount", "有争议金额（元）", False),
    ("dispute_note", "争议事项", False),
    ("paid_amount", "已清偿金额（元）", False),
    ("paid_on", "最近付款日期", False),
    ("description", "情况说明", False),
]
EXPORT_EXTRA = ["编号", "状态", "应付款日期", "期限依据", "“背靠背”条款", "尚欠金额（元）"]
KINDS = {str(label): value for value, label in DebtorKind.choices}
SIZES = {str(label): value for value, label in Firm.Size.choices} | {
    str(label).rstrip("型"): value for value, label in Firm.Size.choices
}


@dataclass
class Result:
    rows: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row": n, "message": "…"}
    preview: list[dict] = field(default_factory=list)  # what each good row became

    @property
    def ok(self) -> bool:
        return self.rows > 0 and not self.errors


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _date(v, label: str) -> dt.date | None:
    if v in (None, ""):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, int | float):
        from openpyxl.utils.datetime import from_excel

        return from_excel(v).date()
    text = _text(v).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-")
    try:
        return dt.date.fromisoformat("-".join(p.zfill(2) for p in text.rstrip("日-").split("-")))
    except ValueError:
        raise InvalidInput(
            "ARREARS_IMPORT_DATE", _("%(label)s“%(v)s”不是有效日期") % {"label": label, "v": v}
        ) from None


def read_rows(path) -> tuple[list[tuple[int, dict]], list[dict]]:
    """(row number, {key: value}) of each non-empty row, and file-level errors."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        return [], [{"row": 0, "message": _("无法读取该文件，请上传 .xlsx 格式的清欠台账")}]
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header_no, index = 0, {}
        for no, row in enumerate(it, start=1):
            names = [_text(c) for c in row]
            found = {key: names.index(h) for key, h, _req in COLUMNS if h in names}
            if "debtor" in found and "amount" in found:
                header_no, index = no, found
                break
            if no >= 10:
                break
        if not header_no:
            return [], [
                {"row": 0, "message": _("未找到表头：第一行应包含“债务人”“欠款金额（元）”等列")}
            ]
        missing = [h for key, h, req in COLUMNS if req and key not in index]
        if missing:
            return [], [
                {
                    "row": header_no,
                    "message": _("缺少必填列：%(cols)s") % {"cols": "、".join(missing)},
                }
            ]
        rows = []
        for no, row in enumerate(it, start=header_no + 1):
            values = {key: (row[i] if i < len(row) else None) for key, i in index.items()}
            if any(_text(v) for v in values.values()):
                rows.append((no, values))
        return rows, []
    finally:
        wb.close()


def _debtor(values: dict) -> Debtor:
    name = _text(values.get("debtor"))
    kind_label = _text(values.get("debtor_kind"))
    if kind_label and kind_label not in KINDS:
        raise InvalidInput(
            "ARREARS_DEBTOR_KIND_INVALID",
            _("债务人类型“%(v)s”无效，应为：%(all)s") % {"v": kind_label, "all": "、".join(KINDS)},
        )
    unit = Unit.objects.filter(name=name).first() or Unit.objects.filter(short_name=name).first()
    if unit is not None:
        return services.debtor_ensure(
            kind=KINDS.get(kind_label, DebtorKind.AGENCY), name=unit.name, unit=unit
        )
    existing = Debtor.objects.filter(name=name).first()
    if existing is not None and not kind_label:
        return existing
    if not kind_label:
        raise InvalidInput(
            "ARREARS_DEBTOR_UNKNOWN",
            _("债务人“%(v)s”不是本县单位，请填写债务人类型") % {"v": name},
        )
    supervising = None
    if sup := _text(values.get("debtor_unit")):
        supervising = (
            Unit.objects.filter(name=sup).first() or Unit.objects.filter(short_name=sup).first()
        )
        if supervising is None:
            raise InvalidInput("ARREARS_UNIT_UNKNOWN", _("主管单位“%(v)s”不存在") % {"v": sup})
    return services.debtor_ensure(kind=KINDS[kind_label], name=name, unit=supervising)


def _row(actor, values: dict) -> Arrears:
    size_label = _text(values.get("creditor_size"))
    if size_label not in SIZES:
        raise InvalidInput("ARREARS_SIZE_REQUIRED", _("签约时企业规模应为大型、中型、小型或微型"))
    days = _text(values.get("contract_days"))
    if days and not days.isdigit():
        raise InvalidInput("ARREARS_CONTRACT_DAYS_INVALID", _("约定付款期限须为整数天数"))
    arrears = services.arrears_create(
        actor=actor,
        source=Arrears.Source.IMPORT,
        debtor=_debtor(values),
        creditor=services.creditor_for(_text(values.get("creditor_uscc"))),
        creditor_size=SIZES[size_label],
        amount=_text(values.get("amount")),
        accepted_on=_date(values.get("accepted_on"), _("交付（验收）日期")),
        contract_number=_text(values.get("contract_number")),
        contract_name=_text(values.get("contract_name")),
        contract_date=_date(values.get("contract_date"), _("签订日期")),
        contract_amount=_text(values.get("contract_amount")) or None,
        payment_terms=_text(values.get("payment_terms")),
        contract_days=int(days) if days else None,
        description=_text(values.get("description")),
    )
    undisputed = _text(values.get("undisputed_amount"))
    disputed = _text(values.get("disputed_amount"))
    if undisputed or disputed:
        arrears = services.arrears_verify(
            actor=actor,
            arrears=arrears,
            undisputed_amount=undisputed or "0",
            disputed_amount=disputed or "0",
            dispute_note=_text(values.get("dispute_note")),
            note=_("台账导入"),
        )
    paid = _text(values.get("paid_amount"))
    if paid and paid not in ("0", "0.0", "0.00"):
        if not (undisputed or disputed):
            raise InvalidInput(
                "ARREARS_IMPORT_PAID_UNVERIFIED", _("已清偿金额须与无争议金额一并填写")
            )
        services.arrears_pay(
            actor=actor,
            arrears=arrears,
            amount=paid,
            paid_on=_date(values.get("paid_on"), _("最近付款日期")),
            voucher_number=_("台账导入"),
            note=_("导入前累计清偿"),
        )
    return arrears


def run(actor, batch: ImportBatch, *, apply: bool) -> Result:
    """Run every row of the batch through the services; keep the result only when applying
    and no row failed."""
    allowed = may_register(scope.grants(actor))
    if not allowed:
        raise PermissionDeniedError(allowed.code, allowed.message)
    rows, file_errors = read_rows(batch.file.path)
    result = Result(rows=len(rows), errors=list(file_errors))
    with transaction.atomic():
        for no, values in rows:
            try:
                with transaction.atomic():
                    a = _row(actor, values)
                result.preview.append(
                    {
                        "row": no,
                        "debtor": a.debtor.name,
                        "creditor": a.creditor.name,
                        "amount": str(a.amount),
                        "due_on": a.due_on.isoformat(),
                        "status": a.get_status_display(),
                        "back_to_back": a.back_to_back,
                    }
                )
            except DomainError as exc:
                result.errors.append({"row": no, "message": exc.message, "code": exc.code})
        if not rows and not file_errors:
            result.errors.append({"row": 0, "message": _("台账中没有数据行")})
        if not apply or result.errors:
            transaction.set_rollback(True)
    return result


def preview(*, actor, upload) -> tuple[ImportBatch, Result]:
    from yingshang import uploads

    checked = uploads.check(
        upload,
        field="file",
        allowed={"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX"},
    )
    batch = ImportBatch(original_name=checked.name, created_by=actor, created_at=timezone.now())
    batch.file.save(checked.name, checked.file, save=False)
    result = run(actor, batch, apply=False)
    batch.rows, batch.errors = result.rows, result.errors
    batch.save()
    return batch, result


def apply(*, actor, batch: ImportBatch) -> Result:
    """All rows or none; the batch is marked applied, with one audit event for the whole."""
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise DomainError("ARREARS_IMPORT_DONE", _("该台账已处理，请重新上传"))
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportBatch.Status.PREVIEWED:
            raise DomainError("ARREARS_IMPORT_DONE", _("该台账已处理，请重新上传"))
        result = run(actor, batch, apply=True)
        batch.errors = result.errors
        if result.ok:
            batch.status = ImportBatch.Status.APPLIED
            batch.applied_at = timezone.now()
            workflow.record(
                actor,
                "arrears.import",
                batch,
                after={"rows": result.rows, "file": batch.original_name},
            )
        batch.save()
    return result


def export_rows(qs):
    for a in qs.select_related("debtor", "debtor__unit", "creditor").prefetch_related("payments"):
        yield [
            a.debtor.name,
            a.debtor.get_kind_display(),
            a.debtor.unit.name if a.debtor.unit_id else "",
            a.creditor.name,
            a.creditor.uscc,
            a.get_creditor_size_display(),
            a.contract_number,
            a.contract_name,
            a.contract_date,
            a.contract_amount,
            a.payment_terms,
            a.contract_days,
            a.accepted_on,
            a.amount,
            a.undisputed_amount,
            a.disputed_amount,
            a.dispute_note,
            a.paid_amount,
            max((p.paid_on for p in a.payments.all() if p.voided_at is None), default=None),
            a.description,
            a.number,
            a.get_status_display(),
            a.due_on,
            a.due_rule,
            a.back_to_back_text,
            a.outstanding + a.disputed_amount,
        ]


def export_headers() -> list[str]:
    return [h for _key, h, _req in COLUMNS] + EXPORT_EXTRA
