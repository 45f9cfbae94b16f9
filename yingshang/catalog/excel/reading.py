"""Import: read and check every row of a workbook (nothing is saved here)."""

import json
import zipfile

from django.utils.translation import gettext as _

from yingshang.catalog.excel.sheets import (
    FIELD_COLUMNS,
    LIST_SEP,
    MATERIAL_COLUMNS,
    MATTER_COLUMNS,
    MATTER_TITLES,
    SHEET_FIELDS,
    SHEET_MATERIALS,
    SHEET_MATTERS,
    ImportReport,
)
from yingshang.catalog.models import FormField, HandlingKind, Material, Matter, MatterType
from yingshang.catalog.services import versions
from yingshang.catalog.vocab import LIFE_EVENTS, THEMES
from yingshang.org.models import Unit

_TRUE = {"是", "y", "yes", "true", "1", "√", "✓"}
_FALSE = {"否", "n", "no", "false", "0", "×", ""}


def _label_map(choices) -> dict[str, str]:
    """Chinese label (and the code itself) → code."""
    out = {}
    for value, label in choices:
        out[str(label)] = value
        out[value] = value
    return out


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(ws, columns, sheet, report):
    """Yield (row number, {attr: text}) after checking the header."""
    first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    header = [_cell(v).rstrip("*") for v in first]
    positions = {}
    for title, attr, _required in columns:
        if title not in header:
            report.add(sheet, 1, title, _("缺少“%(c)s”列，请使用下载的模板") % {"c": title})
        else:
            positions[attr] = header.index(title)
    if len(positions) != len(columns):
        return
    for number, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        texts = [_cell(v) for v in values]
        if not any(texts):
            continue
        yield number, {attr: (texts[i] if i < len(texts) else "") for attr, i in positions.items()}


def _parse_bool(value, default, sheet, row, column, report):
    v = value.strip().lower()
    if v == "":
        return default
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    report.add(sheet, row, column, _("请填写“是”或“否”，而不是“%(v)s”") % {"v": value})
    return default


def _parse_int(value, sheet, row, column, report, *, required=True, default=None, minimum=0):
    if value == "":
        if required:
            report.add(sheet, row, column, _("不能为空"))
        return default
    try:
        number = int(float(value))
        if float(value) != number:
            raise ValueError
    except ValueError:
        report.add(sheet, row, column, _("必须是整数，而不是“%(v)s”") % {"v": value})
        return default
    if number < minimum:
        report.add(sheet, row, column, _("不能小于%(m)s") % {"m": minimum})
        return default
    return number


def _parse_list(value, table, sheet, row, column, report):
    if not value:
        return []
    by_label = {str(label): code for code, label in table.items()}
    out = []
    for part in [
        p.strip()
        for p in value.replace(",", LIST_SEP).replace("，", LIST_SEP).split(LIST_SEP)
        if p.strip()
    ]:
        code = by_label.get(part) or (part if part in table else None)
        if code is None:
            report.add(sheet, row, column, _("未知的取值“%(v)s”") % {"v": part})
        else:
            out.append(code)
    return out


def _parse_pairs(value, kind, sheet, row, column, report):
    out = []
    for line in [x.strip() for x in value.splitlines() if x.strip()]:
        parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
        if kind == "faq":
            if len(parts) != 2 or not all(parts):
                report.add(
                    sheet, row, column, _("常见问题格式应为“问题｜答案”：%(v)s") % {"v": line}
                )
                continue
            out.append({"q": parts[0], "a": parts[1]})
        else:
            if len(parts) not in (2, 3) or not parts[0] or not parts[1].isdigit():
                report.add(
                    sheet,
                    row,
                    column,
                    _("特别程序格式应为“名称｜最长工作日｜是否计入时限”：%(v)s") % {"v": line},
                )
                continue
            counted = len(parts) == 3 and parts[2].lower() in _TRUE
            out.append({"name": parts[0], "max_days": int(parts[1]), "counted": counted})
    return out


def _column(columns, attr):
    return next(title for title, a, _r in columns if a == attr)


def read_workbook(data) -> tuple[list[dict], ImportReport]:
    """Parse and validate every row (no database writes). Returns the matters to import."""
    try:
        return _read_workbook(data)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        # a damaged workbook that openpyxl opened but cannot iterate
        report = ImportReport()
        report.add("", 0, "", _("文件已损坏或格式不正确，无法逐行读取，请用模板重新填写后上传"))
        return [], report


def _read_workbook(data) -> tuple[list[dict], ImportReport]:
    from openpyxl import load_workbook

    report = ImportReport()
    try:
        wb = load_workbook(data, read_only=True, data_only=True)
    except Exception:
        report.add("", 0, "", _("无法读取文件，请上传 .xlsx 格式的 Excel 文件（可先下载模板）"))
        return [], report
    if SHEET_MATTERS not in wb.sheetnames or SHEET_MATERIALS not in wb.sheetnames:
        report.add("", 0, "", _("工作簿必须包含“事项”和“材料”两个工作表，请使用下载的模板"))
        return [], report
    units = {u.code: u for u in Unit.objects.all()}
    # every existing matter once (with what _same() compares), not one query per row
    known = {
        m.implementation_code: m
        for m in Matter.objects.select_related("unit", "current_version").prefetch_related(
            "current_version__materials", "current_version__form_fields"
        )
    }
    types = _label_map(MatterType.choices)
    kinds = _label_map(HandlingKind.choices)
    forms = _label_map(Material.Form.choices)
    ftypes = _label_map(FormField.FieldType.choices)

    matters: list[dict] = []
    by_code: dict[str, dict] = {}
    by_base: dict[str, list[dict]] = {}
    S = SHEET_MATTERS
    col = lambda attr: _column(MATTER_COLUMNS, attr)  # noqa: E731
    for row, values in _rows(wb[S], MATTER_COLUMNS, S, report):
        start = len(report.errors)
        for title, attr, required in MATTER_COLUMNS:
            if required and not values[attr]:
                report.add(S, row, title, _("不能为空"))
        unit = units.get(values["unit"])
        if values["unit"] and unit is None:
            report.add(S, row, col("unit"), _("单位代号“%(v)s”不存在") % {"v": values["unit"]})
        mtype = types.get(values["matter_type"])
        if values["matter_type"] and mtype is None:
            report.add(
                S, row, col("matter_type"), _("事项类型“%(v)s”无效") % {"v": values["matter_type"]}
            )
        kind = kinds.get(values["handling_kind"])
        if values["handling_kind"] and kind is None:
            report.add(S, row, col("handling_kind"), _("办件类型应为“即办件”或“承诺件”"))
        legal = (
            _parse_int(values["legal_limit_days"], S, row, col("legal_limit_days"), report)
            if values["legal_limit_days"]
            else None
        )
        promised = (
            _parse_int(values["promised_limit_days"], S, row, col("promised_limit_days"), report)
            if values["promised_limit_days"]
            else None
        )
        if legal is not None and promised is not None and promised > legal:
            report.add(
                S,
                row,
                col("promised_limit_days"),
                _("承诺时限（%(p)s）不得超过法定时限（%(l)s）") % {"p": promised, "l": legal},
            )
        data = {
            "name": values["name"],
            "matter_type": mtype,
            "handling_kind": kind,
            "legal_limit_days": legal,
            "promised_limit_days": promised,
            "fee": values["fee"] or "不收费",
            "max_visits": _parse_int(
                values["max_visits"], S, row, col("max_visits"), report, required=False, default=1
            ),
            "online": _parse_bool(values["online"], False, S, row, col("online"), report),
            "appointment": _parse_bool(
                values["appointment"], True, S, row, col("appointment"), report
            ),
            "conditions": values["conditions"],
            "legal_basis": values["legal_basis"],
            "address": values["address"],
            "hours": values["hours"],
            "phone": values["phone"],
            "themes": _parse_list(values["themes"], THEMES, S, row, col("themes"), report),
            "life_events": _parse_list(
                values["life_events"], LIFE_EVENTS, S, row, col("life_events"), report
            ),
            "faq": _parse_pairs(values["faq"], "faq", S, row, col("faq"), report),
            "special_procedures": _parse_pairs(
                values["special_procedures"], "special", S, row, col("special_procedures"), report
            ),
        }
        for attr, limit in (
            ("name", 200),
            ("fee", 200),
            ("address", 200),
            ("hours", 200),
            ("phone", 60),
        ):
            if len(data[attr]) > limit:
                report.add(S, row, col(attr), _("不能超过%(n)s个字符") % {"n": limit})
        code = values["implementation_code"]
        if not code and unit is not None and values["base_code"]:
            code = versions.implementation_code_for(values["base_code"], unit)
        if code and code in by_code:
            report.add(
                S,
                row,
                col("implementation_code"),
                _("实施编码“%(c)s”在文件中重复（第%(r)s行）")
                % {"c": code, "r": by_code[code]["row"]},
            )
        existing = known.get(code) if code else None
        if existing is not None and unit is not None and existing.unit_id != unit.pk:
            report.add(
                S,
                row,
                col("unit"),
                _("实施编码“%(c)s”已属于%(u)s，不能改为其他单位")
                % {"c": code, "u": existing.unit.name},
            )
        if len(report.errors) > start:
            continue
        errors = versions.validate_version_data(data)
        for attr, message in errors.items():
            report.add(S, row, MATTER_TITLES.get(attr, attr), message)
        item = {
            "row": row,
            "base_code": values["base_code"],
            "implementation_code": code,
            "unit": unit,
            "data": data,
            "materials": [],
            "form_fields": [],
            "existing": existing,
        }
        matters.append(item)
        by_code[code] = item
        by_base.setdefault(values["base_code"], []).append(item)

    def matter_of(ref, sheet, row, column):
        item = by_code.get(ref)
        if item is None and ref in by_base:
            if len(by_base[ref]) > 1:
                report.add(
                    sheet,
                    row,
                    column,
                    _("基本编码“%(c)s”对应多个事项，请填写实施编码") % {"c": ref},
                )
                return None
            item = by_base[ref][0]
        if item is None and ref:
            report.add(
                sheet,
                row,
                column,
                _("事项编码“%(c)s”在“事项”表中不存在（或该行有错误）") % {"c": ref},
            )
        return item

    S = SHEET_MATERIALS
    for row, values in _rows(wb[S], MATERIAL_COLUMNS, S, report):
        for title, attr, required in MATERIAL_COLUMNS:
            if required and not values[attr]:
                report.add(S, row, title, _("不能为空"))
        item = matter_of(values["matter"], S, row, _column(MATERIAL_COLUMNS, "matter"))
        form = forms.get(values["form"] or "原件")
        if form is None:
            report.add(
                S,
                row,
                _column(MATERIAL_COLUMNS, "form"),
                _("材料形式“%(v)s”无效") % {"v": values["form"]},
            )
        material = {
            "key": values["key"],
            "name": values["name"],
            "required": _parse_bool(
                values["required"], True, S, row, _column(MATERIAL_COLUMNS, "required"), report
            ),
            "form": form or Material.Form.ORIGINAL,
            "copies": _parse_int(
                values["copies"],
                S,
                row,
                _column(MATERIAL_COLUMNS, "copies"),
                report,
                required=False,
                default=1,
                minimum=1,
            ),
            "deficit_allowed": _parse_bool(
                values["deficit_allowed"],
                False,
                S,
                row,
                _column(MATERIAL_COLUMNS, "deficit_allowed"),
                report,
            ),
            "commitment_replaces": _parse_bool(
                values["commitment_replaces"],
                False,
                S,
                row,
                _column(MATERIAL_COLUMNS, "commitment_replaces"),
                report,
            ),
            "notes": values["notes"][:300],
        }
        if item is not None:
            if any(m["key"] == material["key"] for m in item["materials"]):
                report.add(
                    S,
                    row,
                    _column(MATERIAL_COLUMNS, "key"),
                    _("同一事项的材料标识“%(k)s”重复") % {"k": material["key"]},
                )
                continue
            material["order"] = len(item["materials"])
            errors = versions.validate_materials([dict(material)])
            for message in errors.values():
                report.add(S, row, _column(MATERIAL_COLUMNS, "key"), message)
            item["materials"].append(material)

    if SHEET_FIELDS in wb.sheetnames:
        S = SHEET_FIELDS
        for row, values in _rows(wb[S], FIELD_COLUMNS, S, report):
            for title, attr, required in FIELD_COLUMNS:
                if required and not values[attr]:
                    report.add(S, row, title, _("不能为空"))
            item = matter_of(values["matter"], S, row, _column(FIELD_COLUMNS, "matter"))
            ftype = ftypes.get(values["field_type"] or "文本")
            if ftype is None:
                report.add(
                    S,
                    row,
                    _column(FIELD_COLUMNS, "field_type"),
                    _("字段类型“%(v)s”无效") % {"v": values["field_type"]},
                )
            choices = [
                c.strip()
                for c in values["choices"].replace("，", LIST_SEP).split(LIST_SEP)
                if c.strip()
            ]
            ff = {
                "key": values["key"],
                "label": values["label"],
                "field_type": ftype or FormField.FieldType.TEXT,
                "required": _parse_bool(
                    values["required"], True, S, row, _column(FIELD_COLUMNS, "required"), report
                ),
                "choices": choices,
                "profile_source": values["profile_source"],
            }
            if item is not None:
                if any(f["key"] == ff["key"] for f in item["form_fields"]):
                    report.add(
                        S,
                        row,
                        _column(FIELD_COLUMNS, "key"),
                        _("同一事项的字段标识“%(k)s”重复") % {"k": ff["key"]},
                    )
                    continue
                ff["order"] = len(item["form_fields"])
                for message in versions.validate_form_fields([dict(ff)]).values():
                    report.add(S, row, _column(FIELD_COLUMNS, "key"), message)
                item["form_fields"].append(ff)
    if not matters and not report.errors:
        report.add(SHEET_MATTERS, 2, "", _("“事项”表没有数据"))
    return matters, report


def errors_json(report: ImportReport) -> str:
    return json.dumps([e.__dict__ for e in report.errors], ensure_ascii=False)
