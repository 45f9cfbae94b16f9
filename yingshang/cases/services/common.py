"""What the case services share beyond the workflow kit: the clocks of a case (intake, case,
task), the first responder, and the applicant's messages (in-app, and SMS to the case's
contact phone)."""

import datetime as dt

from django.urls import reverse

from yingshang import audit, workflow
from yingshang.cases.models import ApprovalTask, Case, ClockState
from yingshang.notify import services as notify
from yingshang.workcal import clocks

INTAKE_DAYS = 5  # 行政许可法 Art. 32: decide on intake within 5 working days of receipt
PURPOSE_INTAKE = "intake"
PURPOSE_CASE = "case"
PURPOSE_TASK = "task"


def touch_first_responder(case: Case, actor) -> None:
    if actor and case.first_responder_id is None and actor.kind == "staff":
        case.first_responder = actor


def start_case_clock(case: Case, started_at: dt.datetime):
    days = case.promised_limit_days or case.legal_limit_days
    if days <= 0:  # 即办件: done on the spot, still measured in a day
        days = 1
    clock = clocks.clock_start(
        owner=case, purpose=PURPOSE_CASE, amount=days, unit="working_days", started_at=started_at
    )
    case.mirror(clock)
    return clock


def stop_all_case_clocks(case: Case, at=None) -> None:
    for purpose in (PURPOSE_INTAKE, PURPOSE_CASE):
        clocks.clock_stop_open(case, purpose, at=at)
    case.due_at = None
    case.clock_state = ClockState.STOPPED


def cancel_tasks(case: Case, at=None) -> None:
    for task in case.tasks.select_for_update().filter(status=ApprovalTask.Status.PENDING):
        clocks.clock_stop_open(task, PURPOSE_TASK, at=at)
        task.status = ApprovalTask.Status.CANCELLED
        task.clock_state = ClockState.STOPPED
        task.save(update_fields=["status", "clock_state"])


def notify_applicant(case: Case, body: str, *, sms: bool = True) -> None:
    """In-app message to the applicant and, with `sms`, a text to the case's contact phone (the
    number given with the application, else the account's). The signature is added by
    delivery (settings.SMS_SIGNATURE), never here."""
    notify.send_to(
        [case.applicant],
        body=body,
        subject=case.title,
        link=reverse("cases:my_case", args=[case.number]),
        related=case,
    )
    phone = case.contact_phone or case.applicant.mobile
    if sms and phone:
        notify.send(channel="sms", recipient=case.applicant, address=phone, body=body, related=case)


def record_early_closure(actor, case: Case, action: str, *, before, reason, due_before, kind: str):
    """The audit event of a case closed before a decision (withdrawn, refused at intake) and
    its entry in the suspicious-returns report (audit.record_return)."""
    event = workflow.record(
        actor,
        action,
        case,
        before=before,
        after={"status": case.status, "closure_kind": case.closure_kind},
        reason=reason,
    )
    audit.record_return(
        event=event,
        kind=kind,
        unit=case.unit,
        due_at=due_before,
        label=f"{case.number} {case.title}",
    )
    return event
