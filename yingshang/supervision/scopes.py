"""Who sees which problems: a unit sees the problems it owns or co-owns; supervisors and
leaders (countywide) and admins see all."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingshang import workflow
from yingshang.org import scope, tenancy
from yingshang.org.roles import Role
from yingshang.supervision import transitions as t
from yingshang.supervision.models import (
    Category,
    Evidence,
    ImportJob,
    InspectionForm,
    Milestone,
    Problem,
    ProblemCoUnit,
    ProgressReport,
    UnitAlias,
)

UNIT_WORK_ROLES = (Role.DEPT_HANDLER, Role.DEPT_HEAD)


def _problems(grants, qs):
    if grants.sees_all:
        return qs
    if not grants.is_authenticated:
        return qs.none()
    units = grants.units()
    if not units:
        return qs.none()
    co = ProblemCoUnit.objects.filter(unit_id__in=units).values("problem_id")
    return qs.filter(Q(owner_unit_id__in=units) | Q(pk__in=co))


def problem_parts(grants, qs) -> list:
    """`qs` (already limited by visible_to) cut into disjoint parts whose conditions can use
    the (owner_unit, status, …) indexes, for counts: a unit user's problems are those its units
    own, plus those they co-own but do not own (_problems joins both with OR, which makes
    PostgreSQL visit every row of a status). Countywide: the queryset itself. Keep in step
    with _problems."""
    if grants.sees_all:
        return [qs]
    units = grants.units() if grants.is_authenticated else []
    if not units:
        return [qs.none()]
    co = ProblemCoUnit.objects.filter(unit_id__in=units).values("problem_id")
    return [
        qs.filter(owner_unit_id__in=units),
        qs.filter(pk__in=co).exclude(owner_unit_id__in=units),
    ]


def _children(field):
    def rule(grants, qs):
        if grants.sees_all:
            return qs
        visible = _problems(grants, Problem.objects.all()).values("pk")
        return qs.filter(**{f"{field}__in": visible})

    return rule


def _public(grants, qs):
    return qs if grants.is_authenticated else qs.none()


def _forms(grants, qs):
    if grants.sees_all:
        return qs
    if not grants.is_staff_member:
        return qs.none()
    return qs.exclude(status=InspectionForm.Status.DRAFT)


def _imports(grants, qs):
    if grants.has(Role.SUPERVISOR, Role.ADMIN):
        return qs
    if not grants.is_authenticated:
        return qs.none()
    return qs.filter(created_by=grants.user)


def is_supervisor(grants) -> bool:
    return grants.has(Role.SUPERVISOR)


def works_on(grants, problem) -> str:
    """'owner', 'co' or '' — how the user's units relate to the problem."""
    units = grants.units(*UNIT_WORK_ROLES)
    if problem.owner_unit_id in units:
        return "owner"
    if units and ProblemCoUnit.objects.filter(problem=problem, unit_id__in=units).exists():
        return "co"
    return ""


def problem_abilities(grants, problem) -> dict[str, workflow.Ability]:
    """What the user may do with the problem now. A move the state does not allow is a bare
    False (the service answers with the table's precise 409); a state that allows it but a user
    who may not is refused with the reason the page shows."""
    state = problem.status
    can = t.problem_table.can
    sup = is_supervisor(grants)
    rel = works_on(grants, problem) if grants.is_authenticated else ""
    owner = workflow.allow(rel == "owner", "PROBLEM_NOT_OWNER", _("不是本单位牵头整改的问题"))
    working = workflow.allow(bool(rel), "PROBLEM_NOT_OURS", _("不是本单位牵头或配合整改的问题"))
    supervisor = workflow.allow(
        sup, "PROBLEM_SUPERVISOR_ONLY", _("只有营商办督查人员可以执行此操作")
    )
    flagger = workflow.allow(
        sup or grants.has(Role.LEADER), "PROBLEM_FLAG_FORBIDDEN", _("只有督查人员或县领导可以标记")
    )
    planner = workflow.allow(
        sup or rel == "owner", "PROBLEM_NOT_OWNER", _("不是本单位牵头整改的问题")
    )
    return {
        "claim": can("claim", state) and owner,
        "report": can("report", state) and working,
        "request_closure": can("request_closure", state) and owner,
        "close": can("close", state) and supervisor,
        "reopen": can("reopen", state) and supervisor,
        "void": can("void", state) and supervisor,
        "flag": can("flag", state) and flagger,
        "plan": can("plan", state) and planner,
        "milestone_done": can("milestone_done", state) and owner,
        "extend": can("extend", state) and supervisor,
    }


def may_create(grants) -> workflow.Ability:
    """Registering problems and publishing self-inspection forms: the supervisors' work."""
    return workflow.allow(
        grants.has(Role.SUPERVISOR, Role.ADMIN),
        "PROBLEM_CREATE_FORBIDDEN",
        _("只有营商办督查人员可以登记问题"),
    )


def may_create_from_patterns(grants) -> workflow.Ability:
    """Turning patterns in other modules' data into problems: a supervisor's decision."""
    return workflow.allow(
        grants.has(Role.SUPERVISOR),
        "PROBLEM_CREATE_FORBIDDEN",
        _("只有营商办督查人员可以登记问题"),
    )


def may_report_for(grants, unit) -> workflow.Ability:
    """A self-inspection form is filled in only in the name of one's own unit."""
    return workflow.allow(
        unit.pk in grants.units(*UNIT_WORK_ROLES),
        "FORM_UNIT_FORBIDDEN",
        _("只能以本单位名义填报自查表"),
    )


def audit_role(grants, obj) -> tuple[str, int | None]:
    """The capacity a person acted in, stamped on every audit event of the ledger: a supervisor
    as supervisor; unit staff in the role they hold in the problem's owner unit (else their
    first unit); otherwise their first role, for the owner unit."""
    owner_unit = getattr(obj, "owner_unit_id", None)
    if grants.has(Role.SUPERVISOR):
        units = sorted(grants.units(Role.SUPERVISOR))
        return Role.SUPERVISOR, (units[0] if units else None)
    for role in (Role.DEPT_HEAD, Role.DEPT_HANDLER, Role.LEADER):
        units = grants.units(role)
        if units:
            if owner_unit is not None and owner_unit in units:
                return role, owner_unit
            return role, sorted(units)[0]
    return (sorted(grants.roles)[0] if grants.roles else ""), owner_unit


scope.register(Problem, _problems, tenant="owner_unit")
scope.register_abilities(Problem, problem_abilities)
scope.register(Milestone, _children("problem"), tenant="problem__owner_unit")
scope.register(ProgressReport, _children("problem"), tenant="problem__owner_unit")
scope.register(Evidence, _children("problem"), tenant="problem__owner_unit")
scope.register(Category, _public, tenant=tenancy.SHARED)
scope.register(InspectionForm, _forms, tenant=tenancy.created_in)
scope.register(ImportJob, _imports, tenant=tenancy.created_in)
scope.register(UnitAlias, _public, tenant="unit")  # the names imports accept: no secret
for _model in (Problem, InspectionForm, ImportJob, UnitAlias):
    workflow.register_audit_role(_model, audit_role)
