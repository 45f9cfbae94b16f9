"""REST API of the hotline under /api/v1/hotline/: create (idempotent: Idempotency-Key header,
and external number + source system for city orders), list in scope, detail, transitions."""

import datetime as dt

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from yingshang import inputs
from yingshang.apiaccess.idempotency import idempotent
from yingshang.errors import InvalidInput, PermissionDeniedError
from yingshang.hotline import rules, services
from yingshang.hotline.actions import API_ACTIONS, ORDER_ACTIONS
from yingshang.hotline.actions import CoOpinionIn as CoOpinionForm
from yingshang.hotline.models import Topic, WorkOrder
from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.workcal import calendar

router = Router(tags=["12345热线"])


class OrderIn(Schema):
    content: inputs.Content = Field(..., description="诉求内容")
    channel: inputs.Text[12] = Field(
        "app_api", description="phone/web/app_api/open311/city/window/letter"
    )
    category: inputs.Text[12] = "consult"
    urgency: inputs.Text[10] = "normal"
    topic_code: inputs.Text[40] | None = None
    caller_name: inputs.Text[40] = ""
    caller_phone: inputs.Text[30] = ""
    anonymous: bool = False
    confidential: bool = False
    firm_uscc: inputs.Text[40] | None = None
    address: inputs.Text[200] = ""
    lat: inputs.Latitude | None = None
    lng: inputs.Longitude | None = None
    external_number: inputs.Text[40] = Field(
        "", description="市平台工单编号（市平台下派时必填，幂等）"
    )
    source_system: inputs.Text[20] = Field(
        "", description="来源系统，如 city（仅热线坐席与对接系统可填）"
    )
    attributes: dict[inputs.Text[40], inputs.Text[500] | int | float | bool | None] = Field(
        {}, max_length=30
    )


class CoOpinionBody(CoOpinionForm):
    opinion: str = Field(..., description="协办意见")


class CoOpinionOut(Schema):
    order_id: int
    unit_id: int
    unit: str
    opinion: str = Field(..., description="协办意见（空：尚未提交）")
    opinion_at: dt.datetime | None
    opinion_by: str | None


def co_opinion_out(link) -> dict:
    return {
        "order_id": link.order_id,
        "unit_id": link.unit_id,
        "unit": link.unit.name,
        "opinion": link.opinion,
        "opinion_at": link.opinion_at,
        "opinion_by": link.opinion_by.display_name if link.opinion_by_id else None,
    }


class OrderOut(Schema):
    id: int
    number: str
    external_number: str
    source_system: str
    channel: str
    category: str
    urgency: str
    topic_code: str | None
    status: str
    caller_name: str
    caller_phone: str
    caller_hidden: bool
    confidential: bool
    address: str
    content: str
    main_unit_id: int | None
    main_unit: str | None
    registered_at: dt.datetime
    dispatched_at: dt.datetime | None
    signed_at: dt.datetime | None
    replied_at: dt.datetime | None
    closed_at: dt.datetime | None
    due_at: dt.datetime | None
    handle_due_at: dt.datetime | None
    due_provisional: bool = Field(
        False, description="时限按尚未公布节假日安排的年度推算（预计），公布后自动重算"
    )
    reply: str
    resolved: bool | None
    satisfied: bool | None
    redo_count: int
    merged_into: str | None
    abilities: dict[str, bool] = {}
    co_opinions: list[CoOpinionOut] = Field(
        [], description="协办单位及其意见（仅详情；意见为空表示尚未提交）"
    )


def order_out(user, o: WorkOrder, *, full: bool = True) -> dict:
    g = scope.grants(user)
    caller = rules.caller(g, o, full=full)
    return {
        "id": o.pk,
        "number": o.number,
        "external_number": o.external_number,
        "source_system": o.source_system,
        "channel": o.channel,
        "category": o.category,
        "urgency": o.urgency,
        "topic_code": o.topic.code if o.topic_id else None,
        "status": o.status,
        "caller_name": caller["name"],
        "caller_phone": caller["phone"],
        "caller_hidden": caller["hidden"],
        "confidential": o.confidential,
        "address": o.address,
        "content": o.content,
        "main_unit_id": o.main_unit_id,
        "main_unit": o.main_unit.name if o.main_unit_id else None,
        "registered_at": o.registered_at,
        "dispatched_at": o.dispatched_at,
        "signed_at": o.signed_at,
        "replied_at": o.replied_at,
        "closed_at": o.closed_at,
        "due_at": o.due_at,
        "handle_due_at": o.handle_due_at,
        "due_provisional": calendar.is_provisional(o.handle_due_at or o.due_at),
        "reply": o.reply,
        "resolved": o.resolved,
        "satisfied": o.satisfied,
        "redo_count": o.redo_count,
        "merged_into": o.merged_into.number if o.merged_into_id else None,
        "abilities": {k: bool(v) for k, v in rules.abilities(g, o).items()} if full else {},
        "co_opinions": [
            co_opinion_out(c)
            for c in o.co_unit_links.select_related("unit", "opinion_by").order_by("id")
        ]
        if full and o.main_unit_id  # co-units come with a dispatch
        else [],
    }


def _topic(code):
    if not code:
        return None
    topic = Topic.objects.filter(code=code, is_active=True).first()
    if topic is None:
        raise InvalidInput(
            "HOTLINE_TOPIC_UNKNOWN", _("分类代码不存在"), details={"field": "topic_code"}
        )
    return topic


def _get(request, pk):
    return scope.get_for(
        request.auth,
        WorkOrder,
        pk,
        queryset=WorkOrder.objects.select_related("main_unit", "topic", "merged_into"),
    )


@router.post(
    "/orders",
    response={200: OrderOut, 201: OrderOut},
    summary="登记工单（市平台下派按外部编号幂等）",
)
def create_order(request, payload: OrderIn):
    user = request.auth
    g = scope.grants(user)
    if not g.has(Role.HOTLINE_OPERATOR, Role.ADMIN, Role.APPLICANT):
        raise PermissionDeniedError("HOTLINE_FORBIDDEN", _("无权登记工单"))

    def create():
        data = payload.dict()
        channel = data["channel"]
        if g.has(Role.APPLICANT) and not g.has(Role.HOTLINE_OPERATOR, Role.ADMIN):
            channel = "app_api"
            data["caller_phone"] = data["caller_phone"] or (user.mobile or "")
            data["caller_name"] = data["caller_name"] or user.display_name
            data["external_number"] = ""
            data["source_system"] = ""  # only the hotline and its integrations name a source
        firm = None
        if data.get("firm_uscc"):
            from yingshang.enterprises.selectors import firm_by_uscc

            firm = firm_by_uscc(data["firm_uscc"], field="firm_uscc")
            if firm is None:
                raise InvalidInput(
                    "HOTLINE_FIRM_NOT_FOUND",
                    _("未找到该统一社会信用代码对应的企业"),
                    details={"field": "firm_uscc"},
                )
        order = services.workorder_register(
            actor=user,
            content=data["content"],
            channel=channel,
            category=data["category"],
            urgency=data["urgency"],
            topic=_topic(data.get("topic_code")),
            caller_name=data["caller_name"],
            caller_phone=data["caller_phone"],
            anonymous=data["anonymous"],
            confidential=data["confidential"],
            firm=firm,
            address=data["address"],
            lat=data["lat"],
            lng=data["lng"],
            external_number=data["external_number"],
            source_system=data["source_system"],
            attributes=data["attributes"],
        )
        created = getattr(order, "created", True)
        if not created:  # the same city order pushed again: answer with the existing one
            order = WorkOrder.objects.select_related("main_unit", "topic", "merged_into").get(
                pk=order.pk
            )
        return (201 if created else 200), order_out(user, order)

    return idempotent(request, "hotline.create", payload, create)


@router.get("/orders", response=list[OrderOut], summary="工单列表（本人可见范围）")
def list_orders(
    request,
    status: inputs.Text[20] = "",
    unit_id: inputs.DbId | None = None,
    since: inputs.DateTime | None = None,
    q: inputs.Text[100] = "",
    limit: inputs.Limit = 50,
    offset: inputs.Offset = 0,
):
    qs = scope.visible_to(request.auth, WorkOrder).select_related(
        "main_unit", "topic", "merged_into"
    )
    if status:
        qs = qs.filter(status=status)
    if unit_id:
        qs = qs.filter(main_unit_id=unit_id)
    if since:
        qs = qs.filter(registered_at__gte=since)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(content__icontains=q))
    return [
        order_out(request.auth, o, full=False)
        for o in qs.order_by("-registered_at", "-id")[offset : offset + limit]
    ]


@router.get("/orders/{order_id}", response=OrderOut, summary="工单详情")
def get_order(request, order_id: int):
    return order_out(request.auth, _get(request, order_id))


@router.post(
    "/orders/{order_id}/co-opinion",
    response=CoOpinionOut,
    summary="提交或修改协办意见（协办单位，主办单位签收后、答复前）",
)
def co_opinion(request, order_id: int, payload: CoOpinionBody):
    """Errors: HOTLINE_CO_OPINION_FORBIDDEN (403, not a handler/head of a co-unit),
    HOTLINE_CO_OPINION_STATE (409, the main unit has not signed or has already replied),
    HOTLINE_CO_OPINION_REQUIRED (400), HOTLINE_CO_UNIT_REQUIRED (400, give unit_id)."""
    link = services.workorder_co_opinion(
        actor=request.auth,
        order=_get(request, order_id),
        opinion=payload.opinion,
        unit_id=payload.unit_id,
    )
    link = type(link).objects.select_related("unit", "opinion_by").get(pk=link.pk)
    return co_opinion_out(link)


def _respond(request, order, result):
    """The order after the action. A unit that has just returned it no longer sees it: it is
    told the order's state at that moment (the page sends it back to its queue instead)."""
    try:
        return order_out(request.auth, _get(request, order.pk))
    except Http404:
        gone = WorkOrder.objects.select_related("main_unit", "topic", "merged_into").get(
            pk=order.pk
        )
        return order_out(request.auth, gone, full=False)


# POST /orders/{order_id}/<action>: one endpoint per action, each with its own input schema
ORDER_ACTIONS.add_routes(
    router,
    "/orders/{order_id}",
    fetch=_get,
    respond=_respond,
    response=OrderOut,
    key=("order_id", int),
    only=API_ACTIONS,
)


class TopicOut(Schema):
    id: int
    code: str
    name: str
    parent_code: str | None
    default_unit_id: int | None
    extra_fields: list


@router.get("/topics", response=list[TopicOut], auth=None, summary="诉求分类")
def topics(request):
    return [
        {
            "id": t.pk,
            "code": t.code,
            "name": t.name,
            "parent_code": t.parent.code if t.parent_id else None,
            "default_unit_id": t.default_unit_id,
            "extra_fields": t.extra_fields,
        }
        for t in scope.visible_to(request.user, Topic)
        .filter(is_active=True)
        .select_related("parent")
    ]
