"""Who sees which case and who may do what to it (DESIGN.md §1, §5).

- applicants: their own cases (a firm account also sees its firm's cases);
- an assistant (帮办代办) sees the cases they are assigned to;
- window clerks: cases of their service centre (received at its windows or online);
- dept staff: cases of their unit and cases where their unit has an approval task;
- supervisors, leaders, admins: all.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from yingshang import workflow
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
    if grants.sees_all:
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
    if grants.sees_all:
        return qs
    return _via_case(grants, qs)


def _appointments(grants, qs):
    if grants.sees_all:
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


def clerk_or_unit(grants, case) -> bool:
    return is_clerk(grants, case) or is_unit_staff(grants, case)


def _has_task(grants, case: Case) -> bool:
    """Staff of the case's unit, or of a unit with an approval task on it."""
    units = grants.units(*DEPT)
    return bool(units) and (case.unit_id in units or case.tasks.filter(unit_id__in=units).exists())


def _supervisor(grants, case: Case) -> bool:
    return grants.has(Role.SUPERVISOR)


def is_lead_head(grants, case: Case) -> bool:
    return case.unit_id in grants.units(Role.DEPT_HEAD)


def is_centre(grants, case: Case) -> bool:
    """The service centre the case came through: its window clerks and its head."""
    return case.centre_id is not None and case.centre_id in grants.units(
        Role.WINDOW_CLERK, Role.DEPT_HEAD
    )


def _admin(grants, case: Case) -> bool:
    return grants.has(Role.ADMIN)


# who may make each move of the case (its state is the transition table's business)
WHO = {
    "resubmit": (is_owner, is_clerk),
    "supply_documents": (is_owner, is_clerk),
    "review_supplement": (is_clerk, is_unit_staff),
    "withdraw": (is_owner,),
    "accept": (is_clerk,),
    "accept_with_deficit": (is_clerk,),
    "request_correction": (is_clerk,),
    "reject_intake": (is_clerk,),
    "approve_correction": (_supervisor,),
    "start_review": (is_unit_staff,),
    "decide": (is_unit_staff,),
    "special_procedure_start": (is_unit_staff,),
    "special_procedure_end": (is_unit_staff,),
    "add_opinion_task": (is_unit_staff,),
    "verify": (is_unit_staff,),
    "revoke_decision": (is_unit_staff,),
    "task_decide": (_has_task,),
    # 改派 a parallel task (cases/services/reassign.py)
    "reassign_task": (is_lead_head, is_centre, _admin),
    "assign_assistant": (is_clerk, is_unit_staff),
    "deliver": (is_clerk, is_unit_staff),
    "close": (is_clerk, is_unit_staff),
    "terminate": (is_clerk, is_unit_staff),
}
FORBIDDEN = _("您无权对该办件执行此操作")
# who a refusal names, so the page can say why a button is missing
WHO_LABELS = {
    is_owner: _("申请人本人或其帮办代办员"),
    is_clerk: _("收件大厅的窗口工作人员"),
    is_unit_staff: _("承办单位的经办人或负责人"),
    _has_task: _("持有本单位审批任务的部门人员"),
    _supervisor: _("营商办督查人员"),
    is_lead_head: _("牵头单位负责人"),
    is_centre: _("政务服务中心"),
    _admin: _("系统管理员"),
}


def _only(action: str) -> str:
    names = [str(WHO_LABELS[rule]) for rule in WHO.get(action, ()) if rule in WHO_LABELS]
    if not names:
        return str(FORBIDDEN)
    return _("只有%(who)s可以执行此操作") % {"who": _("或").join(names)}


def role_allows(grants, case: Case, action: str) -> bool:
    """Whether the actor's role lets them do `action` to this case (the state is checked apart)."""
    if not grants.is_authenticated:
        return False
    return any(rule(grants, case) for rule in WHO.get(action, ()))


def case_abilities(grants, case: Case) -> dict:
    """Each move: allowed to this actor in this state, or refused with CASE_<MOVE>_FORBIDDEN
    (workflow.acquire's gate: a move the state forbids becomes the table's precise 409).
    `decide_ready` / `accept_with_deficit_ready` say whether the page offers the button now."""
    out: dict = {"view": True}
    for action in CASE.moves:
        code = f"CASE_{action.upper()}_FORBIDDEN"
        if not CASE.can(action, case.status):
            out[action] = workflow.Denied(
                code,
                _("办件当前为“%(status)s”，不能执行此操作") % {"status": case.status_label},
            )
        elif not role_allows(grants, case, action):
            out[action] = workflow.Denied(code, _only(action))
        else:
            out[action] = True
    out["decide_ready"] = bool(out["decide"]) and decide_ready(case)
    out["accept_with_deficit_ready"] = bool(out["accept_with_deficit"]) and workflow.allow(
        bool(case.deficit_signed_text_id) or case.channel == "window",
        "DEFICIT_NOT_SIGNED",
        _("申请人尚未签署容缺受理承诺书"),
    )
    out["credit_file"] = is_owner(grants, case) or clerk_or_unit(grants, case) or grants.countywide
    out["print_notices"] = True
    return out


def decide_ready(case: Case):
    """The decision waits for every parallel opinion and for the 容缺 materials (case_decide
    refuses with the same codes)."""
    if case.tasks.filter(status=ApprovalTask.Status.PENDING).exists():
        return workflow.Denied("CASE_TASKS_PENDING", _("并联审批任务未全部办结"))
    if case.deficit_open:
        return workflow.Denied("CASE_DEFICIT_OPEN", _("容缺材料尚未补齐"))
    return True


def task_abilities(grants, task: ApprovalTask) -> dict:
    """A parallel-approval task is decided by its own unit's staff (the task's state and the
    case's move are checked by task_decide)."""
    mine = task.unit_id in grants.units(*DEPT)
    return {
        "view": True,
        "decide": workflow.allow(mine, "TASK_FORBIDDEN", _("只能办理本单位的审批任务")),
    }


def task_can_decide(grants, task: ApprovalTask) -> bool:
    return (
        task.status == ApprovalTask.Status.PENDING
        and task.unit_id in grants.units(*DEPT)
        and task.case.status in (Status.ACCEPTED, Status.IN_REVIEW)
    )


# --- the capacity an audit event records ----------------------------------------------------
FALLBACK_ROLES = (
    Role.SUPERVISOR,
    Role.DEPT_HEAD,
    Role.DEPT_HANDLER,
    Role.WINDOW_CLERK,
    Role.APPLICANT,
    Role.ADMIN,
)


def case_audit_role(grants, case: Case):
    """The applicant (or their firm/assistant), the centre's clerk, the unit's head or handler;
    anyone else in their most senior case role."""
    if is_owner(grants, case):
        return Role.APPLICANT, None
    if is_clerk(grants, case):
        return Role.WINDOW_CLERK, case.centre_id
    if is_unit_staff(grants, case):
        head = case.unit_id in grants.units(Role.DEPT_HEAD)
        return (Role.DEPT_HEAD if head else Role.DEPT_HANDLER), case.unit_id
    return workflow.first_role(grants, FALLBACK_ROLES)


def task_audit_role(grants, task: ApprovalTask):
    """A task is decided as the handler of its unit."""
    return Role.DEPT_HANDLER, task.unit_id


scope.register(Case, _cases, tenant="unit")
scope.register(ApprovalTask, _tasks, tenant="case__unit")
scope.register(Document, _via_case, tenant="case__unit")
scope.register(CorrectionRequest, _via_case, tenant="case__unit")
scope.register(Verification, _via_case, tenant="case__unit")
scope.register(Appointment, _appointments, tenant="slot__window__hall")
scope.register_abilities(Case, case_abilities)
scope.register_abilities(ApprovalTask, task_abilities)
workflow.register_audit_role(Case, case_audit_role)
workflow.register_audit_role(ApprovalTask, task_audit_role)
