"""The owner unit's work on a problem: claim it with a plan, report progress."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import InvalidInput
from yingshang.supervision import transitions as t
from yingshang.supervision.models import Problem, ProgressReport
from yingshang.supervision.services.evidence import evidence_names, save_evidence
from yingshang.supervision.services.milestones import add_milestone


@transaction.atomic
def problem_claim(
    *, actor, problem: Problem, leader_name: str = "", measures: str = "", milestones=(), at=None
) -> Problem:
    """认领: the owner unit takes the problem and (optionally) hangs out its plan."""
    problem = workflow.lock(actor, problem, action="claim", table=t.problem_table)
    at = at or timezone.now()
    before = workflow.snapshot(problem, "status", "leader_name", "measures")
    problem.status = t.problem_table.target("claim", problem.status)
    problem.claimed_at = at
    if leader_name:
        problem.leader_name = leader_name[:60]
    if measures:
        problem.measures = measures
    problem.save()
    start = problem.milestones.count()
    for i, (title, due) in enumerate(milestones or ()):
        add_milestone(problem, title=title, due_date=due, at=at, order=start + i)
    workflow.record(
        actor,
        "problem.claim",
        problem,
        before=before,
        after=workflow.snapshot(problem, "status", "leader_name", "measures"),
    )
    return problem


def check_percent(value) -> int:
    try:
        p = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("PROGRESS_PERCENT_INVALID", _("完成比例应为0到100之间的整数")) from None
    if not 0 <= p <= 100:
        raise InvalidInput("PROGRESS_PERCENT_INVALID", _("完成比例应为0到100之间的整数"))
    return p


def progress_report(
    actor, problem: Problem, *, text: str, percent: int, at, kind: str = "progress"
) -> ProgressReport:
    """The report row, in the name of the unit the actor acted for."""
    _role, unit = workflow.role_and_unit(actor, problem)
    return ProgressReport.objects.create(
        problem=problem,
        text=text,
        percent=percent,
        kind=kind,
        author=actor or None,
        unit_id=unit,
        created_at=at,
    )


@transaction.atomic
def problem_report_progress(
    *, actor, problem: Problem, text: str, percent=0, files=(), at=None
) -> ProgressReport:
    problem = workflow.lock(actor, problem, action="report", table=t.problem_table)
    text = (text or "").strip()
    if not text:
        raise InvalidInput("PROGRESS_TEXT_REQUIRED", _("请填写整改进展情况"))
    percent = check_percent(percent)
    at = at or timezone.now()
    before = workflow.snapshot(problem, "status", "percent")
    problem.status = t.problem_table.target("report", problem.status)
    problem.percent = percent
    problem.latest_progress = text
    problem.save()
    report = progress_report(actor, problem, text=text, percent=percent, at=at)
    evidence = save_evidence(problem, files, actor, progress=report, at=at)
    workflow.record(
        actor,
        "problem.progress",
        problem,
        before=before,
        after={"status": problem.status, "percent": percent, **evidence_names(evidence)},
        reason=text[:500],
    )
    return report
