"""Closing a case before its decision: withdrawal by the applicant, termination (容缺 breach)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.cases.models import Case, ClosureKind
from yingshang.cases.services.common import (
    cancel_tasks,
    notify_applicant,
    record_early_closure,
    stop_all_case_clocks,
)
from yingshang.cases.transitions import CASE
from yingshang.credit import services as credit_services
from yingshang.credit.models import Commitment
from yingshang.errors import InvalidInput


def case_withdraw(*, actor, case, reason: str = "", at=None) -> Case:
    at = at or timezone.now()
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action="withdraw", table=CASE)
        before = {"status": case.status}
        due_before = case.due_at
        stop_all_case_clocks(case, at)
        cancel_tasks(case, at)
        case.status = CASE.target("withdraw", case.status)
        case.closure_kind = ClosureKind.WITHDRAWN
        case.closure_reason = reason
        case.closed_at = at
        case.deficit_open = False
        case.save()
        record_early_closure(
            actor,
            case,
            "case.withdraw",
            before=before,
            reason=reason,
            due_before=due_before,
            kind="withdraw",
        )
    return case


def case_terminate(*, actor, case, reason: str, at=None) -> Case:
    """终止办理 (容缺 breach or a false commitment; the deadline sweep acts as workflow.SYSTEM).
    Marks an open 容缺 commitment broken."""
    at = at or timezone.now()
    if not (reason or "").strip():
        raise InvalidInput("REASON_REQUIRED", _("请填写终止办理的原因"))
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action="terminate", table=CASE)
        before = {"status": case.status}
        stop_all_case_clocks(case, at)
        cancel_tasks(case, at)
        case.status = CASE.target("terminate", case.status)
        case.closure_kind = ClosureKind.TERMINATED
        case.closure_reason = reason
        case.closed_at = at
        broke = case.deficit_open
        case.deficit_open = False
        case.save()
        if broke:
            for c in Commitment.objects.filter(
                case=case, kind=Commitment.Kind.DEFICIT, status=Commitment.Status.PENDING
            ):
                credit_services.commitment_resolve(
                    actor=actor, commitment=c, status=Commitment.Status.BROKEN, note=reason, at=at
                )
        workflow.record(
            actor,
            "case.terminate",
            case,
            before=before,
            after={
                "status": case.status,
                "closure_kind": case.closure_kind,
                "commitment_broken": broke,
            },
            reason=reason,
        )
        notify_applicant(
            case,
            _("您的申请“%(title)s”（%(no)s）已终止办理：%(reason)s")
            % {"title": case.title, "no": case.number, "reason": reason},
        )
    return case
