"""Who sees and does what in inspections. Staff of a plan's units see its plan, draws and
inspections; supervisors, leaders and admins see everything; a firm account sees the
inspections of its own firm. Registers (matters, inspectors, rules) are visible to every staff
member; a unit's handlers and heads keep their own unit's entries."""

from django.db.models import Q
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.inspections import transitions as t
from yingshang.inspections.models import (
    Conflict,
    Draw,
    Inspection,
    Inspector,
    Matter,
    Objection,
    Photo,
    Plan,
    PublishedResult,
    QuietException,
    RuleDoc,
)
from yingshang.org import scope, tenancy
from yingshang.org.roles import Role

WORKERS = (Role.DEPT_HANDLER, Role.DEPT_HEAD)


def _plans_q(grants) -> Q | None:
    if grants.sees_all:
        return None
    units = grants.units()
    if not units:
        return Q(pk__in=[])
    return Q(lead_unit_id__in=units) | Q(units__in=units)


def _plans(grants, qs):
    q = _plans_q(grants)
    return qs if q is None else qs.filter(pk__in=Plan.objects.filter(q).values("pk"))


def _of_plans(grants, qs):
    q = _plans_q(grants)
    return qs if q is None else qs.filter(plan__in=Plan.objects.filter(q).values("pk"))


def _inspections(grants, qs):
    if grants.sees_all:
        return qs
    q = _plans_q(grants)
    visible = Q(plan__in=Plan.objects.filter(q).values("pk")) if grants.units() else Q(pk__in=[])
    firm_id = getattr(grants.user, "firm_id", None) if grants.is_authenticated else None
    if firm_id:
        visible |= Q(firm_id=firm_id)
    return qs.filter(visible)


def _of_inspections(grants, qs):
    return qs.filter(inspection__in=_inspections(grants, Inspection.objects.all()).values("pk"))


def _registers(grants, qs):
    if grants.sees_all or grants.is_staff_member:
        return qs
    return qs.none()


def _conflicts(grants, qs):
    return qs if grants.sees_all or grants.is_staff_member else qs.none()


def _results(grants, qs):
    return qs  # published results are public (cn_rules §8: 一公开)


scope.register(Plan, _plans, tenant="lead_unit")
scope.register(Draw, _of_plans, tenant="plan__lead_unit")
scope.register(Inspection, _inspections, tenant="plan__lead_unit")
scope.register(Photo, _of_inspections, tenant="inspection__plan__lead_unit")
scope.register(Objection, _of_inspections, tenant="inspection__plan__lead_unit")
scope.register(QuietException, _of_inspections, tenant="inspection__plan__lead_unit")
scope.register(PublishedResult, _results, tenant="inspection__plan__lead_unit")
scope.register(Matter, _registers, tenant=tenancy.Within("unit", city_shared=True))
scope.register(Inspector, _registers, tenant="unit")
scope.register(RuleDoc, _registers, tenant=tenancy.Within("unit", city_shared=True))
scope.register(Conflict, _conflicts, tenant="inspector__unit")


def works_for(grants, unit_id) -> bool:
    return grants.has(Role.ADMIN) or unit_id in grants.units(*WORKERS)


def plan_abilities(grants, plan: Plan) -> dict:
    lead = works_for(grants, plan.lead_unit_id)
    why = _("仅牵头单位的经办人、负责人可以操作")
    return {
        "commit": workflow.allow(lead, "INSPECTIONS_NOT_LEAD_UNIT", why),
        "draw": workflow.allow(lead, "INSPECTIONS_NOT_LEAD_UNIT", why),
        "redraw": workflow.allow(lead, "INSPECTIONS_NOT_LEAD_UNIT", why),
        "next_round": workflow.allow(lead, "INSPECTIONS_NOT_LEAD_UNIT", why),
        "close": workflow.allow(lead, "INSPECTIONS_NOT_LEAD_UNIT", why),
        "withdraw": workflow.allow(lead, "INSPECTIONS_NOT_LEAD_UNIT", why),
    }


def inspection_abilities(grants, inspection: Inspection) -> dict:
    unit_ids = {u.pk for u in inspection.plan.units.all()} | {inspection.plan.lead_unit_id}
    member = grants.has(Role.ADMIN) or bool(unit_ids & set(grants.units(*WORKERS)))
    why = _("仅参与检查单位的经办人、负责人可以操作")
    allowed = {
        action: workflow.allow(member, "INSPECTIONS_NOT_PLAN_UNIT", why)
        for action in t.INSPECTION.moves
    }
    return allowed


scope.register_abilities(Plan, plan_abilities)
scope.register_abilities(Inspection, inspection_abilities)


def _plan_role(grants, plan):
    for role in WORKERS:
        if plan.lead_unit_id in grants.units(role):
            return role, plan.lead_unit_id
    return workflow.first_role(grants)


def _inspection_role(grants, inspection):
    return _plan_role(grants, inspection.plan)


workflow.register_audit_role(Plan, _plan_role)
workflow.register_audit_role(Inspection, _inspection_role)
