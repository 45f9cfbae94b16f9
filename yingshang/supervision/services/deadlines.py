"""Deadlines: the supervisor extends one; the sweep escalates overdue problems and milestones;
reminders go 3 working days before each milestone and the deadline, once."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import DomainError, InvalidInput
from yingshang.org.roles import Role
from yingshang.supervision import transitions as t
from yingshang.supervision.models import Milestone, Problem, Reminder
from yingshang.supervision.services.common import (
    DEADLINE,
    MILESTONE,
    check_date,
    supervisors,
    tell,
    unit_staff,
)
from yingshang.workcal import calendar, clocks
from yingshang.workcal.models import Clock

REMIND_WORKING_DAYS = 3


@transaction.atomic
def problem_extend(*, actor, problem: Problem, deadline: dt.date, reason: str, at=None) -> Problem:
    """延期: the supervisor moves the deadline later (by working days on the deadline clock)."""
    problem = workflow.lock(actor, problem, action="extend", table=t.problem_table)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("REASON_REQUIRED", _("请填写延期理由"))
    check_date(deadline, _("新的整改时限"))
    clock = clocks.clock_open(problem, DEADLINE)
    if clock is None:
        raise DomainError("PROBLEM_NO_DEADLINE_CLOCK", _("该问题没有可延长的整改时限"))
    current_day = calendar.local_date(problem.deadline_at)
    # in the clock's own unit: a kept rest-day deadline of an import runs in natural days
    natural = clock.limit_unit == "natural_days"
    amount = (
        (deadline - current_day).days
        if natural
        else calendar.working_days_between(current_day, deadline)
    )
    if amount < 1:
        raise InvalidInput(
            "PROBLEM_EXTEND_NOT_LATER",
            _("新的整改时限须晚于原时限（%(day)s）且至少多一个工作日")
            % {"day": current_day.isoformat()},
        )
    at = at or timezone.now()
    before = workflow.snapshot(problem, "deadline_at", "overdue")
    clock = clocks.clock_extend(clock=clock, amount=amount, reason=reason, at=at)
    if clock.due_at is not None:
        problem.deadline_at = clock.due_at
        problem.overdue = clock.state == Clock.State.OVERDUE
    elif natural:  # paused while awaiting verification: the deadline moves by as much
        problem.deadline_at = calendar.end_of_day(deadline)
    else:
        problem.deadline_at = calendar.end_of_day(calendar.add_working_days(current_day, amount))
    problem.save(update_fields=["deadline_at", "overdue", "updated_at"])
    workflow.record(
        actor,
        "problem.extend",
        problem,
        before=before,
        after=workflow.snapshot(problem, "deadline_at", "overdue"),
        reason=reason,
    )
    tell(
        unit_staff(problem.owner_unit_id),
        subject=_("整改时限已延长"),
        body=_("问题%(number)s的整改时限延长至%(day)s。")
        % {"number": problem.number, "day": calendar.local_date(problem.deadline_at).isoformat()},
        problem=problem,
    )
    return problem


# --- clocks moved by the sweep: overdue escalation to the unit head and the supervisors -----------
def _escalate(problem: Problem, sups: list, action: str, after: dict, reason, subject, body):
    workflow.record(
        workflow.SYSTEM, action, problem, after=after, unit=problem.owner_unit_id, reason=reason
    )
    tell(
        unit_staff(problem.owner_unit_id, (Role.DEPT_HEAD,)) + sups,
        subject=subject,
        body=body,
        problem=problem,
        sms=True,
    )


def on_problem_clock(new_state: str, moved) -> None:
    if new_state != Clock.State.OVERDUE:
        return
    ids = [int(m.owner_id) for m in moved if m.purpose == DEADLINE]
    problems = list(
        Problem.objects.filter(pk__in=ids, status__in=t.OPEN).select_related("owner_unit")
    )
    Problem.objects.filter(pk__in=[p.pk for p in problems]).update(overdue=True)
    sups = supervisors()
    for problem in problems:
        _escalate(
            problem,
            sups,
            "problem.overdue",
            {"overdue": True},
            _("超过整改时限"),
            _("问题整改逾期"),
            _("问题%(number)s（%(unit)s）已超过整改时限，请督促整改。")
            % {"number": problem.number, "unit": problem.owner_unit.display_name},
        )


def on_milestone_clock(new_state: str, moved) -> None:
    if new_state != Clock.State.OVERDUE:
        return
    ids = [int(m.owner_id) for m in moved if m.purpose == MILESTONE]
    milestones = list(
        Milestone.objects.filter(
            pk__in=ids, done_at__isnull=True, problem__status__in=t.OPEN
        ).select_related("problem__owner_unit")
    )
    Milestone.objects.filter(pk__in=[m.pk for m in milestones]).update(overdue=True)
    sups = supervisors()
    for ms in milestones:
        _escalate(
            ms.problem,
            sups,
            "problem.milestone_overdue",
            {"milestone": ms.title, "overdue": True},
            _("整改节点逾期"),
            _("整改节点逾期"),
            _("问题%(number)s的整改节点“%(title)s”已逾期。")
            % {"number": ms.problem.number, "title": ms.title},
        )


clocks.on_transition("supervision.problem", on_problem_clock)
clocks.on_transition("supervision.milestone", on_milestone_clock)


# --- reminders ----------------------------------------------------------------------------------
def problem_send_reminders(now: dt.datetime | None = None) -> int:
    """The periodic job: one reminder per deadline and per milestone due within
    REMIND_WORKING_DAYS working days (a moved deadline is reminded again)."""
    now = now or timezone.now()
    horizon = calendar.end_of_day(
        calendar.add_working_days(calendar.local_date(now), REMIND_WORKING_DAYS)
    )
    sent = 0
    reminded = Reminder.objects.filter(
        problem_id=OuterRef("pk"),
        milestone__isnull=True,
        kind="deadline",
        due_at=OuterRef("deadline_at"),
    )
    problems = (
        Problem.objects.filter(
            status__in=t.WORKING | {t.ASSIGNED}, deadline_at__gt=now, deadline_at__lte=horizon
        )
        .exclude(Exists(reminded))
        .select_related("owner_unit")[:2000]
    )
    for problem in problems:
        body = _("问题%(number)s将于%(due)s到期，请按时完成整改。") % {
            "number": problem.number,
            "due": timezone.localtime(problem.deadline_at).strftime("%Y-%m-%d"),
        }
        if _remind_once(problem, None, "deadline", problem.deadline_at, body, now):
            sent += 1
    ms_reminded = Reminder.objects.filter(
        milestone_id=OuterRef("pk"), kind="milestone", due_at=OuterRef("due_at")
    )
    milestones = (
        Milestone.objects.filter(
            done_at__isnull=True,
            problem__status__in=t.WORKING | {t.ASSIGNED},
            due_at__gt=now,
            due_at__lte=horizon,
        )
        .exclude(Exists(ms_reminded))
        .select_related("problem__owner_unit")[:2000]
    )
    for ms in milestones:
        body = _("问题%(number)s的整改节点“%(title)s”将于%(due)s到期。") % {
            "number": ms.problem.number,
            "title": ms.title,
            "due": timezone.localtime(ms.due_at).strftime("%Y-%m-%d"),
        }
        if _remind_once(ms.problem, ms, "milestone", ms.due_at, body, now):
            sent += 1
    return sent


def _remind_once(problem, milestone, kind, due_at, body, now) -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(
                problem=problem, milestone=milestone, kind=kind, due_at=due_at, sent_at=now
            )
            workflow.record(
                workflow.SYSTEM,
                "problem.remind",
                problem,
                after={"kind": kind, "due_at": due_at},
                unit=problem.owner_unit_id,
                reason=body,
            )
            tell(
                unit_staff(problem.owner_unit_id),
                subject=_("整改到期提醒"),
                body=body,
                problem=problem,
                sms=True,
            )
        return True
    except IntegrityError:  # another worker sent it
        return False
