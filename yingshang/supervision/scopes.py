"""Who sees which problems: a unit sees the problems it owns or co-owns; supervisors and
leaders (countywide) and admins see all."""

from django.db.models import Q

from yingshang.org import scope
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
)

UNIT_WORK_ROLES = (Role.DEPT_HANDLER, Role.DEPT_HEAD)


def _problems(grants, qs):
    if grants.countywide or grants.has(Role.ADMIN):
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
    if grants.countywide or grants.has(Role.ADMIN):
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
        if grants.countywide or grants.has(Role.ADMIN):
            return qs
        visible = _problems(grants, Problem.objects.all()).values("pk")
        return qs.filter(**{f"{field}__in": visible})

    return rule


def _public(grants, qs):
    return qs if grants.is_authenticated else qs.none()


def _forms(grants, qs):
    if grants.countywide or grants.has(Role.ADMIN):
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


def problem_abilities(grants, problem) -> dict[str, bool]:
    state = problem.status
    sup = is_supervisor(grants)
    rel = works_on(grants, problem) if grants.is_authenticated else ""
    owner = rel == "owner"
    return {
        "claim": owner and t.problem_table.can("claim", state),
        "report": bool(rel) and t.problem_table.can("report", state),
        "request_closure": owner and t.problem_table.can("request_closure", state),
        "close": sup and t.problem_table.can("close", state),
        "reopen": sup and t.problem_table.can("reopen", state),
        "void": sup and t.problem_table.can("void", state),
        "flag": (sup or grants.has(Role.LEADER)) and t.problem_table.can("flag", state),
        "plan": (sup or owner) and t.problem_table.can("plan", state),
        "milestone_done": owner and t.problem_table.can("milestone_done", state),
        "extend": sup and t.problem_table.can("extend", state),
    }


scope.register(Problem, _problems)
scope.register_abilities(Problem, problem_abilities)
scope.register(Milestone, _children("problem"))
scope.register(ProgressReport, _children("problem"))
scope.register(Evidence, _children("problem"))
scope.register(Category, _public)
scope.register(InspectionForm, _forms)
scope.register(ImportJob, _imports)
