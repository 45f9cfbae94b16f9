"""Reads of key projects (重点项目): the year's list from the user's scope, the board by phase
and by leader with overdue milestones named, and the monthly progress report (Excel, Word)."""

import datetime as dt
import io
from decimal import Decimal

from django.db.models import Prefetch, Sum
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from yingshang import spreadsheets
from yingshang.org import scope
from yingshang.projects.keyprojects import InvestmentProgress, KeyProject, KeyProjectHelper


def key_projects_for(user, year: int):
    return (
        scope.visible_to(user, KeyProject)
        .filter(year=year)
        .select_related("leader", "lead_unit", "firm", "project")
        .prefetch_related(
            Prefetch("helpers", queryset=KeyProjectHelper.objects.select_related("unit"))
        )
        .order_by("id")
    )


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def report_rows(user, year: int, month: dt.date, today: dt.date | None = None) -> list[dict]:
    """One row per key project: plan, this month's and the year's completed investment (to the
    end of `month`), milestones planned and actual, overdue milestones named."""
    today = today or timezone.localdate()
    month = _month_start(month)
    projects = list(key_projects_for(user, year))
    ids = [kp.pk for kp in projects]
    this_month = dict(
        InvestmentProgress.objects.filter(key_project_id__in=ids, month=month).values_list(
            "key_project_id", "amount"
        )
    )
    to_date = dict(
        InvestmentProgress.objects.filter(
            key_project_id__in=ids, month__gte=dt.date(year, 1, 1), month__lte=month
        )
        .values("key_project_id")
        .annotate(total=Sum("amount"))
        .values_list("key_project_id", "total")
    )
    rows = []
    for kp in projects:
        done = Decimal(to_date.get(kp.pk) or 0).quantize(Decimal("0.01"))
        rows.append(
            {
                "kp": kp,
                "month_amount": this_month.get(kp.pk) or Decimal(0),
                "year_amount": done,
                "year_rate": (done * 100 / kp.year_plan).quantize(Decimal("0.1"))
                if kp.year_plan
                else None,
                "overdue": kp.overdue_milestones(today),
                "helpers": "；".join(f"{h.unit.name}（{h.duty}）" for h in kp.helpers.all()),
            }
        )
    return rows


def board(user, year: int, today: dt.date | None = None) -> dict:
    rows = report_rows(user, year, today or timezone.localdate(), today)
    by_phase: dict[str, list] = {p.value: [] for p in KeyProject.Phase}
    by_leader: dict[str, list] = {}
    for row in rows:
        by_phase[row["kp"].phase].append(row)
        by_leader.setdefault(row["kp"].leader.display_name, []).append(row)
    return {
        "phases": [(KeyProject.Phase(p).label, items) for p, items in by_phase.items()],
        "leaders": sorted(by_leader.items()),
        "overdue": [r for r in rows if r["overdue"]],
        "rows": rows,
    }


HEADERS = [
    "项目名称",
    "建设单位",
    "总投资（万元）",
    "年度计划（万元）",
    "本月完成（万元）",
    "年度累计（万元）",
    "年度完成率（%）",
    "包保县领导",
    "责任单位",
    "四帮四保",
    "计划开工",
    "实际开工",
    "计划复工",
    "实际复工",
    "计划竣工",
    "实际竣工",
    "逾期节点",
]


def _cells(row) -> list:
    kp = row["kp"]
    return [
        kp.name,
        kp.firm.name if kp.firm else "",
        kp.investment,
        kp.year_plan,
        row["month_amount"],
        row["year_amount"],
        row["year_rate"],
        kp.leader.display_name,
        kp.lead_unit.name,
        row["helpers"],
        kp.planned_start,
        kp.actual_start,
        kp.planned_resume,
        kp.actual_resume,
        kp.planned_completion,
        kp.actual_completion,
        "、".join(row["overdue"]),
    ]


def report_xlsx(user, year: int, month: dt.date):
    rows = report_rows(user, year, month)
    return spreadsheets.xlsx_response(
        f"重点项目月度进展-{month:%Y-%m}.xlsx",
        f"{month:%Y年%m月}进展",
        HEADERS,
        (_cells(r) for r in rows),
    )


def report_docx(user, year: int, month: dt.date) -> HttpResponse:
    from docx import Document
    from docx.shared import Pt

    rows = report_rows(user, year, month)
    doc = Document()
    doc.add_heading(f"{year}年重点项目{month.month}月推进情况", level=1)
    plan = sum((r["kp"].year_plan for r in rows), Decimal(0))
    done = sum((r["year_amount"] for r in rows), Decimal(0)).quantize(Decimal("0.01"))
    overdue = [r for r in rows if r["overdue"]]
    doc.add_paragraph(
        f"全县{year}年重点项目{len(rows)}个，年度计划投资{plan}万元，截至{month.month}月底累计完成{done}万元"
        + (f"，完成年度计划的{(done * 100 / plan).quantize(Decimal('0.1'))}%。" if plan else "。")
        + (f"有{len(overdue)}个项目存在逾期节点。" if overdue else "各项目节点均按计划推进。")
    )
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        ["项目名称", "包保县领导", "责任单位", "本月完成（万元）", "年度累计（万元）", "逾期节点"],
        strict=True,
    ):
        cell.text = text
    for r in rows:
        kp = r["kp"]
        values = [
            kp.name,
            kp.leader.display_name,
            kp.lead_unit.name,
            str(r["month_amount"]),
            str(r["year_amount"]),
            "、".join(r["overdue"]) or "无",
        ]
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    for para in doc.paragraphs:
        for run in para.runs:
            run.font.size = Pt(12)
    buf = io.BytesIO()
    doc.save(buf)
    response = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"重点项目月度进展-{month:%Y-%m}.docx"
    )
    return response
