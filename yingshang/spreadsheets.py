"""Excel output shared by every export (openpyxl, write-only mode so 100k rows stay in
constant memory)."""

import datetime as dt
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _value(v):
    if isinstance(v, dt.datetime):
        return timezone.localtime(v).replace(tzinfo=None) if timezone.is_aware(v) else v
    return v


def workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> Workbook:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([_value(v) for v in row])
    return wb


def xlsx_response(filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]):
    import io

    buffer = io.BytesIO()
    workbook(title, headers, rows).save(buffer)
    buffer.seek(0)
    response = StreamingHttpResponse(iter([buffer.getvalue()]), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
