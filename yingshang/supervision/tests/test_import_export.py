import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from yingshang.audit.models import AuditEvent
from yingshang.supervision import importer
from yingshang.supervision.models import ImportJob, Problem
from yingshang.supervision.tests.sample import HEADERS, ledger

pytestmark = pytest.mark.django_db

UNITS = ["市场监管局", "住建局"]


def upload(client, data: bytes, name="台账.xlsx"):
    return client.post("/staff/supervision/import/", {"file": SimpleUploadedFile(name, data)})


def test_header_names_are_guessed_into_a_mapping():
    mapping = importer.guess_mapping(HEADERS)
    assert mapping["description"] == HEADERS.index("问题描述")
    assert mapping["category"] == HEADERS.index("问题类别")
    assert mapping["unit"] == HEADERS.index("责任单位")
    assert mapping["deadline"] == HEADERS.index("完成时限")
    assert mapping["progress"] == HEADERS.index("进展情况")
    assert mapping["status"] == HEADERS.index("状态")
    short = importer.guess_mapping(
        ["序号", "问题", "责任单位", "责任领导", "整改措施", "时限", "进展", "状态"]
    )
    assert short["description"] == 1 and short["deadline"] == 5 and short["progress"] == 6


def test_72_row_ledger_imports_through_mapping_page(personas, login):
    client = login(personas.supervisor)
    resp = upload(client, ledger(UNITS))
    job = ImportJob.objects.get()
    assert resp.status_code == 302 and resp.url.endswith(f"/import/{job.pk}/")
    assert job.total == 72 and job.headers == HEADERS
    page = client.get(resp.url).content.decode()
    assert "问题描述" in page and "办事指南要件表述模糊" in page  # the preview
    form = {
        f"map_{k}": "" if v is None else str(v)
        for k, v in job.mapping.items()
        if not k.startswith("_")
    }
    resp = client.post(resp.url, {**form, "all_or_nothing": "1"})
    assert resp.status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.created_count == 72
    assert Problem.objects.filter(import_job=job).count() == 72
    assert Problem.objects.filter(owner_unit=personas.unit_a).count() == 36
    first = Problem.objects.get(import_job=job, import_row=3)
    assert (
        first.category.name == "不规范"
        and first.status == "assigned"
        and first.leader_name == "分管副局长1"
    )
    assert Problem.objects.get(import_job=job, import_row=4).status == "rectifying"
    assert AuditEvent.objects.filter(action="problem.import").count() == 1
    # every imported problem has its own creation event in its own timeline, chain intact
    created = AuditEvent.objects.get(
        action="problem.create", object_type="supervision.problem", object_id=str(first.pk)
    )
    assert created.changes["number"] == [None, first.number]
    assert AuditEvent.objects.filter(action="problem.create").count() == 72
    from yingshang.audit.verify import verify_chain

    assert verify_chain().ok
    status = client.get(f"/staff/supervision/import/{job.pk}/status/").content.decode()
    assert "已导入72个问题" in status
    importer.run(job.pk)  # the same job enqueued twice runs once
    assert Problem.objects.count() == 72


def _bad_sheet() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "问题描述", "责任单位", "完成时限", "状态"])
    ws.append([1, "审批环节多", "市场监管局", "2026-12-31", "整改中"])
    ws.append([2, "", "住建局", "2026-12-31", "整改中"])
    ws.append([3, "窗口推诿", "不存在的局", "2026-12-31", ""])
    ws.append([4, "收费不规范", "住建局", "明年底", ""])
    ws.append([5, "执法随意", "住建局", "2026/11/30", "差不多了"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _run(client, all_or_nothing: bool):
    resp = upload(client, _bad_sheet())
    job = ImportJob.objects.latest("id")
    form = {
        f"map_{k}": "" if v is None else str(v)
        for k, v in job.mapping.items()
        if not k.startswith("_")
    }
    client.post(resp.url, {**form, **({"all_or_nothing": "1"} if all_or_nothing else {})})
    job.refresh_from_db()
    return job


def test_bad_rows_are_reported_with_reasons_and_nothing_is_committed(personas, login):
    client = login(personas.supervisor)
    job = _run(client, all_or_nothing=True)
    assert job.status == "rejected"
    assert Problem.objects.count() == 0
    reasons = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert reasons[(3, "问题描述")] == "问题描述为空"
    assert reasons[(4, "责任单位")] == "未知的责任单位“不存在的局”"
    assert "日期无法识别“明年底”" in reasons[(5, "时限")]
    assert "未知的状态“差不多了”" in reasons[(6, "状态")]
    page = client.get(f"/staff/supervision/import/{job.pk}/status/").content.decode()
    assert "未知的责任单位“不存在的局”" in page and "未导入任何问题" in page


def test_without_all_or_nothing_the_good_rows_are_imported(personas, login):
    job = _run(login(personas.supervisor), all_or_nothing=False)
    assert job.status == "done" and job.created_count == 1
    assert list(Problem.objects.values_list("description", flat=True)) == ["审批环节多"]


def test_a_file_that_is_not_excel_is_refused_with_a_message(personas, login):
    resp = upload(login(personas.supervisor), b"not a spreadsheet", name="x.xlsx")
    assert resp.status_code == 200
    assert "无法读取该文件" in resp.content.decode()
    assert ImportJob.objects.count() == 0


def test_a_unit_handler_cannot_import(personas, login):
    assert upload(login(personas.handler_a), ledger(UNITS, rows=2)).status_code == 403


def test_export_uses_the_county_layout_and_respects_filters(personas, problem_factory, login):
    from yingshang.supervision import services

    p = problem_factory(
        unit=personas.unit_a, description="甲问题", leader_name="王副局长", measures="限期整改"
    )
    services.problem_claim(actor=personas.handler_a, problem=p)
    services.problem_report_progress(
        actor=personas.handler_a, problem=p, text="已完成一半", percent=50
    )
    problem_factory(unit=personas.unit_b, description="乙问题")
    resp = login(personas.supervisor).get(f"/staff/supervision/export/?unit={personas.unit_a.pk}")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == [
        "问题编号",
        "问题类别",
        "问题来源",
        "问题描述",
        "责任单位",
        "配合单位",
        "责任领导",
        "整改措施",
        "完成时限",
        "进展情况",
        "状态",
    ]
    assert len(rows) == 2
    assert rows[1][0] == p.number and rows[1][3] == "甲问题"
    assert rows[1][4:8] == (personas.unit_a.name, None, "王副局长", "限期整改")
    assert rows[1][9] == "已完成一半" and rows[1][10] == "整改中"
    # a unit's export holds only what it may see
    resp = login(personas.handler_b).get("/staff/supervision/export/")
    rows = list(
        load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert [r[3] for r in rows[1:]] == ["乙问题"]


def test_progress_partial_polls_every_second_until_the_job_ends(personas, login):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    job = ImportJob(
        created_by=personas.supervisor,
        created_at=timezone.now(),
        original_name="大台账.xlsx",
        status="validating",
        total=10000,
        processed=2500,
    )
    job.file.save("big.xlsx", ContentFile(b"x"), save=False)
    job.save()
    client = login(personas.supervisor)
    url = f"/staff/supervision/import/{job.pk}/status/"
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert (
        'hx-trigger="every 1s"' in partial
        and 'aria-valuenow="25"' in partial
        and "<html" not in partial
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status="done", processed=10000, message="已导入10000个问题。"
    )
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and "已导入10000个问题。" in done
    # another supervisor's job list is shared; a unit handler cannot see it at all
    assert login(personas.handler_a).get(url).status_code == 403
