"""Who sees which work orders, what they may do, and whether they may see the caller
(one place decides: pages, API and exports all ask here)."""

from django.db.models import Q
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.hotline.transitions import ORDER, PROG
from yingshang.org import masking, scope, tenancy
from yingshang.org.roles import Role

# the hotline centre: registers, dispatches, reviews, calls back
CENTRE_ROLES = (Role.HOTLINE_OPERATOR, Role.SUPERVISOR, Role.ADMIN)
UNIT_ROLES = (Role.DEPT_HANDLER, Role.DEPT_HEAD)


def is_centre(grants) -> bool:
    return grants.has(*CENTRE_ROLES)


def sees_all(grants) -> bool:
    """Every work order: whoever sees every unit's records, and the centre's operators."""
    return grants.sees_all or grants.has(Role.HOTLINE_OPERATOR)


def order_rule(grants, qs):
    if not grants.is_authenticated:
        return qs.none()
    if sees_all(grants):
        return qs
    units = grants.units(*UNIT_ROLES)
    q = Q(created_by=grants.user) if grants.has(Role.APPLICANT) else Q(pk__in=[])
    if units:
        # the main unit or a co-handling unit (a subquery, so lists need no DISTINCT)
        from yingshang.hotline.models import CoUnit

        q |= Q(main_unit_id__in=units) | Q(
            pk__in=CoUnit.objects.filter(unit_id__in=units).values("order_id")
        )
    return qs.filter(q)


def child_rule(grants, qs):
    from yingshang.hotline.models import WorkOrder

    visible = order_rule(grants, WorkOrder.objects.all()).values("pk")
    return qs.filter(order_id__in=visible)


def topic_rule(grants, qs):
    return qs  # the classification tree is public (portal and Open311 list it)


def handles(grants, order) -> bool:
    """The user holds a unit role in the order's main unit."""
    return order.main_unit_id is not None and order.main_unit_id in grants.units(*UNIT_ROLES)


def co_unit_ids(grants, order) -> list[int]:
    """The co-handling units (协办单位) of the order in which the user holds a unit role — never
    the main unit itself (a unit that is main unit acts as main unit)."""
    units = grants.units(*UNIT_ROLES) if grants.is_authenticated else set()
    if not units or order.pk is None:
        return []
    from yingshang.hotline.models import CoUnit

    return [
        u
        for u in CoUnit.objects.filter(order_id=order.pk, unit_id__in=units)
        .order_by("unit_id")
        .values_list("unit_id", flat=True)
        if u != order.main_unit_id
    ]


def may_see_caller(grants, order) -> bool:
    """Confidential callers are hidden from handling units (GB/T 33358); everyone in the
    centre and county-wide supervisors may see them."""
    if sees_all(grants) or is_centre(grants):
        return True
    if grants.is_authenticated and order.created_by_id == grants.user.pk:
        return True
    return not order.confidential and not order.anonymous


def may_see_full_phone(grants, order) -> bool:
    """Full phone for the centre (it calls back) and the main unit (it contacts the caller)
    when the order is not confidential; masked everywhere else."""
    if not may_see_caller(grants, order):
        return False
    return is_centre(grants) or handles(grants, order)


def caller(grants, order, *, full: bool = True) -> dict:
    """What this user may see of the caller. `full=False` for lists and exports (masked)."""
    if order.anonymous and not (is_centre(grants) or sees_all(grants)):
        return {"name": "匿名", "phone": "", "hidden": True}
    if not may_see_caller(grants, order):
        return {"name": "保密", "phone": "", "hidden": True}
    phone = order.caller_phone
    if not (full and may_see_full_phone(grants, order)):
        phone = masking.mask_phone(phone)
    name = order.caller_name if full or is_centre(grants) else masking.mask_name(order.caller_name)
    return {"name": name, "phone": phone, "hidden": False}


FORBIDDEN = "HOTLINE_FORBIDDEN"


def abilities(grants, order) -> dict[str, workflow.Ability]:
    """What `grants` may do to `order` (pages show the buttons, services gate on it). A refused
    ability carries the reason the page and the API give."""
    state = order.status
    centre = grants.has(Role.HOTLINE_OPERATOR, Role.ADMIN)
    supervisor = grants.has(Role.SUPERVISOR)
    unit = handles(grants, order)
    head = order.main_unit_id in grants.units(Role.DEPT_HEAD) if order.main_unit_id else False
    co = not unit and bool(co_unit_ids(grants, order))
    not_yours = _("无权执行此操作")

    def may(who: bool, action: str) -> workflow.Ability:
        return workflow.allow(who and ORDER.can(action, state), FORBIDDEN, not_yours)

    return {
        "answer_directly": may(centre, "answer_directly"),
        "dispatch": may(centre, "dispatch"),
        "reassign": may(centre, "reassign"),
        "sign": may(unit, "sign"),
        "return": may(unit, "return"),
        "rule_return": workflow.allow(centre or supervisor, FORBIDDEN, not_yours),
        "ask_extension": may(unit, "ask_extension"),
        "decide_extension": may(centre or supervisor, "decide_extension"),
        "reply": may(unit, "reply"),
        "approve_reply": may(centre, "approve_reply"),
        "send_back": may(centre, "send_back"),
        "callback": may(centre, "callback"),
        "redo": may(centre, "redo"),
        "close": may(centre, "close"),
        "merge": may(centre, "merge"),
        "reclassify": may(centre, "reclassify"),
        "supervise": may(centre or supervisor, "supervise"),
        "urge": may(centre or supervisor or head, "urge"),
        # 协办意见: while the main unit handles the order (signed, before its reply)
        "co_opinion": co and state == PROG,
        # files: the centre or the main unit (open orders only: the service says why)
        "attach": workflow.allow(is_centre(grants) or unit, FORBIDDEN, _("无权上传附件")),
    }


# the capacity a person acts in on the hotline, most specific first
AUDIT_ROLES = (
    Role.HOTLINE_OPERATOR,
    Role.SUPERVISOR,
    Role.DEPT_HEAD,
    Role.DEPT_HANDLER,
    Role.ADMIN,
    Role.LEADER,
    Role.APPLICANT,
)


def staff_role(grants) -> str:
    return workflow.first_role(grants, AUDIT_ROLES)[0]


def audit_role(grants, order) -> tuple[str, int | None]:
    """Audit events about a work order record the actor's hotline role and the order's main
    unit (services name another unit where the event is about it: a return, a co-unit)."""
    return staff_role(grants), order.main_unit_id


def config_audit_role(grants, _obj) -> tuple[str, None]:
    return staff_role(grants), None


def order_county(reach: tuple[str, ...], prefix: str = "") -> Q:
    """Which county a work order (or, with `prefix` "order__", a row of one) belongs to
    (org.tenancy): its main unit's; one not dispatched yet, the county of the operator who
    registered it."""
    return Q(**{f"{prefix}main_unit__in": tenancy.unit_ids(reach)}) | (
        Q(**{f"{prefix}main_unit__isnull": True})
        & tenancy.created_in(reach, field=f"{prefix}created_by")
    )


def register_scopes() -> None:
    from yingshang.hotline import models as m

    scope.register(m.WorkOrder, order_rule, tenant=order_county)
    scope.register(m.Topic, topic_rule, tenant=tenancy.SHARED)  # one topic tree for the city
    for model in (
        m.WorkOrderAttachment,
        m.Extension,
        m.ReturnRequest,
        m.Redo,
        m.Reclassification,
        m.Supervision,
        m.CityReport,
        m.CoUnit,
    ):
        scope.register(model, child_rule, tenant=lambda reach: order_county(reach, "order__"))
    scope.register_abilities(m.WorkOrder, abilities)
    workflow.register_audit_role(m.WorkOrder, audit_role)
    for model in (m.LimitRule, m.KpiConfig, m.CityFigure):
        workflow.register_audit_role(model, config_audit_role)
