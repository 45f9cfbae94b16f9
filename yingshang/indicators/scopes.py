"""Who sees and does what in the evaluation.

- The tree, periods and approved values are county business: every staff member sees them (the
  scores are read out at the 营商环境 meetings).
- A value still in work (draft, submitted, returned) and its evidence: the lead unit and the
  co-units of its indicator, and whoever sees everything (营商办, leaders, admins).
- The 营商办 (Role.SUPERVISOR, 营商办督查人员) edits the tree, opens periods, reviews values and
  triggers measurements; the lead unit's staff enter and submit their indicators' values."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingshang import workflow
from yingshang.errors import DomainError
from yingshang.indicators import transitions as t
from yingshang.indicators.models import (
    Evidence,
    Indicator,
    Period,
    Site,
    SiteValue,
    Source,
    Tree,
    UnitTask,
    Value,
)
from yingshang.org import scope, tenancy
from yingshang.org.roles import Role

UNIT_WORK_ROLES = (Role.DEPT_HANDLER, Role.DEPT_HEAD)
OFFICE = Role.SUPERVISOR  # the 营商办 of the county
READERS = (Role.DEPT_HANDLER, Role.DEPT_HEAD, Role.SUPERVISOR, Role.LEADER, Role.ADMIN)


def _staff(grants, qs):
    if grants.sees_all:
        return qs
    if not grants.is_authenticated or not grants.has(*READERS):
        return qs.none()
    return qs


def _unit_q(units, prefix: str = "") -> Q:
    return Q(**{f"{prefix}lead_unit_id__in": units}) | Q(**{f"{prefix}co_units__in": units})


def _values(grants, qs):
    if grants.sees_all:
        return qs
    if not grants.is_authenticated or not grants.has(*READERS):
        return qs.none()
    units = grants.units()
    mine = Indicator.objects.filter(_unit_q(units)).values("pk") if units else []
    if units:
        return qs.filter(Q(status=t.APPROVED) | Q(indicator_id__in=mine))
    return qs.filter(status=t.APPROVED)


def _evidence(grants, qs):
    if grants.sees_all:
        return qs
    return qs.filter(value__in=_values(grants, Value.objects.all()).values("pk"))


def _tasks(grants, qs):
    """A unit's task and its record: the unit's staff and whoever sees everything."""
    if grants.sees_all or (grants.is_authenticated and grants.has(OFFICE, Role.LEADER)):
        return qs
    if not grants.is_authenticated or not grants.has(*READERS):
        return qs.none()
    return qs.filter(unit_id__in=grants.units())


def _site_values(grants, qs):
    if grants.sees_all:
        return qs
    return qs.filter(value__in=_values(grants, Value.objects.all()).values("pk"))


def is_office(grants) -> bool:
    return grants.has(OFFICE)


def leads(grants, indicator) -> bool:
    units = grants.units(*UNIT_WORK_ROLES)
    return bool(units) and indicator.lead_unit_id in units


def value_abilities(grants, value) -> dict[str, workflow.Ability]:
    state = value.status
    can = t.VALUE.can
    ind = value.indicator
    measured = ind.source == Source.MEASURED
    lead = workflow.allow(
        leads(grants, ind), "INDICATOR_NOT_LEAD_UNIT", _("只有该指标的牵头单位可以填报")
    )
    office = workflow.allow(
        is_office(grants), "INDICATOR_OFFICE_ONLY", _("只有营商办可以执行此操作")
    )
    by_hand = workflow.allow(
        not measured, "INDICATOR_VALUE_MEASURED", _("该指标由系统按本平台记录自动测算，不需填报")
    )
    by_system = workflow.allow(
        measured, "INDICATOR_NOT_MEASURED", _("该指标的数据来源不是系统测算")
    )
    return {
        "open_problem": (state == t.APPROVED and _flagged(value)) and office,
        "compare": office,
        "enter": can("enter", state) and (by_hand and lead),
        "submit": can("submit", state) and (by_hand and lead),
        "measure": can("measure", state) and (by_system and office),
        "approve": can("approve", state) and office,
        "return": can("return", state) and office,
        "reopen": can("reopen", state) and office,
    }


def _flagged(value) -> bool:
    from yingshang.indicators.scoring import value_score

    ind = value.indicator
    if value.value is None or ind.lead_unit_id is None:
        return False
    try:
        score = value_score(value)
    except DomainError:
        return False
    return score < value.period.tree.threshold


def may_edit_tree(grants) -> workflow.Ability:
    return workflow.allow(
        is_office(grants), "INDICATOR_OFFICE_ONLY", _("只有营商办可以修改指标体系")
    )


def may_import(grants) -> workflow.Ability:
    return workflow.allow(
        is_office(grants) or bool(grants.units(*UNIT_WORK_ROLES)),
        "INDICATOR_IMPORT_FORBIDDEN",
        _("只有营商办或指标牵头单位可以导入指标值"),
    )


def audit_role(grants, obj) -> tuple[str, int | None]:
    """The 营商办 acts as supervisor; unit staff in their role in the lead unit."""
    indicator = getattr(obj, "indicator", obj)
    lead_unit = getattr(indicator, "lead_unit_id", None) or getattr(obj, "unit_id", None)
    if grants.has(OFFICE):
        units = sorted(grants.units(OFFICE))
        return OFFICE, (units[0] if units else None)
    for role in (Role.DEPT_HEAD, Role.DEPT_HANDLER):
        units = grants.units(role)
        if units:
            return role, (lead_unit if lead_unit in units else sorted(units)[0])
    return workflow.first_role(grants)


scope.register(Tree, _staff, tenant=tenancy.SHARED)
scope.register(Indicator, _staff, tenant=tenancy.SHARED)
scope.register(Period, _staff, tenant=tenancy.SHARED)
scope.register(Value, _values, tenant=tenancy.SHARED)
scope.register(Evidence, _evidence, tenant=tenancy.SHARED)
scope.register(Site, _staff, tenant=tenancy.SHARED)
scope.register(SiteValue, _site_values, tenant=tenancy.SHARED)
scope.register(UnitTask, _tasks, tenant="unit")
scope.register_abilities(Value, value_abilities)
for _model in (Value, Indicator, Tree, Period, Site, UnitTask):
    workflow.register_audit_role(_model, audit_role)
