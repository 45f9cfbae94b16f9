"""Who sees which case and who may do what to it (DESIGN.md §1, §5).

- applicants: their own cases (a firm account also sees its firm's cases);
- an assistant (帮办代办) sees the cases they are assigned to;
- window clerks: cases of their service centre (received at its windows or online);
- dept staff: cases of their unit and cases where their unit has an approval task;
- supervisors, leaders, admins: all.
"""

from django.db.models import Exists, OuterRef, Q

from yingshang.cases.models import (
    Appointment,
    ApprovalTask,
    Case,
    CorrectionRequest,
    Document,
    Status,
    Verification,
)
from yingshang.cases.transitions import CASE
from yingshang.org import scope
from yingshang.org.roles import Role

DEPT = (Role.DEPT_HANDLER, Role.DEPT_HEAD)


def case_filter(grants) -> Q | None:
    """The Q of visible cases, or None for everyone."""
    if grants.has(Role.ADMIN) or grants.countywide:
        return None
    if not grants.is_authenticated:
        return Q(pk__in=[])
    q = Q(applicant_id=grants.user.pk) | Q(assistant_id=grants.user.pk)
    if grants.user.kind == "firm" and grants.user.firm_id:
        q |= Q(firm_id=grants.user.firm_id)
    centres = grants.units(Role.WINDOW_CLERK)
    if centres:
        q |= Q(centre_id__in=centres)
    dept_units = grants.units(*DEPT)
    if dept_units:
        tasks = ApprovalTask.objects.filter(case_id=OuterRef("pk"), unit_id__in=dept_units)
        q |= Q(unit_id__in=dept_units) | Exists(tasks)
    return q


def _cases(grants, qs):
    q = case_filter(grants)
    return qs if q is None else qs.filter(q)


def _via_case(grants, qs):
    q = case_filter(grants)
    if q is None:
        return qs
    return qs.filter(case__in=Case.objects.filter(q).values("pk"))


def _tasks(grants, qs):
    if grants.has(Role.ADMIN) or grants.countywide:
        return qs
    return _via_case(grants, qs)


def _appointments(grants, qs):
    if grants.has(Role.ADMIN) or grants.countywide:
        return qs
    if not grants.is_authenticated:
        return qs.none()
    centres = grants.units(Role.WINDOW_CLERK)
    return qs.filter(Q(user_id=grants.user.pk) | Q(slot__window__hall_id__in=centres))


# --- abilities -------------------------------------------------------------------------------
def is_owner(grants, case: Case) -> bool:
    user = grants.user
    if user is None:
        return False
    if case.applicant_id == user.pk or (case.assistant_id and case.assistant_id == user.pk):
        return True
    return user.kind == "firm" and user.firm_id is not None and case.firm_id == user.firm_id


def is_clerk(grants, case: Case) -> bool:
    return case.centre_id is not None and case.centre_id in grants.units(Role.WINDOW_CLERK)


def is_unit_staff(grants, case: Case) -> bool:
    return case.unit_id in grants.units(*DEPT)


def role_allows(grants, case: Case, action: str) -> bool:
    """Whether the actor's role lets them do `action` to this case (the state is checked apart)."""
    if not grants.is_authenticated:
        return False
    owner = is_owner(grants, case)
    clerk = is_clerk(grants, case)
    unit = is_unit_staff(grants, case)
    if action in ("resubmit", "supply_documents"):
        return owner or clerk
    if action == "withdraw":
        return owner
    if action in ("accept", "accept_with_deficit", "request_correction", "reject_intake"):
        return clerk
    if action == "approve_correction":
        return grants.has(Role.SUPERVISOR)
    if action in (
        "start_review",
        "decide",
        "special_procedure_start",
        "special_procedure_end",
        "add_opinion_task",
        "verify",
    ):
        return unit
    if action == "task_decide":
        return bool(grants.units(*DEPT)) and (
            unit or case.tasks.filter(unit_id__in=grants.units(*DEPT)).exists()
        )
    if action == "assign_assistant":
        return clerk or unit
    if action in ("deliver", "close"):
        return clerk or unit
    if action == "terminate":
        return clerk or unit
    if action == "revoke_decision":
        return unit
    return False


def case_abilities(grants, case: Case) -> dict[str, bool]:
    out = {"view": True}
    for action in CASE.moves:
        out[action] = role_allows(grants, case, action) and CASE.can(action, case.status)
    if out["decide"]:
        out["decide"] = (
            not case.deficit_open
            and not case.tasks.filter(status=ApprovalTask.Status.PENDING).exists()
        )
    if out["accept_with_deficit"]:
        out["accept_with_deficit"] = bool(case.deficit_signed_text_id) or case.channel == "window"
    out["credit_file"] = is_owner(grants, case) or clerk_or_unit(grants, case) or grants.countywide
    out["print_notices"] = True
    return out


def clerk_or_unit(grants, case) -> bool:
    return is_clerk(grants, case) or is_unit_staff(grants, case)


def task_can_decide(grants, task: ApprovalTask) -> bool:
    return (
        task.status == ApprovalTask.Status.PENDING
        and task.unit_id in grants.units(*DEPT)
        and task.case.status in (Status.ACCEPTED, Status.IN_REVIEW)
    )


scope.register(Case, _cases)
scope.register(ApprovalTask, _tasks)
scope.register(Document, _via_case)
scope.register(CorrectionRequest, _via_case)
scope.register(Verification, _via_case)
scope.register(Appointment, _appointments)
scope.register_abilities(Case, case_abilities)
