"""Shared pieces of the case services: actor checks, locking, clocks, notifications."""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.cases import scopes
from yingshang.cases.models import ApprovalTask, Case, CaseCounter, ClockState
from yingshang.cases.transitions import CASE
from yingshang.errors import PermissionDeniedError
from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.org.scope import grants
from yingshang.workcal import calendar, clocks

INTAKE_DAYS = 5  # 行政许可法 Art. 32: decide on intake within 5 working days of receipt
PURPOSE_INTAKE = "intake"
PURPOSE_CASE = "case"
PURPOSE_TASK = "task"


def lock(actor, case_or_pk, action: str, *, system: bool = False) -> Case:
    """Fetch the case through the actor's scope (404 outside it), lock it, check the actor's
    role (403) and the move (409)."""
    pk = getattr(case_or_pk, "pk", case_or_pk)
    if system:
        case = Case.objects.select_for_update().get(pk=pk)
    else:
        case = scope.get_for(actor, Case, pk, queryset=Case.objects.select_for_update())
        if not scopes.role_allows(grants(actor), case, action):
            raise PermissionDeniedError(
                f"CASE_{action.upper()}_FORBIDDEN", _("您无权对该办件执行此操作")
            )
    CASE.check(action, case.status)
    return case


def actor_role(actor, case: Case | None = None) -> tuple[str, object]:
    """(role, unit) to stamp on audit events."""
    if actor is None:
        return "", None
    g = grants(actor)
    if case is not None:
        if scopes.is_owner(g, case):
            return Role.APPLICANT, None
        if scopes.is_clerk(g, case):
            return Role.WINDOW_CLERK, case.centre_id
        if scopes.is_unit_staff(g, case):
            return (
                Role.DEPT_HEAD if case.unit_id in g.units(Role.DEPT_HEAD) else Role.DEPT_HANDLER
            ), case.unit_id
    for role in (
        Role.SUPERVISOR,
        Role.DEPT_HEAD,
        Role.DEPT_HANDLER,
        Role.WINDOW_CLERK,
        Role.APPLICANT,
        Role.ADMIN,
    ):
        if g.has(role):
            units = g.units(role)
            return role, (next(iter(units)) if units else None)
    return "", None


def record(actor, action: str, case: Case, *, before=None, after=None, reason: str = "", obj=None):
    role, unit = actor_role(actor, case)
    return audit.record(
        actor=actor,
        action=action,
        obj=obj or case,
        before=before,
        after=after,
        reason=reason,
        role=role,
        unit=unit,
    )


def next_number(at: dt.datetime) -> str:
    """The day's next case number, in one statement (the counter row stays locked until the
    transaction ends, so callers take it last)."""
    day = calendar.local_date(at)
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "  # noqa: S608 (table name from the model)
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [day.isoformat()],
        )
        last = cur.fetchone()[0]
    return f"YS{day:%Y%m%d}{last:06d}"


def touch_first_responder(case: Case, actor) -> None:
    if actor is not None and case.first_responder_id is None and actor.kind == "staff":
        case.first_responder = actor


# --- clocks ---------------------------------------------------------------------------------
def clock_of(owner, purpose: str):
    return clocks.clocks_of(owner, purpose).exclude(state="stopped").order_by("-id").first()


def sync_case_clock(case: Case, clock) -> None:
    """Copy the running clock's due_at and state onto the case (queues sort by them)."""
    if clock is None:
        case.due_at = None
        case.clock_state = ""
        return
    case.due_at = clock.due_at
    case.clock_state = clock.state


def start_case_clock(case: Case, started_at: dt.datetime):
    days = case.promised_limit_days or case.legal_limit_days
    if days <= 0:  # 即办件: done on the spot, still measured in a day
        days = 1
    clock = clocks.clock_start(
        owner=case, purpose=PURPOSE_CASE, amount=days, unit="working_days", started_at=started_at
    )
    sync_case_clock(case, clock)
    return clock


def stop_clock(owner, purpose: str, at=None):
    clock = clock_of(owner, purpose)
    if clock is not None:
        clock = clocks.clock_stop(clock=clock, at=at)
    return clock


def stop_all_case_clocks(case: Case, at=None) -> None:
    for purpose in (PURPOSE_INTAKE, PURPOSE_CASE):
        stop_clock(case, purpose, at)
    case.due_at = None
    case.clock_state = ClockState.STOPPED


def cancel_tasks(case: Case, at=None) -> None:
    for task in case.tasks.select_for_update().filter(status=ApprovalTask.Status.PENDING):
        stop_clock(task, PURPOSE_TASK, at)
        task.status = ApprovalTask.Status.CANCELLED
        task.clock_state = ClockState.STOPPED
        task.save(update_fields=["status", "clock_state"])


# --- notifications --------------------------------------------------------------------------
def notify_applicant(case: Case, body: str, *, sms: bool = True) -> None:
    from django.urls import reverse

    from yingshang.notify import services as notify

    link = reverse("cases:my_case", args=[case.number])
    notify.send(
        channel="inapp",
        recipient=case.applicant,
        subject=case.title,
        body=body,
        link=link,
        related=case,
    )
    if sms and (case.contact_phone or case.applicant.mobile):
        notify.send(
            channel="sms",
            recipient=case.applicant,
            address=case.contact_phone or case.applicant.mobile or "",
            body=f"【营商通】{body}",
            related=case,
        )


def notify_unit(unit_id, body: str, *, related, link: str = "") -> None:
    """In-app message to every dept handler/head of the unit (reminders, 催办)."""
    from yingshang.notify import services as notify
    from yingshang.org.models import RoleAssignment

    users = (
        RoleAssignment.objects.filter(
            unit_id=unit_id, revoked_at__isnull=True, role__in=[Role.DEPT_HANDLER, Role.DEPT_HEAD]
        )
        .select_related("user")
        .order_by("user_id")
    )
    seen = set()
    for ra in users:
        if ra.user_id in seen:
            continue
        seen.add(ra.user_id)
        notify.send(channel="inapp", recipient=ra.user, body=body, link=link, related=related)


def now_or(at):
    return at or timezone.now()


def atomic(*, savepoint: bool = True):
    return transaction.atomic(savepoint=savepoint)
