"""REST of 好差评 under /api/v1/ratings/: submit (app/mini-program, signed link, terminal),
list and statistics in the caller's scope, and the 差评 loop moves.

An anonymous rating is returned without any personal field and without the number of the case
or work order (which would lead to the person)."""

import datetime as dt
from typing import Literal

from django.http import Http404
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from yingshang import inputs
from yingshang.apiaccess.idempotency import idempotent
from yingshang.dbrouting import reporting
from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.org.masking import mask_phone
from yingshang.ratings import links, ratelimit, schemes, selectors, services
from yingshang.ratings import targets as T
from yingshang.ratings.actions import APPEAL_ACTIONS, RECTIFICATION_ACTIONS
from yingshang.ratings.models import (
    Appeal,
    Rating,
    Rectification,
    WindowVisit,
)
from yingshang.workcal import periods

router = Router(tags=["ratings"])


class RatingIn(Schema):
    object: Literal["case", "work_order", "visit"] = Field(..., description="被评对象类型")
    id: inputs.DbId = Field(..., description="被评对象编号")
    level: int = Field(..., ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    point: inputs.Text[20] | None = Field(
        None, description="评价节点：receive/accept/deliver/visit/workorder"
    )
    channel: Literal[
        "app_api", "web", "terminal", "hotline_callback", "window_pad", "qr", "sms"
    ] = "app_api"
    dimensions: dict[inputs.Text[40], int] = Field({}, max_length=20)
    problems: list[inputs.Text[40]] = Field([], max_length=20)
    comment: inputs.Text[1000] = ""
    anonymous: bool = False
    visit_token: inputs.Text[64] = ""


class LinkRatingIn(Schema):
    token: inputs.Text[500] = Field(..., description="短信/二维码评价链接中的签名令牌")
    level: int = Field(..., ge=1, le=5)
    anonymous: bool = False
    channel: Literal["sms", "qr"] = "sms"


class RatingOut(Schema):
    id: int
    level: int
    level_label: str
    is_bad: bool
    channel: str
    point: str
    anonymous: bool
    excluded: bool
    created_at: dt.datetime
    unit_id: int
    unit_name: str
    matter_id: int | None
    staff_id: int | None
    window_id: int | None
    problems: list[str]
    comment: str
    object_type: str | None
    object_number: str | None
    rater_phone: str | None = Field(None, description="实名评价的回访电话（脱敏）；匿名评价为 null")
    rectification_id: int | None = None


def rating_out(r: Rating) -> dict:
    if r.case_id:
        obj_type, number = "case", r.case.number
    elif r.work_order_id:
        obj_type, number = "work_order", r.work_order.number
    else:
        obj_type, number = "visit", None
    anonymous_object = r.anonymous and obj_type != "visit"
    return {
        "id": r.pk,
        "level": r.level,
        "level_label": r.get_level_display(),
        "is_bad": r.is_bad,
        "channel": r.channel,
        "point": r.point,
        "anonymous": r.anonymous,
        "excluded": r.excluded,
        "created_at": r.created_at,
        "unit_id": r.unit_id,
        "unit_name": r.unit.name,
        "matter_id": r.matter_id,
        "staff_id": r.staff_id,
        "window_id": r.window_id,
        "problems": r.problems,
        "comment": r.comment,
        "object_type": None if anonymous_object else obj_type,
        "object_number": None if anonymous_object else number,
        "rater_phone": None if r.anonymous else (mask_phone(r.rater_phone) or None),
        "rectification_id": getattr(getattr(r, "rectification", None), "pk", None)
        if r.is_bad
        else None,
    }


def _target(request, payload: RatingIn) -> T.Target:
    if payload.object == "visit":
        visit = WindowVisit.objects.filter(pk=payload.id).first()
        if visit is None:
            raise Http404
        return T.for_visit(visit)
    model = T.case_model() if payload.object == "case" else T.work_order_model()
    if model is None:
        raise Http404
    # the applicant (or the 12345 operator) must see the object; others get 404
    return T.Target(
        T.KIND_CASE if payload.object == "case" else T.KIND_WORK_ORDER,
        scope.get_for(request.user, model, payload.id),
    )


@router.post(
    "/ratings", response={201: RatingOut}, summary="提交评价（App/小程序/网站/自助终端/12345回访）"
)
def submit(request, payload: RatingIn):
    target = _target(request, payload)  # 404 for an object the caller cannot see
    # the object's allowance is spent only by those who may rate it (the account's own writes
    # are counted by the API): others' refused attempts must not use up its owner's
    if target.kind != T.KIND_VISIT or constant_time_compare(payload.visit_token, target.obj.token):
        ratelimit.check(request, obj_key=f"{target.kind}:{target.pk}", per_ip=False)

    def create():
        rating = services.rating_submit(
            actor=request.user,
            target=target,
            level=payload.level,
            channel=payload.channel,
            point=payload.point,
            dimensions=payload.dimensions,
            problems=payload.problems,
            comment=payload.comment,
            anonymous=payload.anonymous,
            visit_token=payload.visit_token,
        )
        return 201, rating_out(_with_relations(rating, target))

    return idempotent(request, "ratings.submit", payload, create)


def _with_relations(rating: Rating, target: T.Target) -> Rating:
    """What rating_out reads, from the objects at hand instead of reading the rating back."""
    from yingshang.org.names import unit_stub

    if target.kind == T.KIND_CASE:
        rating.case = target.obj
    elif target.kind == T.KIND_WORK_ORDER:
        rating.work_order = target.obj
    rating.unit = unit_stub(rating.unit_id)
    return rating


@router.post(
    "/ratings/by-link",
    auth=None,
    response={201: RatingOut},
    summary="凭签名链接评价（短信邀评、办件二维码）",
)
def submit_by_link(request, payload: LinkRatingIn):
    ratelimit.check(request)
    data = links.read_token(payload.token)
    target = T.load(data["k"], data["i"])
    if target is None:
        raise Http404
    ratelimit.check(request, obj_key=f"{target.kind}:{target.pk}")
    user = (
        request.user
        if getattr(request, "user", None) is not None and request.user.is_authenticated
        else None
    )
    rating = services.rating_submit(
        actor=user,
        target=target,
        level=payload.level,
        channel=payload.channel,
        point=data["p"],
        anonymous=payload.anonymous,
        link_token=payload.token,
    )
    return Status(
        201,
        rating_out(Rating.objects.select_related("unit", "case", "work_order").get(pk=rating.pk)),
    )


@router.get("/ratings", response=list[RatingOut], summary="评价列表（按权限范围）")
def rating_list(
    request,
    unit: int | None = None,
    matter: int | None = None,
    staff: int | None = None,
    channel: str | None = None,
    level: int | None = None,
    bad: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
    limit: inputs.Limit = 100,
    offset: inputs.Offset = 0,
):
    params = {
        "unit": unit,
        "matter": matter,
        "staff": staff,
        "channel": channel,
        "level": level,
        "bad": "1" if bad else "",
        "start": start.isoformat() if start else "",
        "end": end.isoformat() if end else "",
    }
    qs, _applied = selectors.filter_ratings(
        request.user, {k: (str(v) if v is not None else "") for k, v in params.items()}
    )
    limit = max(1, min(limit, 500))
    return [rating_out(r) for r in qs.select_related("rectification")[offset : offset + limit]]


@router.get("/ratings/{rating_id}", response=RatingOut, summary="评价详情")
def rating_detail(request, rating_id: int):
    return rating_out(
        scope.get_for(
            request.user,
            Rating,
            rating_id,
            queryset=Rating.objects.select_related("unit", "case", "work_order"),
        )
    )


class DetailsIn(Schema):
    problems: list[str] = Field([], description="差评问题（评价方案中的问题代码）")
    comment: str = Field("", description="意见建议")
    dimensions: dict[str, int] = Field({}, description="分项评价")


@router.post(
    "/ratings/{rating_id}/details",
    response=RatingOut,
    summary="补充评价的问题和意见（评价人本人，评价后限期内一次）",
)
def rating_details(request, rating_id: int, payload: DetailsIn):
    rating = scope.get_for(request.user, Rating, rating_id)
    if not services.is_own_rating(request.user, rating):
        raise DomainError("RATING_NOT_RATER", _("只有评价人本人可以补充评价内容"), status=403)
    services.rating_add_details(
        rating=rating,
        dimensions=payload.dimensions,
        problems=payload.problems,
        comment=payload.comment,
    )
    return rating_out(
        Rating.objects.select_related("unit", "case", "work_order", "rectification").get(
            pk=rating.pk
        )
    )


class StatOut(Schema):
    key: str | None
    label: str
    total: int
    satisfaction: float | None
    bad: int
    rectified_rate: float | None
    on_time_rate: float | None
    callback_rate: float | None
    coverage: float | None
    rated: int
    served: int | None
    excluded: int


@router.get("/stats", response=list[StatOut], summary="好差评统计（单位/事项/人员/窗口/渠道）")
@reporting()
def stats(
    request,
    group: Literal["unit", "matter", "staff", "window", "channel"] = "unit",
    start: dt.date | None = None,
    end: dt.date | None = None,
):
    if start is None or end is None:
        month = periods.current("month")
        start, end = month.first, month.last
    if end < start or (end - start).days > 731:
        raise DomainError("STATS_PERIOD_INVALID", _("统计期间无效（最长两年）"), status=400)
    rows = selectors.stats(request.user, group=group, start=start, end=end)
    return [
        {
            "key": None if r.key is None else str(r.key),
            "label": r.label,
            "total": r.total,
            "satisfaction": r.satisfaction,
            "bad": r.bad,
            "rectified_rate": r.rectified_rate,
            "on_time_rate": r.on_time_rate,
            "callback_rate": r.callback_rate,
            "coverage": r.coverage,
            "rated": r.rated,
            "served": r.served,
            "excluded": r.excluded,
        }
        for r in rows
    ]


class SchemeOut(Schema):
    kind: str
    version: int
    dimensions: list[dict]
    problems: list[dict]


@router.get(
    "/schemes/{kind}", auth=None, response=SchemeOut, summary="当前评价指标（维度与问题选项）"
)
def scheme(request, kind: Literal["online", "onsite"]):
    s = schemes.active(kind)
    return {
        "kind": s.kind,
        "version": s.version,
        "dimensions": s.dimensions,
        "problems": s.problems,
    }


class SchemeVersionOut(SchemeOut):
    published_at: dt.datetime
    is_active: bool


def _scheme_out(s) -> dict:
    return {
        "kind": s.kind,
        "version": s.version,
        "dimensions": s.dimensions,
        "problems": s.problems,
        "published_at": s.created_at,
        "is_active": s.is_active,
    }


@router.get(
    "/schemes",
    auth=None,
    response=list[SchemeVersionOut],
    summary="当前评价指标（网上办事、现场服务），含版本和发布时间",
)
def scheme_list(request) -> list[dict]:
    return [_scheme_out(schemes.active(kind)) for kind in ("online", "onsite")]


class SchemeItemIn(Schema):
    code: str = Field(..., description="代码：小写英文字母、数字、下划线，以字母开头")
    label: str = Field(..., description="名称（40字以内）")


class SchemePublishIn(Schema):
    dimensions: list[SchemeItemIn] = Field(..., description="评价维度，按显示顺序")
    problems: list[SchemeItemIn] = Field(..., description="差评问题选项，按显示顺序")
    reason: str = ""


@router.post(
    "/schemes/{kind}",
    response={201: SchemeVersionOut},
    summary="发布评价指标新版本（系统管理员）；已有评价保留原版本",
)
def scheme_publish(request, kind: Literal["online", "onsite"], payload: SchemePublishIn):
    def create():
        new = schemes.scheme_publish(
            actor=request.user,
            kind=kind,
            dimensions=[i.dict() for i in payload.dimensions],
            problems=[i.dict() for i in payload.problems],
            reason=payload.reason,
        )
        return 201, _scheme_out(new)

    return idempotent(request, f"ratings.scheme_publish.{kind}", payload, create)


# --- the 差评 loop --------------------------------------------------------------------------
class RectificationOut(Schema):
    id: int
    rating_id: int
    unit_id: int
    status: str
    verify_due_at: dt.datetime | None
    reply_due_at: dt.datetime | None
    verified_on_time: bool | None
    replied_on_time: bool | None
    outcome: str
    reply: str
    callback_required: bool
    callback_at: dt.datetime | None
    ledger_ref: str


class MoveIn(Schema):
    """The older single endpoint's body: the action's name and its fields."""

    action: Literal["verify", "reply", "callback", "close", "send_back"]
    note: inputs.Content = ""
    outcome: inputs.Text[40] = ""
    reply: inputs.Content = ""
    result: inputs.Content = ""
    reason: inputs.Content = ""


@router.get("/rectifications", response=list[RectificationOut], summary="差评整改列表")
def rectification_list(
    request,
    status: inputs.Text[20] | None = None,
    limit: inputs.Limit = 100,
    offset: inputs.Offset = 0,
):
    qs = scope.visible_to(request.user, Rectification)
    if status:
        qs = qs.filter(status=status)
    limit = max(1, min(limit, 500))
    return list(qs.order_by("reply_due_at", "pk")[offset : offset + limit])


def _rectification(request, pk: int) -> Rectification:
    return scope.get_for(request.user, Rectification, pk)


def _moved(request, rect: Rectification, result: Rectification) -> Rectification:
    return result


# POST /rectifications/{rect_id}/<action>: one endpoint per move, each with its own input
RECTIFICATION_ACTIONS.add_routes(
    router,
    "/rectifications/{rect_id}",
    fetch=_rectification,
    respond=_moved,
    response=RectificationOut,
    key=("rect_id", int),
)


@router.post(
    "/rectifications/{rect_id}/moves",
    response=RectificationOut,
    summary="差评整改办理（核实/答复/回访/办结/退回）",
)
def rectification_move(request, rect_id: int, payload: MoveIn):
    """The same moves in one endpoint, the action named in the body (kept for existing clients)."""
    return RECTIFICATION_ACTIONS.execute(
        payload.action,
        actor=request.user,
        obj=_rectification(request, rect_id),
        data=payload.model_dump(exclude={"action"}),
    )


class AppealIn(Schema):
    kind: Literal["malicious", "mistaken"]
    reason: inputs.Text[2000]


class AppealOut(Schema):
    id: int
    rating_id: int
    unit_id: int
    kind: str
    reason: str
    status: str
    decision_reason: str


@router.post("/ratings/{rating_id}/appeals", response={201: AppealOut}, summary="差评申诉")
def appeal_submit(request, rating_id: int, payload: AppealIn):
    rating = scope.get_for(request.user, Rating, rating_id)
    return idempotent(
        request,
        "ratings.appeal",
        payload,
        lambda: (
            201,
            AppealOut.from_orm(
                services.appeal_submit(
                    actor=request.user, rating=rating, kind=payload.kind, reason=payload.reason
                )
            ),
        ),
    )


# POST /appeals/{appeal_id}/decision {"upheld": …, "reason": …}
APPEAL_ACTIONS.add_routes(
    router,
    "/appeals/{appeal_id}",
    fetch=lambda request, pk: scope.get_for(request.user, Appeal, pk),
    respond=lambda request, appeal, result: result,
    response=AppealOut,
    key=("appeal_id", int),
)
