"""The county's register from Excel: row-level errors naming row and column, all or nothing,
duplicates by USCC merged into the registered firm (history kept); the export reads back."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from yingshang.audit.models import AuditEvent
from yingshang.enterprises import imports
from yingshang.enterprises.models import Firm, FirmImport
from yingshang.enterprises.tests.conftest import uscc, wrong_check
from yingshang.errors import DomainError

HEAD = ["序号", "统一社会信用代码", "企业名称", "法定代表人", "行业代码", "企业规模", "成立日期"]


def xlsx(rows, head=HEAD, title_row=True) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    if title_row:
        ws.append(["颍上县市场主体名录（2026年）"])
    ws.append(head)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_a_good_sheet_is_previewed_then_applied_and_an_existing_firm_is_merged(personas):
    sheet = xlsx(
        [
            [1, uscc(10), "颍上县甲机械有限公司", "王一", "C34", "小型", dt.datetime(2012, 5, 1)],
            [2, personas.firm.uscc.lower(), "测试餐饮有限公司", "赵大龙", "h62", "小", ""],
            [3, uscc(11), "颍上县乙商贸有限公司", "", "F", "微型", "2020年3月8日"],
            [4, uscc(10), "颍上县甲机械有限公司", "王一", "C34", "中型", ""],  # same code again
        ]
    )
    job = imports.preview(actor=personas.supervisor, file=sheet, file_name="名录.xlsx")
    assert job.errors == [] and job.total == 4
    assert Firm.objects.count() == 1  # nothing written before the confirmation
    job = imports.apply(actor=personas.supervisor, job=job)
    assert (job.created_count, job.updated_count) == (2, 1)
    a = Firm.objects.get(uscc=uscc(10))
    assert a.size == "medium"  # the later row won
    assert a.established_on == dt.date(2012, 5, 1) and a.industry_code == "C34"
    assert Firm.objects.get(uscc=uscc(11)).established_on == dt.date(2020, 3, 8)
    personas.firm.refresh_from_db()
    assert personas.firm.legal_representative == "赵大龙" and personas.firm.industry_code == "H62"
    # the merged firm's earlier value stays in its history
    event = AuditEvent.objects.get(action="firm.import_update", object_id=str(personas.firm.pk))
    assert event.changes["legal_representative"] == ["赵小龙", "赵大龙"]
    assert "名录.xlsx" in event.reason
    with pytest.raises(DomainError) as exc:
        imports.apply(actor=personas.supervisor, job=job)
    assert exc.value.code == "FIRM_IMPORT_DONE"


def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_imported(personas):
    sheet = xlsx(
        [
            [1, uscc(20), "好企业", "", "C", "小型", ""],
            [2, wrong_check(uscc(21)), "校验位错的企业", "", "C", "小型", ""],
            [3, uscc(22), "", "", "Z9", "特大", "明年"],
        ]
    )
    job = imports.preview(actor=personas.supervisor, file=sheet, file_name="bad.xlsx")
    messages = [e["message"] for e in job.errors]
    assert "第4行“统一社会信用代码”：统一社会信用代码校验位不正确，请核对后重新输入" in messages
    assert any(m.startswith("第5行“企业名称”：不能为空") for m in messages)
    assert any(m.startswith("第5行“行业代码”") for m in messages)
    assert any(m.startswith("第5行“规模（划型）”") for m in messages)
    assert any(m.startswith("第5行“成立日期”") for m in messages)
    with pytest.raises(DomainError) as exc:
        imports.apply(actor=personas.supervisor, job=job)
    assert exc.value.code == "FIRM_IMPORT_HAS_ERRORS"
    assert not Firm.objects.filter(uscc=uscc(20)).exists()


def test_a_sheet_without_the_code_column_or_not_excel_is_refused(personas):
    with pytest.raises(DomainError) as exc:
        imports.preview(
            actor=personas.supervisor,
            file=xlsx([["a"]], head=["名称", "地址", "电话"]),
            file_name="x",
        )
    assert exc.value.code == "FIRM_IMPORT_COLUMNS_MISSING"
    with pytest.raises(DomainError) as exc:
        imports.preview(actor=personas.supervisor, file=io.BytesIO(b"not excel"), file_name="x")
    assert exc.value.code == "FIRM_IMPORT_FILE_INVALID"
    assert not FirmImport.objects.exists()


def test_only_the_business_office_imports(personas):
    with pytest.raises(DomainError) as exc:
        imports.preview(actor=personas.handler_a, file=xlsx([]), file_name="x")
    assert exc.value.code == "FIRM_FORBIDDEN"


def test_the_export_comes_back_in_unchanged(personas, login):
    response = login(personas.supervisor).get("/staff/firms/?export=xlsx")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert rows[1][:2] == (personas.firm.uscc, "测试餐饮有限公司")
    job = imports.preview(actor=personas.supervisor, file=io.BytesIO(body), file_name="e.xlsx")
    assert job.errors == []
    job = imports.apply(actor=personas.supervisor, job=job)
    assert (job.created_count, job.updated_count) == (0, 0)


def test_the_import_pages_preview_then_confirm(personas, login):
    client = login(personas.supervisor)
    upload = SimpleUploadedFile(
        "名录.xlsx", xlsx([[1, uscc(30), "页面导入公司", "", "C", "小型", ""]]).getvalue()
    )
    response = client.post("/staff/firms/import/", {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "页面导入公司" in page and "确认导入" in page
    client.post(response["Location"], {"action": "apply"})
    assert Firm.objects.filter(uscc=uscc(30), name="页面导入公司").exists()


def test_an_english_export_comes_back_in_for_a_chinese_reader(personas, login):
    """Exported by a reader who uses the English site, imported by one who uses the Chinese one:
    the headers and the size words are known in either language."""
    Firm.objects.filter(pk=personas.firm.pk).update(size="small", declared_size="micro")
    client = login(personas.supervisor)
    response = client.get("/staff/firms/?export=xlsx", HTTP_ACCEPT_LANGUAGE="en")
    body = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert rows[0][0] != "统一社会信用代码"  # the English headers
    assert "Small" in rows[1] and "Micro" in rows[1]
    job = imports.preview(actor=personas.supervisor, file=io.BytesIO(body), file_name="en.xlsx")
    assert job.errors == []
    job = imports.apply(actor=personas.supervisor, job=job)
    assert (job.created_count, job.updated_count) == (0, 0)
    firm = Firm.objects.get(pk=personas.firm.pk)
    assert (firm.size, firm.declared_size) == ("small", "micro")
