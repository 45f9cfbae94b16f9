"""The county's Excel 清欠台账: preview with row-level errors, all-or-nothing apply, export
that reads back in."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from yingshang.arrears import ledger_io
from yingshang.arrears.models import Arrears, Debtor, ImportBatch
from yingshang.audit.models import AuditEvent
from yingshang.errors import PermissionDeniedError

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEAD = [h for _k, h, _r in ledger_io.COLUMNS]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _book(rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["示范县清理拖欠企业账款台账"])
    ws.append(HEAD)
    for r in rows:
        ws.append([r.get(h, "") for h in HEAD])
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("清欠台账.xlsx", buf.getvalue(), content_type=XLSX)


def _rows(personas):
    base = {
        "债务人": personas.unit_a.name,
        "统一社会信用代码": personas.firm.uscc,
        "签约时企业规模": "小型",
        "交付（验收）日期": dt.date(2026, 6, 10),
        "欠款金额（元）": 50000,
    }
    return [
        {**base, "合同编号": "A-1"},
        {
            **base,
            "合同编号": "A-2",
            "无争议金额（元）": 50000,
            "已清偿金额（元）": 20000,
            "最近付款日期": "2026-07-01",
        },
        {
            **base,
            "债务人": "县城投集团",
            "债务人类型": "国有企业",
            "主管单位": personas.unit_b.name,
            "付款条款": "收到业主拨付资金后支付",
            "合同编号": "B-1",
        },
    ]


def test_preview_then_apply_imports_every_row(personas):
    batch, result = ledger_io.preview(actor=personas.supervisor, upload=_book(_rows(personas)))
    assert result.errors == [] and result.rows == 3
    assert [r["row"] for r in result.preview] == [3, 4, 5]
    assert not Arrears.objects.exists()  # the preview wrote nothing
    result = ledger_io.apply(actor=personas.supervisor, batch=batch)
    assert result.ok
    assert Arrears.objects.count() == 3
    second = Arrears.objects.get(contract_number="A-2")
    assert (second.status, second.paid_amount) == ("repaying", 20000)
    soe = Arrears.objects.get(contract_number="B-1")
    assert (
        soe.back_to_back
        and soe.debtor.unit == personas.unit_b
        and soe.due_on == dt.date(2026, 8, 10)
    )
    assert AuditEvent.objects.filter(action="arrears.import").count() == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED


def test_an_import_with_a_bad_row_changes_nothing(personas):
    rows = _rows(personas)
    rows[1]["统一社会信用代码"] = "91110000123456789X"  # wrong check character
    rows[2]["已清偿金额（元）"] = 999  # paid but never verified
    batch, result = ledger_io.preview(actor=personas.supervisor, upload=_book(rows))
    assert [e["row"] for e in result.errors] == [4, 5]
    assert "统一社会信用代码" in result.errors[0]["message"]
    before = (Arrears.objects.count(), Debtor.objects.count(), AuditEvent.objects.count())
    result = ledger_io.apply(actor=personas.supervisor, batch=batch)
    assert not result.ok and len(result.errors) == 2
    assert (Arrears.objects.count(), Debtor.objects.count(), AuditEvent.objects.count()) == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_a_file_without_the_columns_is_refused(personas):
    wb = Workbook()
    wb.active.append(["单位", "金额"])
    buf = io.BytesIO()
    wb.save(buf)
    upload = SimpleUploadedFile("x.xlsx", buf.getvalue(), content_type=XLSX)
    _batch, result = ledger_io.preview(actor=personas.supervisor, upload=upload)
    assert result.errors[0]["row"] == 0 and "表头" in result.errors[0]["message"]


def test_only_the_office_imports(personas):
    with pytest.raises(PermissionDeniedError):
        ledger_io.preview(actor=personas.handler_a, upload=_book(_rows(personas)))


def test_the_export_reads_back_in(personas, login):
    batch, _r = ledger_io.preview(actor=personas.supervisor, upload=_book(_rows(personas)))
    ledger_io.apply(actor=personas.supervisor, batch=batch)
    response = login(personas.supervisor).get("/staff/arrears/export/")
    body = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(body)).active
    header = [c.value for c in ws[1]]
    assert header[: len(HEAD)] == HEAD
    assert ws.max_row == 4
    rows, errors = ledger_io.read_rows(io.BytesIO(body))
    assert errors == [] and len(rows) == 3


def test_import_over_the_api_is_all_or_nothing(personas, api_client):
    office = api_client(personas.supervisor)
    rows = _rows(personas)
    rows[0]["签约时企业规模"] = "特大"
    r = office.post("/api/v1/arrears/imports", {"file": _book(rows)})
    assert r.status_code == 201
    body = r.json()
    assert [e["row"] for e in body["errors"]] == [3] and body["rows"] == 3
    r = office.post(f"/api/v1/arrears/imports/{body['batch_id']}/apply")
    assert (r.status_code, r.json()["code"]) == (400, "ARREARS_IMPORT_ROWS_INVALID")
    assert not Arrears.objects.exists()
    r = office.post("/api/v1/arrears/imports", {"file": _book(_rows(personas))})
    r = office.post(f"/api/v1/arrears/imports/{r.json()['batch_id']}/apply")
    assert r.status_code == 200 and Arrears.objects.count() == 3
    other = api_client(personas.handler_a).post(
        f"/api/v1/arrears/imports/{r.json()['batch_id']}/apply"
    )
    assert other.status_code == 404
