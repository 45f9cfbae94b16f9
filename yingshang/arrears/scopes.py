"""Who sees and does what in 清欠.

The 清欠办 is the county's 营商办 supervisors (Role.SUPERVISOR, countywide): the office the
county charges with clearing arrears verifies every report, rules on disputes, plans repayment
and may void. The debtor's answerable unit (Debtor.unit: the agency itself, or an enterprise's
supervising department) sees its own arrears and records its payments and plan. A firm sees
what is owed to it. Leaders and the admin read everything."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingshang import workflow
from yingshang.arrears import transitions as t
from yingshang.arrears.models import (
    Arrears,
    Attachment,
    Debtor,
    ImportBatch,
    Milestone,
    Payment,
)
from yingshang.org import scope, tenancy
from yingshang.org.roles import Role

DEBTOR_ROLES = (Role.DEPT_HANDLER, Role.DEPT_HEAD)


def is_office(grants) -> bool:
    """Works in the 清欠办."""
    return grants.has(Role.SUPERVISOR)


def _arrears(grants, qs):
    if grants.sees_all:
        return qs
    if not grants.is_authenticated:
        return qs.none()
    user = grants.user
    cond = Q(pk__in=[])
    if user.kind == "firm" and user.firm_id:
        cond |= Q(creditor_id=user.firm_id)
    units = grants.units(*DEBTOR_ROLES)
    if units:
        cond |= Q(debtor__unit_id__in=units)
    return qs.filter(cond)


def _children(grants, qs):
    if grants.sees_all:
        return qs
    return qs.filter(arrears__in=_arrears(grants, Arrears.objects.all()).values("pk"))


def _debtors(grants, qs):
    # the list of debtors is what a firm picks from when it reports: no secret
    return qs if grants.is_authenticated else qs.none()


def _imports(grants, qs):
    if grants.has(Role.SUPERVISOR, Role.ADMIN):
        return qs
    if not grants.is_authenticated:
        return qs.none()
    return qs.filter(created_by=grants.user)


def owes(grants, arrears) -> bool:
    """The user works in the debtor's answerable unit."""
    unit = arrears.debtor.unit_id
    return unit is not None and unit in grants.units(*DEBTOR_ROLES)


def arrears_abilities(grants, arrears) -> dict[str, workflow.Ability]:
    state = arrears.status
    can = t.arrears_table.can
    office = workflow.allow(
        is_office(grants), "ARREARS_OFFICE_ONLY", _("只有清欠办（营商办督查人员）可以执行此操作")
    )
    payer = workflow.allow(
        is_office(grants) or owes(grants, arrears),
        "ARREARS_NOT_DEBTOR",
        _("只有债务人责任单位或清欠办可以登记还款"),
    )
    user = grants.user
    creditor = bool(
        grants.is_authenticated and user.kind == "firm" and user.firm_id == arrears.creditor_id
    )
    attacher = workflow.allow(
        is_office(grants) or owes(grants, arrears) or creditor,
        "ARREARS_ATTACH_FORBIDDEN",
        _("只有债权企业、债务人责任单位或清欠办可以上传材料"),
    )
    return {
        "verify": can("verify", state) and office,
        "reject": can("reject", state) and office,
        "pay": can("pay", state) and payer,
        "plan": can("plan", state) and payer,
        "void_payment": can("void_payment", state) and arrears.paid_amount > 0 and office,
        "settle_dispute": can("settle_dispute", state) and arrears.disputed_amount > 0 and office,
        "attach": can("attach", state) and attacher,
        "void": can("void", state) and office,
    }


def may_register(grants) -> workflow.Ability:
    """Entering a record for a firm (from a work order, a visit, an import): the 清欠办."""
    return workflow.allow(
        grants.has(Role.SUPERVISOR, Role.ADMIN),
        "ARREARS_REGISTER_FORBIDDEN",
        _("只有清欠办可以代企业登记拖欠账款"),
    )


def may_report(grants) -> workflow.Ability:
    user = grants.user
    return workflow.allow(
        bool(grants.is_authenticated and user.kind == "firm" and user.firm_id),
        "ARREARS_FIRM_ONLY",
        _("请使用已绑定企业的企业账号反映拖欠账款"),
    )


def audit_role(grants, arrears) -> tuple[str, int | None]:
    if grants.has(Role.SUPERVISOR):
        units = sorted(grants.units(Role.SUPERVISOR))
        return Role.SUPERVISOR, (units[0] if units else None)
    unit = arrears.debtor.unit_id if arrears.debtor_id else None
    for role in DEBTOR_ROLES:
        if unit is not None and unit in grants.units(role):
            return role, unit
    if grants.user is not None and grants.user.kind == "firm":
        return Role.APPLICANT, None
    return workflow.first_role(grants)


def _debtor_county(reach: tuple[str, ...]) -> Q:
    """A government debtor belongs to its unit's county (org.tenancy); a state-owned or large
    enterprise is one firm for the whole city (the firm register is shared)."""
    return Q(unit__tenant__in=reach) | Q(unit__isnull=True)


def _arrears_county(reach: tuple[str, ...], prefix: str = "") -> Q:
    return Q(**{f"{prefix}debtor__unit__tenant__in": reach}) | Q(
        **{f"{prefix}debtor__unit__isnull": True}
    )


def _arrears_county_of(reach: tuple[str, ...]) -> Q:
    return _arrears_county(reach, "arrears__")


scope.register(Arrears, _arrears, tenant=_arrears_county)
scope.register_abilities(Arrears, arrears_abilities)
scope.register(Payment, _children, tenant=_arrears_county_of)
scope.register(Milestone, _children, tenant=_arrears_county_of)
scope.register(Attachment, _children, tenant=_arrears_county_of)
scope.register(Debtor, _debtors, tenant=_debtor_county)
scope.register(ImportBatch, _imports, tenant=tenancy.created_in)
workflow.register_audit_role(Arrears, audit_role)
