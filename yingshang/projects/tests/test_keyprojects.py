"""重点项目 (四帮四保): problems go into the supervision ledger with their owner, milestones past
their plan are named on the board, the monthly report sums the progress."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yingshang.audit.models import AuditEvent
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.projects import keyboard, services
from yingshang.supervision.models import Problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def kp(personas):
    p = personas
    return services.keyproject_create(
        actor=p.supervisor,
        year=2026,
        name="城东产业园标准厂房",
        investment="12000",
        year_plan="5000",
        leader=p.leader,
        lead_unit=p.unit_b,
        firm=p.firm,
        planned_start=dt.date(2026, 3, 1),
        planned_completion=dt.date(2027, 6, 30),
        helpers=[(p.unit_a, "协调用电报装"), (p.unit_b, "施工许可帮办")],
    )


def test_a_problem_raised_becomes_a_ledger_problem_with_its_owner(personas, kp):
    p = personas
    link = services.keyproject_raise_problem(
        actor=p.handler_b, key_project=kp, description="临时用电迟迟未接入", unit=p.unit_a
    )
    problem = Problem.objects.get(pk=link.problem_id)
    assert problem.owner_unit_id == p.unit_a.pk
    assert (
        "城东产业园标准厂房" in problem.description and problem.leader_name == p.leader.display_name
    )
    assert AuditEvent.objects.filter(action="keyproject.problem").exists()


def test_an_outsider_unit_cannot_record_progress(personas, kp, world):
    with pytest.raises(Exception) as exc:
        services.keyproject_progress(
            actor=world.handler_c, key_project=kp, month=dt.date(2026, 5, 1), amount="10"
        )
    assert exc.type.__name__ in ("Http404", "PermissionDeniedError")


def test_only_managers_list_key_projects(personas):
    p = personas
    with pytest.raises(PermissionDeniedError):
        services.keyproject_create(
            actor=p.handler_a,
            year=2026,
            name="X",
            investment="1",
            year_plan="1",
            leader=p.leader,
            lead_unit=p.unit_a,
        )
    with pytest.raises(InvalidInput) as exc:
        services.keyproject_create(
            actor=p.supervisor,
            year=2026,
            name="X",
            investment="1",
            year_plan="1",
            leader=p.handler_a,
            lead_unit=p.unit_a,
        )
    assert exc.value.details["field"] == "leader"


def test_board_names_overdue_milestones_and_report_sums_progress(personas, kp):
    p = personas
    services.keyproject_progress(
        actor=p.handler_b, key_project=kp, month=dt.date(2026, 4, 1), amount="800"
    )
    services.keyproject_progress(
        actor=p.handler_b, key_project=kp, month=dt.date(2026, 5, 1), amount="1200"
    )
    # a correction replaces the month's figure
    services.keyproject_progress(
        actor=p.handler_b, key_project=kp, month=dt.date(2026, 5, 1), amount="1000"
    )
    rows = keyboard.report_rows(p.supervisor, 2026, dt.date(2026, 5, 1), today=dt.date(2026, 5, 20))
    assert rows[0]["month_amount"] == Decimal("1000") and rows[0]["year_amount"] == Decimal("1800")
    assert rows[0]["overdue"] == ["开工（计划 2026-03-01）"]
    board = keyboard.board(p.supervisor, 2026, today=dt.date(2026, 5, 20))
    assert [r["kp"].name for r in board["overdue"]] == ["城东产业园标准厂房"]
    services.keyproject_milestone(
        actor=p.handler_b, key_project=kp, milestone="start", day=dt.date(2026, 5, 18)
    )
    kp.refresh_from_db()
    assert kp.phase == "building" and kp.overdue_milestones(dt.date(2026, 5, 20)) == []


def test_completion_before_start_is_refused(personas, kp):
    with pytest.raises(DomainError) as exc:
        services.keyproject_milestone(
            actor=personas.handler_b,
            key_project=kp,
            milestone="completion",
            day=dt.date(2026, 5, 1),
        )
    assert exc.value.code == "KEYPROJECT_NOT_STARTED"


def test_monthly_report_downloads_in_excel_and_word(personas, kp, login):
    p = personas
    services.keyproject_progress(
        actor=p.handler_b, key_project=kp, month=dt.date(2026, 4, 1), amount="800"
    )
    client = login(p.leader)
    resp = client.get(reverse("projects:key_report", args=["xlsx"]) + "?year=2026&month=2026-04")
    assert resp.status_code == 200
    ws = load_workbook(
        io.BytesIO(b"".join(resp.streaming_content) if resp.streaming else resp.content)
    ).active
    values = [c.value for c in next(ws.iter_rows(min_row=2, max_row=2))]
    assert values[0] == "城东产业园标准厂房" and 800 in values
    resp = client.get(reverse("projects:key_report", args=["docx"]) + "?year=2026&month=2026-04")
    from docx import Document

    doc = Document(io.BytesIO(resp.content))
    assert "截至4月底累计完成800.00万元" in doc.paragraphs[1].text
    page = client.get(reverse("projects:key_board") + "?year=2026")
    assert "城东产业园标准厂房" in page.content.decode()
