"""The workbook's sheets and columns, and the report of an import."""

from dataclasses import dataclass, field

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
LIST_SEP = "、"


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
