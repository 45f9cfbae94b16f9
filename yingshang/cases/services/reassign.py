"""改派 of a parallel-approval task (并联审批): a task routed to a unit that cannot act on it (no
account, wrong department) is moved to another unit, so no case waits forever.

Who: the head of the case's lead unit, the service centre the case came through (its clerks and
its head) or an administrator (cases/scopes.py, "reassign_task"). A reason is required; the
move is an audit event on the task and on the case, and the new unit is told.

The clock rule (docs/reassignment.md): the task keeps its working-day clock. Its start, its
pauses and its due date are unchanged — the deadline is the county's promise to the applicant
and does not move because the county routed the task to the wrong desk. The event records
the old unit and the working days the task already waited there, so a late decision can be
read against the time the new unit actually had."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.cases.models import ApprovalTask, Case
from yingshang.cases.services.common import PURPOSE_TASK
from yingshang.cases.transitions import CASE
from yingshang.errors import DomainError, InvalidInput
from yingshang.notify import services as notify
from yingshang.org.staff import reassign_checked, staff_of
from yingshang.workcal import calendar, clocks


def task_reassign(*, actor, task: ApprovalTask, unit, reason: str, at=None) -> ApprovalTask:
    """Move a pending task to `unit` (an active department or town other than its own)."""
    at = at or timezone.now()
    reason = reassign_checked(reason, unit, unit_field="unit_id")
    with transaction.atomic():
        # the actor is checked on the case (lead unit's head, the centre, an admin); the case
        # must be in review for its tasks to move
        case = workflow.acquire(actor, Case, task.case_id, action="reassign_task", table=CASE)
        task = ApprovalTask.objects.select_for_update().get(pk=task.pk, case=case)
        if task.status != ApprovalTask.Status.PENDING:
            raise DomainError("TASK_ALREADY_DONE", _("该任务已办理或已取消，不能改派"))
        if task.unit_id == unit.pk:
            raise InvalidInput(
                "REASSIGN_SAME_UNIT", _("新承办单位与原单位相同"), details={"field": "unit_id"}
            )
        old_unit_id = task.unit_id
        clock = clocks.clock_open(task, PURPOSE_TASK)
        waited = (
            max(
                calendar.working_days_between(
                    calendar.local_date(clock.started_at), calendar.local_date(at)
                ),
                0,
            )
            if clock is not None
            else 0
        )
        task.unit = unit
        task.save(update_fields=["unit"])
        after = {"unit": unit.pk, "due_at": task.due_at, "waited_working_days": waited}
        workflow.record(
            actor,
            "case.task_reassign",
            task,
            before={"unit": old_unit_id},
            after=after,
            reason=reason,
            subject=case,
        )
        workflow.record(
            actor,
            "case.task_reassign",
            case,
            before={"task": task.pk, "unit": old_unit_id},
            after={"task": task.pk, **after},
            reason=reason,
        )
        notify.send_to(
            staff_of(unit),
            body=_(
                "办件 %(no)s 的并联审批任务“%(title)s”已改派给贵单位（原因：%(reason)s），"
                "请于 %(due)s 前办理。"
            )
            % {
                "no": case.number,
                "title": task.title,
                "reason": reason,
                "due": calendar.local_date(task.due_at) if task.due_at else "—",
            },
            link=f"/staff/cases/{case.pk}/",
            related=task,
        )
    return task
