"""Excel import/export of the catalogue (openpyxl). One workbook, three sheets:

- 事项: one row per matter (实施编码 may be left empty on import: it is built from the 基本编码
  and the unit);
- 材料: one row per material, referencing its matter by 实施编码 (or by 基本编码 when that is
  unique in the file);
- 表单字段 (optional): one row per form field, referenced the same way.

Import validates every row, reports (sheet, row, column, 中文原因) for each problem, and saves
nothing unless every row is valid (one transaction). An existing 实施编码 whose content changed
gets a new version; unchanged rows are left alone, so export → import is a no-op."""

import io
import json
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from yingshang.catalog import services
from yingshang.catalog.models import FormField, HandlingKind, Material, Matter, MatterType
from yingshang.catalog.vocab import LIFE_EVENTS, THEMES
from yingshang.errors import DomainError, PermissionDeniedError
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.org.scope import grants

SHEET_MATTERS, SHEET_MATERIALS, SHEET_FIELDS = "事项", "材料", "表单字段"

# (header, attribute, required)
MATTER_COLUMNS = [
    ("基本编码", "base_code", True),
    ("实施编码", "implementation_code", False),
    ("事项名称", "name", True),
    ("实施单位代号", "unit", True),
    ("事项类型", "matter_type", True),
    ("办件类型", "handling_kind", True),
    ("法定时限（工作日）", "legal_limit_days", True),
    ("承诺时限（工作日）", "promised_limit_days", True),
    ("收费标准", "fee", False),
    ("到现场次数", "max_visits", False),
    ("全程网办", "online", False),
    ("可预约窗口", "appointment", False),
    ("受理条件", "conditions", False),
    ("设定依据", "legal_basis", False),
    ("办理地点", "address", False),
    ("办理时间", "hours", False),
    ("咨询电话", "phone", False),
    ("主题", "themes", False),
    ("生命周期事件", "life_events", False),
    ("常见问题", "faq", False),
    ("特别程序", "special_procedures", False),
]
MATTER_TITLES = {attr: title for title, attr, _r in MATTER_COLUMNS}
MATERIAL_COLUMNS = [
    ("事项编码", "matter", True),
    ("材料标识", "key", True),
    ("材料名称", "name", True),
    ("是否必要", "required", False),
    ("材料形式", "form", False),
    ("份数", "copies", False),
    ("可容缺", "deficit_allowed", False),
    ("可告知承诺替代", "commitment_replaces", False),
    ("填报说明", "notes", False),
]
FIELD_COLUMNS = [
    ("事项编码", "matter", True),
    ("字段标识", "key", True),
    ("字段名称", "label", True),
    ("字段类型", "field_type", False),
    ("是否必填", "required", False),
    ("可选项", "choices", False),
    ("预填来源", "profile_source", False),
]

YES, NO = "是", "否"
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓"}
_FALSE = {"否", "n", "no", "false", "0", "×", ""}
LIST_SEP = "、"


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


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    revised: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, sheet, row, column, message):
        self.errors.append(RowError(sheet, row, column, str(message)))


# --- export ------------------------------------------------------------------------------------
def _bool(v: bool) -> str:
    return YES if v else NO


def _faq_text(faq) -> str:
    return "\n".join(f"{item.get('q', '')}｜{item.get('a', '')}" for item in faq or [])


def _special_text(items) -> str:
    return "\n".join(
        f"{item.get('name', '')}｜{item.get('max_days', 0)}｜{YES if item.get('counted') else NO}"
        for item in items or []
    )


def _header(ws, columns):
    ws.append([c[0] + ("*" if c[2] else "") for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = "A2"
    for i, _c in enumerate(columns):
        ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width = 18


def _guide_sheet(wb):
    ws = wb.create_sheet("填表说明")
    lines = [
        _(
            "带 * 的列必填。“事项”表每行一个事项；“材料”“表单字段”表每行一项，用“事项编码”（实施编码，或在本文件中唯一的基本编码）指向事项。"
        ),
        _(
            "实施编码留空时按“基本编码-12位区划码-000-单位代号-1-00”自动生成。已有实施编码的事项若内容有变化，导入后生成新版本。"
        ),
        _("事项类型：%(v)s") % {"v": LIST_SEP.join(str(label) for label in MatterType.labels)},
        _("办件类型：即办件、承诺件；时限为工作日，承诺时限不得超过法定时限。"),
        _("到现场次数：0 = 一次不用跑，1 = 最多跑一次，N = 最多跑 N 次。是否类列填“是”或“否”。"),
        _("主题（用、分隔）：%(v)s") % {"v": LIST_SEP.join(str(v) for v in THEMES.values())},
        _("生命周期事件（用、分隔）：%(v)s")
        % {"v": LIST_SEP.join(str(v) for v in LIFE_EVENTS.values())},
        _(
            "常见问题：每行一条，格式“问题｜答案”。特别程序：每行一条，格式“名称｜最长工作日｜是否计入时限”。"
        ),
        _(
            "材料形式：%(v)s。材料标识用小写字母、数字、下划线，同一份材料在不同事项中用相同标识（如 business_licence、id_card）。"
        )
        % {"v": LIST_SEP.join(str(label) for label in Material.Form.labels)},
        _(
            "字段类型：%(v)s；可选项用、分隔；预填来源如 firm.name、user.real_name、user.mobile、user.id_number。"
        )
        % {"v": LIST_SEP.join(str(label) for label in FormField.FieldType.labels)},
        _("导入时逐行校验，任何一行有错都不会保存任何数据，请按错误报告修改后重新导入。"),
    ]
    ws.column_dimensions["A"].width = 120
    for line in lines:
        ws.append([line])


def build_workbook(matters) -> Workbook:
    """The catalogue of `matters` (Matter queryset) in the import layout."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_MATTERS
    _header(ws, MATTER_COLUMNS)
    wm = wb.create_sheet(SHEET_MATERIALS)
    _header(wm, MATERIAL_COLUMNS)
    wf = wb.create_sheet(SHEET_FIELDS)
    _header(wf, FIELD_COLUMNS)
    matters = (
        matters.filter(current_version__isnull=False)
        .select_related("unit", "current_version")
        .prefetch_related("current_version__materials", "current_version__form_fields")
        .order_by("implementation_code")
    )
    for m in matters:
        v = m.current_version
        ws.append(
            [
                m.base_code,
                m.implementation_code,
                v.name,
                m.unit.code,
                v.get_matter_type_display(),
                v.get_handling_kind_display(),
                v.legal_limit_days,
                v.promised_limit_days,
                v.fee,
                v.max_visits,
                _bool(v.online),
                _bool(v.appointment),
                v.conditions,
                v.legal_basis,
                v.address,
                v.hours,
                v.phone,
                LIST_SEP.join(str(THEMES.get(t, t)) for t in v.themes or []),
                LIST_SEP.join(str(LIFE_EVENTS.get(t, t)) for t in v.life_events or []),
                _faq_text(v.faq),
                _special_text(v.special_procedures),
            ]
        )
        for mat in v.materials.all():
            wm.append(
                [
                    m.implementation_code,
                    mat.key,
                    mat.name,
                    _bool(mat.required),
                    mat.get_form_display(),
                    mat.copies,
                    _bool(mat.deficit_allowed),
                    _bool(mat.commitment_replaces),
                    mat.notes,
                ]
            )
        for f in v.form_fields.all():
            wf.append(
                [
                    m.implementation_code,
                    f.key,
                    f.label,
                    f.get_field_type_display(),
                    _bool(f.required),
                    LIST_SEP.join(map(str, f.choices or [])),
                    f.profile_source,
                ]
            )
    _guide_sheet(wb)
    return wb


def template_workbook() -> Workbook:
    wb = build_workbook(Matter.objects.none())
    ws = wb[SHEET_MATTERS]
    ws.append(
        [
            "XK00201000",
            "",
            "食品经营许可",
            "xzsp",
            "行政许可",
            "承诺件",
            20,
            5,
            "不收费",
            1,
            "是",
            "是",
            "具有与经营的食品品种、数量相适应的场所、设备和食品安全管理人员",
            "《中华人民共和国食品安全法》第三十五条",
            "县政务服务中心一楼综合窗口",
            "工作日 9:00-17:30",
            "0399-12345",
            "食品药品、市场准入",
            "准入准营",
            "健康证明还没办好怎么办？｜可容缺受理，承诺期限内补交",
            "现场核查｜5｜否",
        ]
    )
    types = DataValidation(
        type="list",
        formula1='"' + ",".join(str(label) for label in MatterType.labels) + '"',
        allow_blank=False,
    )
    kinds = DataValidation(type="list", formula1='"即办件,承诺件"', allow_blank=False)
    ws.add_data_validation(types)
    ws.add_data_validation(kinds)
    types.add("E2:E5000")
    kinds.add("F2:F5000")
    wm = wb[SHEET_MATERIALS]
    wm.append(["XK00201000", "business_licence", "营业执照", "是", "复印件", 1, "否", "否", ""])
    wm.append(
        [
            "XK00201000",
            "health_certs",
            "从业人员健康证明",
            "是",
            "复印件",
            1,
            "是",
            "是",
            "可承诺在开业前取得",
        ]
    )
    wf = wb[SHEET_FIELDS]
    wf.append(["XK00201000", "firm.name", "企业名称", "文本", "是", "", "firm.name"])
    wf.append(
        [
            "XK00201000",
            "food.category",
            "经营项目",
            "选项",
            "是",
            "热食类食品制售、冷食类食品制售",
            "",
        ]
    )
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- import ------------------------------------------------------------------------------------
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
            code = services.implementation_code_for(values["base_code"], unit)
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
        errors = services.validate_version_data(data)
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
            errors = services.validate_materials([dict(material)])
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
                for message in services.validate_form_fields([dict(ff)]).values():
                    report.add(S, row, _column(FIELD_COLUMNS, "key"), message)
                item["form_fields"].append(ff)
    if not matters and not report.errors:
        report.add(SHEET_MATTERS, 2, "", _("“事项”表没有数据"))
    return matters, report


def _same(existing: Matter, item: dict) -> bool:
    v = existing.current_version
    if v is None:
        return False
    if services.version_data(v) != {k: item["data"][k] for k in services.VERSION_FIELDS}:
        return False
    old_materials = [
        {k: d[k] for k in services.MATERIAL_FIELDS if k not in ("template", "example")}
        for d in map(services.material_data, v.materials.all())
    ]
    new_materials = [
        {k: m.get(k) for k in services.MATERIAL_FIELDS if k not in ("template", "example")}
        for m in item["materials"]
    ]
    if old_materials != new_materials:
        return False
    old_fields = [services.form_field_data(f) for f in v.form_fields.all()]
    new_fields = [{k: f.get(k) for k in services.FORM_FIELD_FIELDS} for f in item["form_fields"]]
    return old_fields == new_fields


def import_catalog(*, actor, data, note: str = "") -> ImportReport:
    """All or nothing: returns the report; saves only when every row is valid."""
    if actor is None or not grants(actor).has(Role.ADMIN):
        raise PermissionDeniedError("CATALOG_FORBIDDEN", _("只有系统管理员可以导入事项目录"))
    matters, report = read_workbook(data)
    if not report.ok:
        return report
    note = note or _("Excel 导入")
    try:
        with transaction.atomic():
            for item in matters:
                existing = item["existing"]
                if existing is None:
                    services.matter_create(
                        actor=actor,
                        unit=item["unit"],
                        base_code=item["base_code"],
                        implementation_code=item["implementation_code"],
                        materials=item["materials"],
                        form_fields=item["form_fields"],
                        note=note,
                        **item["data"],
                    )
                    report.created += 1
                elif _same(existing, item):
                    report.unchanged += 1
                else:
                    services.matter_revise(
                        actor=actor,
                        matter=existing,
                        note=note,
                        changes={
                            **item["data"],
                            "materials": item["materials"],
                            "form_fields": item["form_fields"],
                        },
                    )
                    report.revised += 1
            from yingshang.audit import services as audit

            audit.record(
                actor=actor,
                action="catalog.import",
                object_type="catalog.matter",
                object_id="import",
                after={
                    "created": report.created,
                    "revised": report.revised,
                    "unchanged": report.unchanged,
                },
                reason=note,
            )
    except DomainError as exc:
        report.created = report.revised = report.unchanged = 0
        failed = item["row"]
        report.add(SHEET_MATTERS, failed, "", exc.message)
    return report


def errors_json(report: ImportReport) -> str:
    return json.dumps([e.__dict__ for e in report.errors], ensure_ascii=False)
