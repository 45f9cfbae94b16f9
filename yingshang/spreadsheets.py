"""Excel output shared by every export (openpyxl, write-only mode so 100k rows stay in
constant memory).

User text is written as text, whatever it starts with: openpyxl turns a string beginning with
"=" into a live formula (`=HYPERLINK(...)` typed into a complaint would run on the reader's
machine), so every string cell is typed as a string; characters an .xlsx file cannot hold
(control characters such as ESC) are dropped instead of failing the whole export.

openpyxl is imported on the first export, not when a view module is: with numpy (which it
imports when installed) it is ~36 MB of every web worker, and most workers never export
(bench/analysis.md, session 17). The modules that read or write workbooks import it inside
their functions for the same reason."""

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.http import StreamingHttpResponse
from django.utils import timezone

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache
def _xl() -> SimpleNamespace:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    return SimpleNamespace(
        Workbook=Workbook,
        WriteOnlyCell=WriteOnlyCell,
        ILLEGAL_CHARACTERS_RE=ILLEGAL_CHARACTERS_RE,
        Alignment=Alignment,
        Font=Font,
        PatternFill=PatternFill,
        WriteOnlyWorksheet=WriteOnlyWorksheet,
    )


def cell_value(v):
    """A Python value as an .xlsx cell holds it: local naive datetimes, text without the
    characters the format forbids."""
    if isinstance(v, dt.datetime):
        return timezone.localtime(v).replace(tzinfo=None) if timezone.is_aware(v) else v
    if isinstance(v, str):
        return _xl().ILLEGAL_CHARACTERS_RE.sub("", v)
    return v


def cell(ws, v) -> "WriteOnlyCell":
    """A write-only cell for `v`; text stays text (never a formula)."""
    value = cell_value(v)
    c = _xl().WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        c.data_type = "s"
    return c


def append_row(ws, row: Iterable) -> None:
    """Append `row` to a worksheet (write-only or normal), text never read as a formula."""
    if isinstance(ws, _xl().WriteOnlyWorksheet):
        ws.append([cell(ws, v) for v in row])
        return
    ws.append([cell_value(v) for v in row])
    for c in ws[ws.max_row]:
        if isinstance(c.value, str):
            c.data_type = "s"


def workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> "Workbook":
    xl = _xl()
    wb = xl.Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    header_cells = []
    for h in headers:
        head = xl.WriteOnlyCell(ws, value=h)
        head.font = xl.Font(bold=True)
        head.fill = xl.PatternFill("solid", fgColor="DDEBF7")
        head.alignment = xl.Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cells.append(head)
    ws.append(header_cells)
    for row in rows:
        ws.append([cell(ws, v) for v in row])
    return wb


def xlsx_response(filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]):
    import io

    buffer = io.BytesIO()
    workbook(title, headers, rows).save(buffer)
    buffer.seek(0)
    response = StreamingHttpResponse(iter([buffer.getvalue()]), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
