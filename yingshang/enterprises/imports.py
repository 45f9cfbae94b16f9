"""The county's firm register in and out of Excel.

Import is two steps: `preview` reads the sheet and checks every row (USCC by GB 32100, industry
code, size, dates…), keeping the cleaned rows and the errors — each naming its row and column in
Chinese — on a FirmImport; `apply` then writes all rows in one transaction, or refuses if any row
was wrong (a bad row changes nothing). A USCC already registered updates that firm's profile with
the non-empty cells (the change audited, so the history is kept); the same USCC twice in the
file is one firm, the later row's cells winning. The export writes the same columns, so an
exported file comes back in unchanged — in whichever language it was exported: headers and size
words are recognised in every language of the site, whatever the importer's own language."""

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from yingshang import audit, spreadsheets
from yingshang.enterprises import industries, services
from yingshang.enterprises.models import Firm, FirmImport
from yingshang.errors import DomainError, InvalidInput
from yingshang.org import identifiers

# field → (column header, other header names that mean it)
COLUMNS = [
    ("uscc", gettext_noop("统一社会信用代码"), ["信用代码", "社会信用代码"]),
    ("name", gettext_noop("企业名称"), ["名称", "单位名称", "市场主体名称"]),
    ("legal_representative", gettext_noop("法定代表人"), ["法人", "负责人", "经营者"]),
    ("firm_type", gettext_noop("企业类型"), ["类型", "主体类型"]),
    ("declared_size", gettext_noop("规模（自报）"), ["自报规模"]),
    ("size", gettext_noop("规模（划型）"), ["企业规模", "规模", "划型"]),
    ("industry_code", gettext_noop("行业代码"), ["国民经济行业代码", "行业门类", "行业"]),
    ("established_on", gettext_noop("成立日期"), ["成立时间", "注册日期"]),
    ("contact_name", gettext_noop("联系人"), []),
    ("contact_phone", gettext_noop("联系电话"), ["电话", "手机"]),
    ("address", gettext_noop("住所"), ["地址", "注册地址", "经营场所"]),
    ("region_code", gettext_noop("所在区划"), ["区划代码", "行政区划代码"]),
]
REQUIRED = ("uscc", "name")
HEADER_SCAN_ROWS = 10
MAX_ROWS = 20_000
SIZE_WORDS = {
    Firm.Size.LARGE: ("大型", "大"),
    Firm.Size.MEDIUM: ("中型", "中"),
    Firm.Size.SMALL: ("小型", "小"),
    Firm.Size.MICRO: ("微型", "微"),
}


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _norm_header(h: str) -> str:
    return re.sub(r"[\s*＊]+", "", h or "")


def in_every_language(msgid: str) -> list[str]:
    """`msgid` (the Chinese text) and its translation in every language of the site."""
    names = [msgid]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            name = _norm_header(_(msgid))
        if name not in names:
            names.append(name)
    return names


def map_headers(headers: list[str]) -> dict[str, int]:
    norm = [_norm_header(h) for h in headers]
    mapping: dict[str, int] = {}
    for exact in (True, False):
        for key, label, others in COLUMNS:
            if key in mapping:
                continue
            for name in (*in_every_language(label), *others):
                for i, h in enumerate(norm):
                    if not h or i in mapping.values():
                        continue
                    if h == name if exact else (name in h and len(name) >= 2):
                        mapping[key] = i
                        break
                if key in mapping:
                    break
    return mapping


def _size(raw: str) -> str:
    raw = raw.replace("企业", "")
    for value, words in SIZE_WORDS.items():
        if raw in words or raw == value:
            return value
    for code, _name in settings.LANGUAGES:  # as an export in another language wrote it
        with translation.override(code):
            for value, label in Firm.Size.choices:
                if raw.casefold() == str(label).casefold():
                    return value
    raise ValidationError(_("规模应为大型、中型、小型或微型"))


def _date(raw) -> dt.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = re.sub(r"[年月/.]", "-", _text(raw)).rstrip("日")
    try:
        day = dt.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
    except ValueError:
        raise ValidationError(_("日期格式应为 年-月-日，如 2015-03-08")) from None
    if day > timezone.localdate():
        raise ValidationError(_("成立日期不能晚于今天"))
    return day


def _clean_cell(key: str, raw):
    text = _text(raw)
    if key == "uscc":
        return identifiers.clean_uscc(text)
    if key in ("size", "declared_size"):
        return _size(text) if text else ""
    if key == "industry_code":
        return industries.clean_industry_code(text)
    if key == "established_on":
        return _date(raw)
    if key == "region_code":
        if text:
            identifiers.validate_region_code(text)
        return text
    limit = Firm._meta.get_field(key).max_length
    if len(text) > limit:
        raise ValidationError(_("最多%(n)d个字") % {"n": limit})
    return text


def read_rows(path_or_file) -> tuple[list[dict], list[dict], int]:
    """(cleaned rows, errors, data rows read). Each row: {"row": n, field: value…}."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path_or_file, read_only=True, data_only=True)
    except Exception:  # not an .xlsx file at all
        raise InvalidInput(
            "FIRM_IMPORT_FILE_INVALID", _("无法读取该文件，请上传 Excel（.xlsx）格式的企业名录")
        ) from None
    rows: list[dict] = []
    errors: list[dict] = []
    count = 0
    try:
        ws = wb.worksheets[0]
        mapping: dict[str, int] | None = None
        labels = {key: _(label) for key, label, _o in COLUMNS}
        for no, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if mapping is None:
                cells = [_text(c) for c in row]
                found = map_headers(cells) if any(cells) else {}
                if "uscc" in found:  # the header row, in any of the site's languages
                    mapping = found
                    missing = [labels[k] for k in REQUIRED if k not in mapping]
                    if missing:
                        raise InvalidInput(
                            "FIRM_IMPORT_COLUMNS_MISSING",
                            _("表头缺少必需的列：%(cols)s") % {"cols": "、".join(missing)},
                        )
                elif no >= HEADER_SCAN_ROWS:
                    break
                continue
            if not any(_text(c) for c in row):
                continue
            count += 1
            if count > MAX_ROWS:
                raise InvalidInput(
                    "FIRM_IMPORT_TOO_LARGE",
                    _("一次最多导入%(n)d行，请分批导入") % {"n": MAX_ROWS},
                )
            clean: dict = {"row": no}
            for key, index in mapping.items():
                raw = row[index] if index < len(row) else None
                if key in REQUIRED and not _text(raw):
                    errors.append(_error(no, labels[key], _("不能为空")))
                    continue
                try:
                    clean[key] = _clean_cell(key, raw)
                except ValidationError as exc:
                    errors.append(_error(no, labels[key], exc.messages[0]))
            rows.append(clean)
        if mapping is None:
            raise InvalidInput(
                "FIRM_IMPORT_COLUMNS_MISSING",
                _("未找到表头：前%(n)d行中应有“统一社会信用代码”列") % {"n": HEADER_SCAN_ROWS},
            )
    finally:
        wb.close()
    return rows, errors, count


def _error(row: int, column: str, message: str) -> dict:
    return {
        "row": row,
        "column": column,
        "message": _("第%(row)d行“%(column)s”：%(message)s")
        % {"row": row, "column": column, "message": message},
    }


def _jsonable(rows: list[dict]) -> list[dict]:
    return [
        {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()} for r in rows
    ]


@transaction.atomic
def preview(*, actor, file, file_name: str) -> FirmImport:
    services.require_editor(actor)
    rows, errors, count = read_rows(file)
    if not count:
        raise InvalidInput("FIRM_IMPORT_EMPTY", _("表格中没有企业数据"))
    job = FirmImport.objects.create(
        file_name=(file_name or "")[:200],
        created_by=actor,
        rows=_jsonable(rows),
        errors=errors,
        total=count,
    )
    audit.record(
        actor=actor,
        action="firm.import_preview",
        obj=job,
        after={"file": job.file_name, "rows": count, "errors": len(errors)},
    )
    return job


def _merged(rows: list[dict]) -> dict[str, dict]:
    """One entry per USCC, in file order; a later row's non-empty cells win."""
    merged: dict[str, dict] = {}
    for row in rows:
        code = row["uscc"]
        entry = merged.setdefault(code, {})
        for key, value in row.items():
            if key != "row" and value not in ("", None):
                entry[key] = value
    return merged


@transaction.atomic
def apply(*, actor, job: FirmImport) -> FirmImport:
    services.require_editor(actor)
    job = FirmImport.objects.select_for_update().get(pk=job.pk)
    if job.status != FirmImport.Status.PREVIEWED:
        raise DomainError("FIRM_IMPORT_DONE", _("该导入已%(s)s") % {"s": job.get_status_display()})
    if job.errors:
        raise InvalidInput(
            "FIRM_IMPORT_HAS_ERRORS",
            _("表格有%(n)d处错误，请修改后重新上传；本次未导入任何数据") % {"n": len(job.errors)},
            details={"errors": job.errors[:50]},
        )
    merged = _merged(job.rows)
    existing = {f.uscc: f for f in Firm.objects.filter(uscc__in=list(merged))}
    created = updated = 0
    reason = _("导入企业名录：%(file)s") % {"file": job.file_name}
    for code, data in merged.items():
        fields = {k: v for k, v in data.items() if k != "uscc"}
        if fields.get("established_on"):
            fields["established_on"] = dt.date.fromisoformat(fields["established_on"])
        firm = existing.get(code)
        if firm is None:
            services.firm_create(actor=actor, uscc=code, **fields)
            created += 1
        else:
            before = firm.updated_at
            firm = services.firm_update(
                actor=actor, firm=firm, reason=reason, action="firm.import_update", **fields
            )
            updated += int(firm.updated_at != before)
    job.status = FirmImport.Status.APPLIED
    job.applied_at = timezone.now()
    job.created_count, job.updated_count = created, updated
    job.save(update_fields=["status", "applied_at", "created_count", "updated_count"])
    audit.record(
        actor=actor,
        action="firm.import_apply",
        obj=job,
        after={"created": created, "updated": updated},
    )
    return job


@transaction.atomic
def discard(*, actor, job: FirmImport) -> FirmImport:
    services.require_editor(actor)
    job = FirmImport.objects.select_for_update().get(pk=job.pk)
    if job.status == FirmImport.Status.PREVIEWED:
        job.status = FirmImport.Status.DISCARDED
        job.save(update_fields=["status"])
        audit.record(actor=actor, action="firm.import_discard", obj=job)
    return job


def export_headers() -> list[str]:
    return [_(label) for _k, label, _o in COLUMNS]


def export_rows(qs):
    sizes = dict(Firm.Size.choices)
    for f in qs.iterator(chunk_size=2000):
        yield [
            f.uscc,
            f.name,
            f.legal_representative,
            f.firm_type,
            str(sizes.get(f.declared_size, "")),
            str(sizes.get(f.size, "")),
            f.industry_code,
            f.established_on.isoformat() if f.established_on else "",
            f.contact_name,
            f.contact_phone,
            f.address,
            f.region_code,
        ]


def export_response(qs):
    name = f"企业名录-{timezone.localdate():%Y%m%d}.xlsx"
    return spreadsheets.xlsx_response(name, "企业名录", export_headers(), export_rows(qs))
