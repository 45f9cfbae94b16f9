"""Closing a problem (销号) and what undoes or marks it: the unit asks with its evidence, the
supervisor verifies and closes or sends it back; void (作废) and the exposure / accountability
flags."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit, workflow
from yingshang.errors import InvalidInput
from yingshang.supervision import transitions as t
from yingshang.supervision.models import Problem
from yingshang.supervision.services.common import (
    DEADLINE,
    stop_clocks,
    supervisors,
    tell,
    unit_staff,
)
from yingshang.supervision.services.evidence import evidence_names, save_evidence
from yingshang.supervision.services.work import progress_report
from yingshang.workcal import clocks
from yingshang.workcal.models import Clock

REOPEN_WORKING_DAYS = 10  # a problem sent back after closing gets a new deadline


def _required(text: str, message) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput("REASON_REQUIRED", message)
    return text


@transaction.atomic
def problem_request_closure(*, actor, problem: Problem, text: str, files=(), at=None) -> Problem:
    """申请销号: needs a statement and evidence (new files, or files already on the problem).
    The deadline clock waits while the supervisor verifies."""
    problem = workflow.lock(actor, problem, action="request_closure", table=t.problem_table)
    text = (text or "").strip()
    if not text:
        raise InvalidInput("CLOSURE_TEXT_REQUIRED", _("请填写整改完成情况"))
    if not files and not problem.evidence.exists():
        raise InvalidInput("CLOSURE_EVIDENCE_REQUIRED", _("申请销号须上传整改佐证材料"))
    at = at or timezone.now()
    before = workflow.snapshot(problem, "status", "percent")
    problem.status = t.problem_table.target("request_closure", problem.status)
    problem.percent = 100
    problem.latest_progress = text
    problem.save()
    report = progress_report(actor, problem, text=text, percent=100, at=at, kind="closure")
    evidence = save_evidence(problem, files, actor, progress=report, at=at)
    clock = clocks.clock_open(problem, DEADLINE)
    if clock:
        clocks.clock_pause(
            clock=clock, kind=Clock.PauseKind.SUSPENSION, at=at, reason=_("申请销号，待核验")
        )
    workflow.record(
        actor,
        "problem.request_closure",
        problem,
        before=before,
        after={"status": problem.status, "percent": 100, **evidence_names(evidence)},
        reason=text[:500],
    )
    tell(
        supervisors(),
        subject=_("问题申请销号"),
        body=_("%(unit)s申请对问题%(number)s销号，请核验。")
        % {"unit": problem.owner_unit.display_name, "number": problem.number},
        problem=problem,
    )
    return problem


@transaction.atomic
def problem_close(*, actor, problem: Problem, reason: str = "", at=None) -> Problem:
    """销号: the supervisor verifies the evidence and closes the problem."""
    problem = workflow.lock(actor, problem, action="close", table=t.problem_table)
    at = at or timezone.now()
    before = workflow.snapshot(problem, "status")
    problem.status = t.problem_table.target("close", problem.status)
    problem.closed_at = at
    problem.overdue = False
    problem.save()
    stop_clocks(problem, at)
    workflow.record(
        actor,
        "problem.close",
        problem,
        before=before,
        after={"status": problem.status},
        reason=reason,
    )
    tell(
        unit_staff(problem.owner_unit_id),
        subject=_("问题已销号"),
        body=_("问题%(number)s经核验已销号。") % {"number": problem.number},
        problem=problem,
    )
    return problem


def _return_record(event, problem: Problem, kind: str) -> None:
    audit.record_return(
        event=event,
        kind=kind,
        unit=problem.owner_unit,
        due_at=problem.deadline_at,
        label=f"{problem.number} {problem.description[:60]}",
    )


@transaction.atomic
def problem_reopen(*, actor, problem: Problem, reason: str, at=None) -> Problem:
    """退回重改: back to the unit with a reason; the deadline clock runs again (a closed
    problem gets a new one)."""
    problem = workflow.lock(actor, problem, action="reopen", table=t.problem_table)
    reason = _required(reason, _("请填写退回原因"))
    at = at or timezone.now()
    before = workflow.snapshot(problem, "status")
    problem.status = t.problem_table.target("reopen", problem.status)
    problem.closed_at = None
    problem.save()
    clock = clocks.clocks_of(problem, DEADLINE).order_by("-id").first()
    if clock is not None and clock.state == Clock.State.PAUSED:
        clock = clocks.clock_resume(clock=clock, at=at)
    elif clock is not None and clock.state == Clock.State.STOPPED:
        clock = clocks.clock_start(
            owner=problem,
            purpose=DEADLINE,
            amount=REOPEN_WORKING_DAYS,
            unit="working_days",
            started_at=at,
        )
    if clock is not None:
        problem.deadline_at = clock.due_at
        problem.overdue = clock.state == Clock.State.OVERDUE
        problem.save(update_fields=["deadline_at", "overdue"])
    event = workflow.record(
        actor,
        "problem.reopen",
        problem,
        before=before,
        after={"status": problem.status},
        reason=reason,
    )
    _return_record(event, problem, "return")
    tell(
        unit_staff(problem.owner_unit_id),
        subject=_("问题被退回重改"),
        body=_("问题%(number)s的销号申请被退回：%(reason)s")
        % {"number": problem.number, "reason": reason},
        problem=problem,
    )
    return problem


@transaction.atomic
def problem_void(*, actor, problem: Problem, reason: str, at=None) -> Problem:
    """作废: a problem registered by mistake; kept in history with the reason."""
    problem = workflow.lock(actor, problem, action="void", table=t.problem_table)
    reason = _required(reason, _("请填写作废原因"))
    at = at or timezone.now()
    before = workflow.snapshot(problem, "status")
    problem.status = t.problem_table.target("void", problem.status)
    problem.void_reason = reason[:300]
    problem.overdue = False
    problem.save()
    stop_clocks(problem, at)
    event = workflow.record(
        actor,
        "problem.void",
        problem,
        before=before,
        after={"status": problem.status},
        reason=reason,
    )
    _return_record(event, problem, "withdraw")
    return problem


FLAGS = ("exposure", "accountability")


@transaction.atomic
def problem_flag(*, actor, problem: Problem, flag: str, on: bool, reason: str) -> Problem:
    """曝光 (exposure) / 问责 (accountability) with a reason."""
    if flag not in FLAGS:
        raise InvalidInput("PROBLEM_FLAG_INVALID", _("标记类型无效"))
    problem = workflow.lock(actor, problem, action="flag", table=t.problem_table)
    reason = _required(reason, _("请填写理由"))
    before = workflow.snapshot(problem, flag, f"{flag}_reason")
    setattr(problem, flag, bool(on))
    setattr(problem, f"{flag}_reason", reason[:300] if on else "")
    problem.save()
    workflow.record(
        actor,
        f"problem.{flag}",
        problem,
        before=before,
        after=workflow.snapshot(problem, flag, f"{flag}_reason"),
        reason=reason,
    )
    return problem
