"""Excel import/export of the catalogue (openpyxl). One workbook, three sheets:

- 事项: one row per matter (实施编码 may be left empty on import: it is built from the 基本编码
  and the unit);
- 材料: one row per material, referencing its matter by 实施编码 (or by 基本编码 when that is
  unique in the file);
- 表单字段 (optional): one row per form field, referenced the same way.

Reading validates every row and reports (sheet, row, column, 中文原因) for each problem; the
import itself (services.catalog_import) saves nothing unless every row is valid (one
transaction). An existing 实施编码 whose content changed gets a new version; unchanged rows are
left alone, so export → import is a no-op.

    sheets.py   the sheets, their columns, the import report
    writing.py  build_workbook (export), template_workbook, workbook_bytes
    reading.py  read_workbook (parse and check, no writes), errors_json
"""

from yingshang.catalog.excel.reading import errors_json, read_workbook
from yingshang.catalog.excel.sheets import (
    FIELD_COLUMNS,
    MATERIAL_COLUMNS,
    MATTER_COLUMNS,
    SHEET_FIELDS,
    SHEET_MATERIALS,
    SHEET_MATTERS,
    ImportReport,
    RowError,
)
from yingshang.catalog.excel.writing import build_workbook, template_workbook, workbook_bytes

__all__ = [
    "FIELD_COLUMNS",
    "MATERIAL_COLUMNS",
    "MATTER_COLUMNS",
    "SHEET_FIELDS",
    "SHEET_MATERIALS",
    "SHEET_MATTERS",
    "ImportReport",
    "RowError",
    "build_workbook",
    "errors_json",
    "read_workbook",
    "template_workbook",
    "workbook_bytes",
]
