"""Milestones (整改节点) of a problem's plan, each with its own deadline clock."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import DomainError, InvalidInput
from yingshang.supervision import transitions as t
from yingshang.supervision.models import Milestone, Problem
from yingshang.supervision.services.common import MILESTONE, check_date, start_clock
from yingshang.supervision.services.evidence import evidence_names, save_evidence
from yingshang.workcal import calendar, clocks
from yingshang.workcal.models import Clock


def add_milestone(
    problem: Problem, *, title: str, due_date: dt.date, at, order: int = 0
) -> Milestone:
    """A milestone and its clock (inside the caller's transaction, after its checks)."""
    title = (title or "").strip()
    if not title:
        raise InvalidInput("MILESTONE_TITLE_REQUIRED", _("请填写节点任务"))
    if not isinstance(due_date, dt.date):
        raise InvalidInput("MILESTONE_DUE_INVALID", _("节点完成时限无效"))
    check_date(due_date, _("节点完成时限"))
    ms = Milestone(
        problem=problem, title=title[:200], due_at=calendar.end_of_day(due_date), order=order
    )
    ms.save()
    clock = start_clock(ms, MILESTONE, at=at, due_date=due_date)
    ms.due_at = clock.due_at
    ms.overdue = clock.state == Clock.State.OVERDUE
    ms.save(update_fields=["due_at", "overdue"])
    return ms


@transaction.atomic
def problem_add_milestone(
    *, actor, problem: Problem, title: str, due_date: dt.date, at=None
) -> Milestone:
    problem = workflow.lock(actor, problem, action="plan", table=t.problem_table)
    at = at or timezone.now()
    ms = add_milestone(
        problem, title=title, due_date=due_date, at=at, order=problem.milestones.count()
    )
    workflow.record(
        actor, "problem.milestone_add", problem, after={"milestone": ms.title, "due_at": ms.due_at}
    )
    return ms


@transaction.atomic
def problem_complete_milestone(
    *, actor, milestone: Milestone, note: str = "", files=(), at=None
) -> Milestone:
    problem = workflow.lock(
        actor, milestone.problem, action="milestone_done", table=t.problem_table
    )
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.done_at is not None:
        raise DomainError("MILESTONE_ALREADY_DONE", _("该节点已完成"))
    at = at or timezone.now()
    milestone.done_at = at
    milestone.note = (note or "")[:300]
    milestone.overdue = False
    milestone.save()
    clocks.clock_stop_open(milestone, MILESTONE, at=at)
    evidence = save_evidence(problem, files, actor, milestone=milestone, at=at)
    if problem.status in (t.CLAIMED, t.REOPENED):
        problem.status = t.RECTIFYING
        problem.save(update_fields=["status", "updated_at"])
    workflow.record(
        actor,
        "problem.milestone_done",
        problem,
        after={"milestone": milestone.title, "done_at": at, **evidence_names(evidence)},
        reason=note,
    )
    return milestone
