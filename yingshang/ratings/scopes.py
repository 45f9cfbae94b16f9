"""Who sees which ratings and who may do what with them (DESIGN.md §1, §7).

Seeing:
- supervisors, leaders (county-wide) and admins: everything;
- department staff (handler, head): the ratings, rectifications and appeals of their unit;
- window clerks: the visits of their hall — never the ratings (staff cannot watch ratings
  being given; a clerk's own figures come from the statistics of their head or supervisor);
- an applicant: their own real-name ratings (an anonymous rating is linked to nobody, so it
  is nobody's "own").
Anonymous ratings are in a unit's scope like any other, but carry no personal link at all.

Doing (the 差评 loop, cn_rules.md §1): the unit rated verifies, replies and appeals; a supervisor
reviews (closes or sends back), records the callback (回访: never the rated unit itself —
separation of duty) and decides appeals. The
abilities below are the one rule for the pages' buttons and the services' gate; a refusal says
why (`workflow.Denied`): `*_FORBIDDEN` — not this person's to do; any other code — not now."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingshang import workflow
from yingshang.org import scope, tenancy
from yingshang.org.roles import Role
from yingshang.org.staff import UNIT_HANDLERS
from yingshang.ratings.models import (
    Appeal,
    LedgerIntent,
    Rating,
    RatingScheme,
    RatingSettings,
    Rectification,
    WindowVisit,
)
from yingshang.ratings.transitions import RECTIFICATION

UNIT_ROLES = UNIT_HANDLERS  # the rated unit's people who answer for its 差评


# --- seeing -----------------------------------------------------------------------------------
def _ratings(grants, qs):
    if grants.sees_all:
        return qs
    if not grants.is_authenticated:
        return qs.none()
    units = grants.units(*UNIT_ROLES)
    q = Q(rater_id=grants.user.pk, anonymous=False)
    if units:
        q |= Q(unit_id__in=units)
    return qs.filter(q)


def _by_unit(grants, qs):
    if grants.sees_all:
        return qs
    units = grants.units(*UNIT_ROLES) if grants.is_authenticated else frozenset()
    return qs.filter(unit_id__in=units) if units else qs.none()


def _visits(grants, qs):
    if grants.sees_all:
        return qs
    if not grants.is_authenticated:
        return qs.none()
    return qs.filter(Q(clerk_id=grants.user.pk) | Q(unit_id__in=grants.units()))


def _intents(grants, qs):
    return qs if grants.sees_all else qs.none()


def _public(grants, qs):
    return qs  # the rating content (dimensions, problem options) is public


# --- who is who -------------------------------------------------------------------------------
def is_unit_staff(g, unit_id) -> bool:
    return g.is_authenticated and unit_id in g.units(*UNIT_ROLES)


def is_supervisor(g) -> bool:
    return g.is_authenticated and g.has(Role.SUPERVISOR)


def serves_at(user, g, window) -> bool:
    """The clerk of `window`, or a window clerk of its hall (who runs its pad and visits)."""
    return window.clerk_id == user.pk or window.hall_id in g.units(Role.WINDOW_CLERK)


# --- doing ------------------------------------------------------------------------------------
FORBIDDEN = "RECTIFICATION_FORBIDDEN"


def _move(who: bool, why_not: str, rect: Rectification, action: str) -> workflow.Ability:
    if not who:
        return workflow.Denied(FORBIDDEN, why_not)
    return workflow.allow(
        RECTIFICATION.can(action, rect.status),
        f"RECTIFICATION_{action.upper()}_NOT_ALLOWED",
        _("当前状态下不能执行此操作"),
    )


def rectification_abilities(g, rect: Rectification) -> dict[str, workflow.Ability]:
    unit = is_unit_staff(g, rect.unit_id)
    sup = is_supervisor(g)
    # separation of duty: the satisfaction callback checks the rated unit's own work, so that
    # unit never records it (not even a person who is also a supervisor); a supervisor does
    if unit:
        callback = workflow.Denied(
            "RECTIFICATION_SELF_CALLBACK_FORBIDDEN",
            _("被评价单位不能自行记录满意度回访，回访由督查人员进行"),
        )
    else:
        callback = _move(sup, _("只有督查人员可以记录回访"), rect, "callback")
    if sup and not unit and not rect.callback_required:  # in no state: nobody to call
        callback = workflow.Denied("RECTIFICATION_NO_CALLBACK", _("匿名差评无法回访"))
    if not unit:
        appeal = workflow.Denied("APPEAL_FORBIDDEN", _("只有被评价单位可以申诉"))
    elif not rect.is_open:
        appeal = workflow.Denied("APPEAL_CLOSED", _("整改已结束，不能再申诉"))
    else:
        appeal = workflow.allow(
            not rect.rating.appeals.filter(status=Appeal.Status.PENDING).exists(),
            "APPEAL_PENDING",
            _("该差评已有待审核的申诉"),
        )
    return {
        "view": True,
        "verify": _move(unit, _("只有责任单位可以核实差评"), rect, "verify"),
        "reply": _move(unit, _("只有责任单位可以提交整改答复"), rect, "reply"),
        "callback": callback,
        "close": _move(sup, _("只有督查人员可以复核办结"), rect, "close"),
        "send_back": _move(sup, _("只有督查人员可以退回重改"), rect, "send_back"),
        "appeal": appeal,
    }


def appeal_abilities(g, appeal: Appeal) -> dict[str, workflow.Ability]:
    if not is_supervisor(g):
        decide = workflow.Denied("APPEAL_FORBIDDEN", _("只有督查人员可以审核申诉"))
    else:
        decide = workflow.allow(
            appeal.status == Appeal.Status.PENDING, "APPEAL_ALREADY_DECIDED", _("该申诉已审核")
        )
    return {"view": True, "decide": decide}


def rating_abilities(g, rating: Rating) -> dict[str, workflow.Ability]:
    return {
        "view": True,
        # the rest of the rule (a 差评, not yet excluded, no pending appeal) is the service's
        "appeal": workflow.allow(
            is_unit_staff(g, rating.unit_id), "APPEAL_FORBIDDEN", _("只有被评价单位可以申诉")
        ),
    }


def settings_abilities(g, _row) -> dict[str, workflow.Ability]:
    return {
        "update": workflow.allow(
            g.has(Role.ADMIN) or g.has(Role.SUPERVISOR),
            "RATING_SETTINGS_FORBIDDEN",
            _("只有系统管理员或督查人员可以修改好差评设置"),
        )
    }


def scheme_abilities(g, _scheme) -> dict[str, workflow.Ability]:
    return {
        "publish": workflow.allow(
            g.has(Role.ADMIN), "RATING_SCHEME_FORBIDDEN", _("只有系统管理员可以发布评价指标")
        )
    }


# --- in which capacity an event is recorded ----------------------------------------------------
def unit_role(g, unit_id) -> str:
    """The capacity a person acts in on a unit's 差评: its head, its handler, else a supervisor."""
    if unit_id in g.units(Role.DEPT_HEAD):
        return Role.DEPT_HEAD
    if unit_id in g.units(Role.DEPT_HANDLER):
        return Role.DEPT_HANDLER
    return Role.SUPERVISOR if g.has(Role.SUPERVISOR) else ""


def _loop_role(g, obj):  # a rectification or an appeal: both belong to the unit rated
    return unit_role(g, obj.unit_id), obj.unit_id


def _visit_role(g, visit):
    return Role.WINDOW_CLERK, visit.unit_id


def _settings_role(g, _row):
    return (Role.ADMIN if g.has(Role.ADMIN) else Role.SUPERVISOR), None


def _scheme_role(g, _scheme):
    return Role.ADMIN, None  # only an administrator publishes


scope.register(Rating, _ratings, tenant="unit")
scope.register(Rectification, _by_unit, tenant="unit")
scope.register(Appeal, _by_unit, tenant="unit")
scope.register(WindowVisit, _visits, tenant="unit")
scope.register(LedgerIntent, _intents, tenant=tenancy.SHARED)
scope.register(RatingScheme, _public, tenant=tenancy.SHARED)
scope.register_abilities(Rectification, rectification_abilities)
scope.register_abilities(Appeal, appeal_abilities)
scope.register_abilities(Rating, rating_abilities)
scope.register_abilities(RatingSettings, settings_abilities)
scope.register_abilities(RatingScheme, scheme_abilities)
workflow.register_audit_role(Rectification, _loop_role)
workflow.register_audit_role(Appeal, _loop_role)
workflow.register_audit_role(WindowVisit, _visit_role)
workflow.register_audit_role(RatingSettings, _settings_role)
workflow.register_audit_role(RatingScheme, _scheme_role)
