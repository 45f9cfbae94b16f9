"""Export: the catalogue (or a blank template) as a workbook."""

import io
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from yingshang.catalog.excel.sheets import (
    FIELD_COLUMNS,
    LIST_SEP,
    MATERIAL_COLUMNS,
    MATTER_COLUMNS,
    NO,
    SHEET_FIELDS,
    SHEET_MATERIALS,
    SHEET_MATTERS,
    YES,
)
from yingshang.catalog.models import FormField, Material, Matter, MatterType
from yingshang.catalog.vocab import LIFE_EVENTS, THEMES

if TYPE_CHECKING:  # openpyxl is imported when a workbook is made (yingshang.spreadsheets)
    from openpyxl import Workbook


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
    from openpyxl.styles import Alignment, Font, PatternFill

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


def build_workbook(matters) -> "Workbook":
    """The catalogue of `matters` (Matter queryset) in the import layout."""
    from openpyxl import Workbook

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


def template_workbook() -> "Workbook":
    from openpyxl.worksheet.datavalidation import DataValidation

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


def workbook_bytes(wb: "Workbook") -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- import ------------------------------------------------------------------------------------
