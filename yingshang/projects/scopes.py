"""Who sees which project and who may move its stages.

- the owner firm's accounts (and the account that registered it): their projects;
- department staff: projects of which their unit leads a stage or holds a parallel task;
- window clerks, supervisors, leaders, admins: all (the 综合窗口 serves every project).
Key projects: leaders, supervisors, admins all; units their own (lead or 四帮四保 helper); the
firm its own."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from yingshang import workflow
from yingshang.cases.models import ApprovalTask
from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.projects.models import (
    KeyProject,
    KeyProjectHelper,
    Project,
    ProjectStage,
    StageDefinition,
)

DEPT = (Role.DEPT_HANDLER, Role.DEPT_HEAD)


def project_filter(grants) -> Q | None:
    if grants.sees_all or grants.units(Role.WINDOW_CLERK):
        return None
    if not grants.is_authenticated:
        return Q(pk__in=[])
    user = grants.user
    q = Q(owner_id=user.pk)
    if user.kind == "firm" and user.firm_id:
        q |= Q(firm_id=user.firm_id)
    units = grants.units(*DEPT)
    if units:
        leads = StageDefinition.objects.filter(
            project_type_id=OuterRef("project_type_id"), package__lead_unit_id__in=units
        )
        tasks = ApprovalTask.objects.filter(
            unit_id__in=units, case__project_stage__project_id=OuterRef("pk")
        )
        q |= Exists(leads) | Exists(tasks)
    return q


def _projects(grants, qs):
    q = project_filter(grants)
    return qs if q is None else qs.filter(q)


def _stages(grants, qs):
    q = project_filter(grants)
    return qs if q is None else qs.filter(project__in=Project.objects.filter(q).values("pk"))


def is_owner(grants, project: Project) -> bool:
    user = grants.user
    if user is None or not grants.is_authenticated:
        return False
    return project.owner_id == user.pk or (
        user.kind == "firm" and user.firm_id is not None and user.firm_id == project.firm_id
    )


def _lead_staff(grants, stage: ProjectStage) -> bool:
    return stage.lead_unit_id in grants.units(*DEPT)


def _task_staff(grants, stage: ProjectStage) -> bool:
    units = grants.units(*DEPT)
    return (
        bool(units)
        and stage.case_id is not None
        and (
            ApprovalTask.objects.filter(
                case_id=stage.case_id, unit_id__in=units, status=ApprovalTask.Status.PENDING
            ).exists()
        )
    )


def stage_abilities(grants, stage: ProjectStage) -> dict:
    owner = is_owner(grants, stage.project)
    return {
        "submit": workflow.allow(owner, "PROJECT_NOT_OWNER", _("只有建设单位可以申报")),
        "resubmit": workflow.allow(owner, "PROJECT_NOT_OWNER", _("只有建设单位可以补正")),
        "return": workflow.allow(
            _task_staff(grants, stage), "STAGE_NO_TASK", _("只有有待办并联审批任务的单位可以退回")
        ),
        "approve": workflow.allow(
            _lead_staff(grants, stage), "STAGE_NOT_LEAD", _("只有本阶段牵头单位可以办结")
        ),
        "refuse": workflow.allow(
            _lead_staff(grants, stage), "STAGE_NOT_LEAD", _("只有本阶段牵头单位可以办结")
        ),
    }


def _project_abilities(grants, project: Project) -> dict:
    return {
        "view": True,
        "submit": workflow.allow(
            is_owner(grants, project), "PROJECT_NOT_OWNER", _("只有建设单位可以申报")
        ),
    }


def _stage_role(grants, stage: ProjectStage):
    if is_owner(grants, stage.project):
        return Role.APPLICANT, None
    units = grants.units(*DEPT)
    if stage.lead_unit_id in units:
        return Role.DEPT_HANDLER, stage.lead_unit_id
    return workflow.first_role(grants)


def _project_role(grants, project: Project):
    if is_owner(grants, project):
        return Role.APPLICANT, None
    return workflow.first_role(grants)


# --- key projects ---------------------------------------------------------------------------
KEY_MANAGERS = (Role.SUPERVISOR, Role.ADMIN, Role.LEADER)


def key_filter(grants) -> Q | None:
    if grants.sees_all:
        return None
    if not grants.is_authenticated:
        return Q(pk__in=[])
    user = grants.user
    q = Q(leader_id=user.pk)
    if user.kind == "firm" and user.firm_id:
        q |= Q(firm_id=user.firm_id)
    units = grants.units(*DEPT)
    if units:
        helpers = KeyProjectHelper.objects.filter(key_project_id=OuterRef("pk"), unit_id__in=units)
        q |= Q(lead_unit_id__in=units) | Exists(helpers)
    return q


def _key_projects(grants, qs):
    q = key_filter(grants)
    return qs if q is None else qs.filter(q)


def key_abilities(grants, kp: KeyProject) -> dict:
    manager = grants.has(*KEY_MANAGERS)
    units = grants.units(*DEPT)
    responsible = kp.lead_unit_id in units or kp.helpers.filter(unit_id__in=units).exists()
    work = manager or responsible or kp.leader_id == getattr(grants.user, "pk", None)
    staff_reason = _("只有包保县领导、责任单位、帮扶单位或营商办可以填报")
    return {
        "manage": workflow.allow(
            manager, "KEYPROJECT_NOT_MANAGER", _("只有营商办、县领导可以调整重点项目")
        ),
        "progress": workflow.allow(work, "KEYPROJECT_NOT_RESPONSIBLE", staff_reason),
        "milestone": workflow.allow(work, "KEYPROJECT_NOT_RESPONSIBLE", staff_reason),
        "visit": workflow.allow(work, "KEYPROJECT_NOT_RESPONSIBLE", staff_reason),
        "problem": workflow.allow(work, "KEYPROJECT_NOT_RESPONSIBLE", staff_reason),
    }


def _key_role(grants, kp: KeyProject):
    units = grants.units(*DEPT)
    if kp.lead_unit_id in units:
        return Role.DEPT_HANDLER, kp.lead_unit_id
    return workflow.first_role(grants)


def _project_county(reach: tuple[str, ...]) -> Q:
    """A project belongs to the counties whose units lead any of its stages (org.tenancy)."""
    return Q(
        Exists(ProjectStage.objects.filter(project_id=OuterRef("pk"), lead_unit__tenant__in=reach))
    )


scope.register(Project, _projects, tenant=_project_county)
scope.register(ProjectStage, _stages, tenant="lead_unit")
scope.register(KeyProject, _key_projects, tenant="lead_unit")
scope.register_abilities(Project, _project_abilities)
scope.register_abilities(ProjectStage, stage_abilities)
scope.register_abilities(KeyProject, key_abilities)
workflow.register_audit_role(Project, _project_role)
workflow.register_audit_role(ProjectStage, _stage_role)
workflow.register_audit_role(KeyProject, _key_role)
