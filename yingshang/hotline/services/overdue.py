"""超期催办: the notice a unit gets the working day after its handling deadline passed."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.hotline.models import Supervision, WorkOrder
from yingshang.hotline.services._kit import S, fmt, now, tell_unit
from yingshang.workcal import calendar
from yingshang.workcal.models import Clock


def workorder_issue_overdue_notices(at: dt.datetime | None = None, *, order_ids=None) -> int:
    """For every order being handled whose deadline passed before today (a working day): one
    超期催办通知 per deadline, recorded (Supervision with a dedup key) so it never fires twice."""
    at = now(at)
    today = calendar.local_date(at)
    if not calendar.is_workday(today):
        return 0
    start_of_today = calendar.end_of_day(calendar.add_working_days(today, -1))
    issued = 0
    candidates = (
        WorkOrder.objects.filter(
            status__in=[S.AWAITING_SIGN, S.IN_PROGRESS], handle_due_at__lte=start_of_today
        )
        .exclude(main_unit=None)
        .values_list("pk", "handle_due_at")
    )
    if order_ids is not None:
        candidates = candidates.filter(pk__in=list(order_ids))
    for pk, due in list(candidates):
        key = f"overdue:{due.isoformat()}"
        if Supervision.objects.filter(order_id=pk, dedup_key=key).exists():
            continue
        try:
            with transaction.atomic():
                order = workflow.acquire(workflow.SYSTEM, WorkOrder, pk)
                rec = Supervision.objects.create(
                    order=order,
                    kind=Supervision.Kind.OVERDUE,
                    unit_id=order.main_unit_id,
                    created_at=at,
                    dedup_key=key,
                    note=_("工单已超过办理时限（%(d)s），请立即办理并答复。") % {"d": fmt(due)},
                )
                order.overdue_urged_at = at
                order.save(update_fields=["overdue_urged_at", "updated_at"])
                workflow.record(
                    workflow.SYSTEM,
                    "hotline.overdue_notice",
                    order,
                    after={"supervision_id": rec.pk, "due_at": due},
                    unit=order.main_unit_id,
                )
                tell_unit(order, rec.note)
                issued += 1
        except IntegrityError:
            continue  # another worker issued it
    return issued


def on_clock_transition(new_state: str, moved) -> None:
    """The clock sweep marks a handling clock overdue just after its deadline. If that moment
    is already the next working day (e.g. the sweep runs after midnight before a working day),
    the 催办 notice goes out at once; otherwise the periodic task issues it on the next working
    day. Either way workorder_issue_overdue_notices records it, so it is never sent twice."""
    if new_state != Clock.State.OVERDUE:
        return
    ids = [int(m.owner_id) for m in moved if m.purpose == "handle"]
    if ids:
        workorder_issue_overdue_notices(order_ids=ids)
