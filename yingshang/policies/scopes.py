"""Who sees and does what with policies (DESIGN.md §1, §11).

- Published policies, their items and the weekly digests are public (the portal's 政策日历);
  drafts and withdrawn ones are seen by the owner unit and by whoever sees everything.
- Weekly reviews: the owner unit's staff; countywide roles read them all.
- Applications: the firm's own accounts; the review unit and the policy's owner unit; countywide
  roles. The review unit's handlers and heads review and record payments.
- A policy is edited, published and withdrawn by its owner unit's handlers and heads or by the
  营商办 (Role.SUPERVISOR), who keeps the county's calendar."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingshang import workflow
from yingshang.org import scope, tenancy
from yingshang.org.roles import Role
from yingshang.policies import transitions as t
from yingshang.policies.models import (
    Application,
    ApplicationMaterial,
    Digest,
    Policy,
    PolicyItem,
    PolicyReview,
    Subscription,
    Tag,
)

WORKERS = (Role.DEPT_HANDLER, Role.DEPT_HEAD)
OFFICE = Role.SUPERVISOR
STAFF = (Role.DEPT_HANDLER, Role.DEPT_HEAD, Role.SUPERVISOR, Role.LEADER, Role.ADMIN)


def _policies(grants, qs):
    if grants.sees_all:
        return qs
    units = grants.units(*WORKERS)
    if units:
        return qs.filter(Q(status=t.PUBLISHED) | Q(owner_unit_id__in=units))
    return qs.filter(status=t.PUBLISHED)


def _items(grants, qs):
    if grants.sees_all:
        return qs
    units = grants.units(*WORKERS)
    public = Q(policy__status=t.PUBLISHED)
    if units:
        return qs.filter(public | Q(policy__owner_unit_id__in=units) | Q(review_unit_id__in=units))
    return qs.filter(public)


def _reviews(grants, qs):
    if grants.sees_all:
        return qs
    units = grants.units(*WORKERS)
    return qs.filter(unit_id__in=units) if units else qs.none()


def _applications(grants, qs):
    if grants.sees_all:
        return qs
    if not grants.is_authenticated:
        return qs.none()
    units = grants.units(*WORKERS)
    q = Q(pk__in=[])
    if units:
        q |= Q(item__review_unit_id__in=units) | Q(item__policy__owner_unit_id__in=units)
    firm_id = getattr(grants.user, "firm_id", None)
    if grants.user.kind == "firm" and firm_id:
        q |= Q(firm_id=firm_id)
    return qs.filter(q)


def _materials(grants, qs):
    if grants.sees_all:
        return qs
    return qs.filter(application__in=_applications(grants, Application.objects.all()).values("pk"))


def _subscriptions(grants, qs):
    if grants.sees_all:
        return qs
    if not grants.is_authenticated:
        return qs.none()
    return qs.filter(user_id=grants.user.pk)


def _public(grants, qs):
    return qs


def may_edit(grants, policy) -> workflow.Ability:
    return workflow.allow(
        grants.has(OFFICE, Role.ADMIN) or policy.owner_unit_id in grants.units(*WORKERS),
        "POLICY_NOT_OWNER",
        _("只有责任单位或营商办可以维护该政策"),
    )


def may_create(grants, unit_id: int | None = None) -> workflow.Ability:
    ok = grants.has(OFFICE, Role.ADMIN) or (
        bool(grants.units(*WORKERS)) and (unit_id is None or unit_id in grants.units(*WORKERS))
    )
    return workflow.allow(
        ok, "POLICY_NOT_OWNER", _("只能为本单位登记政策（营商办可为任一单位登记）")
    )


def policy_abilities(grants, policy) -> dict:
    edit = may_edit(grants, policy)
    can = t.POLICY.can
    return {
        "update": can("update", policy.status) and edit,
        "publish": can("publish", policy.status) and edit,
        "withdraw": can("withdraw", policy.status) and edit,
        "add_item": (policy.status != t.WITHDRAWN) and edit,
    }


def review_abilities(grants, review) -> dict:
    mine = workflow.allow(
        review.unit_id in grants.units(*WORKERS) or grants.has(OFFICE),
        "POLICY_REVIEW_NOT_UNIT",
        _("只有责任单位可以完成本周梳理"),
    )
    return {"complete": t.REVIEW.can("complete", review.status) and mine}


def reviews_item(grants, item) -> workflow.Ability:
    return workflow.allow(
        item.review_unit_id in grants.units(*WORKERS),
        "POLICY_NOT_REVIEW_UNIT",
        _("只有审核单位可以办理该事项的兑现"),
    )


def item_abilities(grants, item) -> dict:
    active = workflow.allow(
        item.status == PolicyItem.Status.ACTIVE, "POLICY_ITEM_WITHDRAWN", _("该兑现事项已撤回")
    )
    return {
        "withdraw": active and may_edit(grants, item.policy),
        "grant": active and reviews_item(grants, item),
        "apply": active
        and workflow.allow(
            grants.is_authenticated and grants.user.kind == "firm",
            "POLICY_FIRM_ONLY",
            _("请使用企业账号登录后申报"),
        ),
    }


def _own_firm(grants, application) -> workflow.Ability:
    return workflow.allow(
        grants.is_authenticated
        and grants.user.kind == "firm"
        and grants.user.firm_id == application.firm_id,
        "POLICY_NOT_APPLICANT",
        _("只有申请企业可以执行此操作"),
    )


def application_abilities(grants, application) -> dict:
    can = t.APPLICATION.can
    state = application.status
    reviewer = reviews_item(grants, application.item)
    firm = _own_firm(grants, application)
    return {
        "approve": can("approve", state) and reviewer,
        "return": can("return", state) and reviewer,
        "refuse": can("refuse", state) and reviewer,
        "pay": can("pay", state) and reviewer,
        "resubmit": can("resubmit", state) and firm,
        "cancel": can("cancel", state) and firm,
    }


def audit_role(grants, obj) -> tuple[str, int | None]:
    """Firms act as applicants; staff in their role in the unit the record belongs to."""
    if grants.user is not None and grants.user.kind == "firm":
        return Role.APPLICANT, None
    unit = _unit_of(obj)
    for role in (Role.DEPT_HEAD, Role.DEPT_HANDLER):
        units = grants.units(role)
        if units:
            return role, (unit if unit in units else sorted(units)[0])
    return workflow.first_role(grants)


def _unit_of(obj) -> int | None:
    if isinstance(obj, Application):
        return obj.item.review_unit_id
    if isinstance(obj, PolicyItem):
        return obj.review_unit_id
    if isinstance(obj, PolicyReview):
        return obj.unit_id
    return getattr(obj, "owner_unit_id", None)


scope.register(Policy, _policies, tenant=tenancy.Within("owner_unit", city_shared=True))
scope.register(PolicyItem, _items, tenant=tenancy.Within("review_unit", city_shared=True))
scope.register(PolicyReview, _reviews, tenant="unit")
scope.register(Application, _applications, tenant="item__review_unit")
scope.register(ApplicationMaterial, _materials, tenant="application__item__review_unit")
scope.register(Subscription, _subscriptions, tenant=tenancy.SHARED)
scope.register(Digest, _public, tenant=tenancy.SHARED)
scope.register(Tag, _public, tenant=tenancy.SHARED)
scope.register_abilities(Policy, policy_abilities)
scope.register_abilities(PolicyReview, review_abilities)
scope.register_abilities(PolicyItem, item_abilities)
scope.register_abilities(Application, application_abilities)
for _model in (Policy, PolicyReview, PolicyItem, Application, Subscription):
    workflow.register_audit_role(_model, audit_role)
