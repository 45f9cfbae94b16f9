"""Nothing imported is changed silently: the preview shows every deadline the working-day clock
would move (with its reason) for the importer to accept or keep; unit aliases kept by the admin;
the export reads back in and a re-import updates each problem by its number."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from yingshang.audit.models import AuditEvent
from yingshang.supervision import services
from yingshang.supervision.models import ImportJob, Problem, UnitAlias
from yingshang.workcal import calendar

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 23, 10, 0, tzinfo=TZ)  # an ordinary working day

HEADERS = ["序号", "问题描述", "责任单位", "完成时限", "状态"]


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def _sheet(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _ledger(unit_name: str) -> bytes:
    return _sheet(
        [
            [1, "周六到期的问题", unit_name, dt.date(2026, 12, 5), "整改中"],  # Saturday, future
            [2, "上周六已逾期的问题", unit_name, dt.date(2026, 11, 21), "整改中"],  # past Saturday
            [3, "国庆节到期的问题", unit_name, dt.date(2026, 10, 1), "整改中"],  # a holiday
            [4, "工作日到期的问题", unit_name, dt.date(2026, 12, 31), "整改中"],  # Thursday
        ]
    )


def _upload(client, data: bytes):
    resp = client.post(
        "/staff/supervision/import/", {"file": SimpleUploadedFile("台账.xlsx", data)}
    )
    assert resp.status_code == 302, resp.content.decode()[:500]
    return ImportJob.objects.latest("id"), resp.url


def _form(job) -> dict:
    return {
        f"map_{k}": "" if v is None else str(v)
        for k, v in job.mapping.items()
        if not k.startswith("_")
    }


def _day(description: str) -> dt.date:
    return calendar.local_date(Problem.objects.get(description=description).deadline_at)


def test_the_preview_shows_every_adjustment_with_its_reason(personas, login):
    client = login(personas.supervisor)
    _job, url = _upload(client, _ledger(personas.unit_a.name))
    page = client.get(url).content.decode()
    assert 'data-testid="adjustments"' in page
    assert "2026-12-05是周末（周六），按工作日计时将提前到之前最近的工作日2026-12-04" in page
    assert "2026-11-21是周末（周六），按工作日计时将顺延到之后第一个工作日2026-11-23" in page
    assert "该问题原本已逾期，调整后将不再显示逾期" in page
    assert "2026-10-01是法定节假日" in page
    assert page.count('data-testid="adjustment-row"') == 3  # the Thursday stays as it is


def test_by_default_every_given_date_is_kept(personas, login):
    client = login(personas.supervisor)
    job, url = _upload(client, _ledger(personas.unit_a.name))
    client.post(url, {**_form(job), "all_or_nothing": "1"})
    job.refresh_from_db()
    assert job.status == "done" and job.created_count == 4
    assert _day("周六到期的问题") == dt.date(2026, 12, 5)
    assert _day("上周六已逾期的问题") == dt.date(2026, 11, 21)
    assert _day("国庆节到期的问题") == dt.date(2026, 10, 1)
    assert _day("工作日到期的问题") == dt.date(2026, 12, 31)
    assert Problem.objects.get(description="上周六已逾期的问题").overdue  # still overdue


def test_accepting_all_adjustments_moves_them_to_working_days(personas, login):
    client = login(personas.supervisor)
    job, url = _upload(client, _ledger(personas.unit_a.name))
    client.post(url, {**_form(job), "all_or_nothing": "1", "dates_all": "adjust"})
    assert _day("周六到期的问题") == dt.date(2026, 12, 4)
    assert _day("上周六已逾期的问题") == dt.date(2026, 11, 23)
    assert _day("国庆节到期的问题") == dt.date(2026, 10, 8)  # after the 2026 holiday
    event = AuditEvent.objects.get(action="problem.import")
    assert event.changes["deadlines_adjusted"][1] == [2, 3, 4]


def test_each_row_is_decided_on_its_own(personas, login):
    client = login(personas.supervisor)
    job, url = _upload(client, _ledger(personas.unit_a.name))
    client.post(url, {**_form(job), "all_or_nothing": "1", "date_2": "adjust", "date_3": "keep"})
    assert _day("周六到期的问题") == dt.date(2026, 12, 4)
    assert _day("上周六已逾期的问题") == dt.date(2026, 11, 21)


def test_a_kept_rest_day_deadline_can_still_be_extended(personas, login):
    client = login(personas.supervisor)
    job, url = _upload(client, _ledger(personas.unit_a.name))
    client.post(url, {**_form(job), "all_or_nothing": "1"})
    problem = Problem.objects.get(description="周六到期的问题")
    services.problem_extend(
        actor=personas.supervisor, problem=problem, deadline=dt.date(2026, 12, 12), reason="延期"
    )
    assert _day("周六到期的问题") == dt.date(2026, 12, 12)


# --- unit aliases -------------------------------------------------------------------------------
def test_admin_keeps_aliases_and_imports_use_them(personas, login):
    admin = login(personas.admin)
    resp = admin.post(
        "/staff/supervision/aliases/",
        {"alias": "审批局", "unit": str(personas.unit_a.pk), "reason": "台账常用简称"},
    )
    assert resp.status_code == 302
    alias = UnitAlias.objects.get(alias="审批局")
    assert alias.unit == personas.unit_a
    assert AuditEvent.objects.filter(action="unit_alias.save", object_id=str(alias.pk)).exists()
    # the supervisor may read the list but not change it
    sup = login(personas.supervisor)
    assert "审批局" in sup.get("/staff/supervision/aliases/").content.decode()
    refused = sup.post("/staff/supervision/aliases/", {"alias": "监管局", "unit": "1"})
    assert (
        refused.status_code == 403 and "只有系统管理员可以维护单位别名" in refused.content.decode()
    )
    job, url = _upload(sup, _sheet([[1, "窗口推诿", "审批局", dt.date(2026, 12, 31), ""]]))
    page = sup.get(url).content.decode()
    assert f"第2行：“审批局”按别名对应为“{personas.unit_a.name}”" in page
    sup.post(url, {**_form(job), "all_or_nothing": "1"})
    assert Problem.objects.get(description="窗口推诿").owner_unit == personas.unit_a
    # withdrawn: the name is unknown again (and the alias stays on record)
    admin = login(personas.admin)
    admin.post(f"/staff/supervision/aliases/{alias.pk}/withdraw/", {"reason": "撤销"})
    alias.refresh_from_db()
    assert not alias.is_active
    sup = login(personas.supervisor)
    job, url = _upload(sup, _sheet([[1, "再次推诿", "审批局", dt.date(2026, 12, 31), ""]]))
    assert "未知的责任单位“审批局”" in sup.get(url).content.decode()


def test_an_alias_cannot_be_another_units_name(personas):
    from yingshang.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        services.unit_alias_save(
            actor=personas.admin, alias=personas.unit_b.name, unit=personas.unit_a
        )
    assert exc.value.code == "UNIT_ALIAS_IS_A_UNIT"


# --- the export reads back in -----------------------------------------------------------------
def _export(client) -> bytes:
    resp = client.get("/staff/supervision/export/")
    return b"".join(resp.streaming_content)


def test_export_round_trips_and_a_reimport_updates_by_number(personas, login, problem_factory):
    p = problem_factory(
        unit=personas.unit_a,
        description="甲问题",
        category="不规范",
        source=Problem.Source.UPPER,
        co_units=[personas.unit_b],
        leader_name="王副局长",
        deadline=dt.date(2026, 12, 31),
    )
    client = login(personas.supervisor)
    exported = _export(client)
    ws = load_workbook(io.BytesIO(exported)).active
    row = next(ws.iter_rows(min_row=2, values_only=True))
    assert row[:6] == (
        p.number,
        "不规范",
        "上级交办",
        "甲问题",
        personas.unit_a.name,
        personas.unit_b.name,
    )
    # the same file back: every column is recognised, nothing new, nothing changed
    job, url = _upload(client, exported)
    assert job.mapping["number"] == 0 and job.mapping["source"] == 2
    assert job.mapping["co_units"] == 5 and job.mapping["deadline"] == 8
    page = client.get(url).content.decode()
    assert f"第2行 → 问题{p.number}" in page and "无变化" in page
    client.post(url, {**_form(job), "all_or_nothing": "1"})
    job.refresh_from_db()
    assert job.status == "done", job.errors
    assert Problem.objects.count() == 1
    assert not AuditEvent.objects.filter(action="problem.import_update").exists()

    # edited in Excel: a new description and a later deadline
    ws.cell(row=2, column=4, value="甲问题（补充：涉及三个窗口）")
    ws.cell(row=2, column=9, value=dt.date(2027, 1, 29))
    buf = io.BytesIO()
    ws.parent.save(buf)
    job, url = _upload(client, buf.getvalue())
    page = client.get(url).content.decode()
    assert "问题描述“甲问题”→“甲问题（补充：涉及三个窗口）”" in page
    client.post(url, {**_form(job), "all_or_nothing": "1"})
    assert Problem.objects.count() == 1  # updated, not duplicated
    p.refresh_from_db()
    assert p.description == "甲问题（补充：涉及三个窗口）"
    assert calendar.local_date(p.deadline_at) == dt.date(2027, 1, 29)
    update = AuditEvent.objects.get(action="problem.import_update", object_id=str(p.pk))
    assert update.changes["description"] == ["甲问题", "甲问题（补充：涉及三个窗口）"]
    assert AuditEvent.objects.filter(action="problem.extend", object_id=str(p.pk)).exists()


def test_a_reimport_cannot_bring_a_deadline_forward_or_name_an_unknown_number(
    personas, login, problem_factory
):
    p = problem_factory(unit=personas.unit_a, description="乙问题", deadline=dt.date(2026, 12, 31))
    client = login(personas.supervisor)
    headers = ["问题编号", "问题描述", "责任单位", "完成时限"]
    data = _sheet(
        [
            [p.number, "乙问题", personas.unit_a.name, dt.date(2026, 12, 15)],
            ["WT2026-99999", "丙问题", personas.unit_a.name, dt.date(2026, 12, 15)],
        ],
        headers,
    )
    job, url = _upload(client, data)
    page = client.get(url).content.decode()
    assert f"问题{p.number}的整改时限不能通过导入提前（现为2026-12-31）" in page
    assert "问题编号“WT2026-99999”不存在（新问题请留空编号）" in page
    client.post(url, {**_form(job), "all_or_nothing": "1"})
    job.refresh_from_db()
    assert job.status == "rejected" and Problem.objects.count() == 1
