"""Writes of ratings: submission (every channel), optional details, the 12345 callback import.

Integrity rules (DESIGN.md §7, GB/T 39734 "forcing or interfering with a rating is prohibited"):
- nobody rates on behalf of the person served: a staff actor is refused, except the window pad
  in the applicant's hands (proved by the visit's token) and the 12345 operator recording the
  caller's answer on the callback;
- a rating is never changed by staff; its giver may add optional details once, right after the
  one-click rating;
- an anonymous rating stores no link to a person, and its audit event has no actor either.

The actor here is the person served, or None for someone who did not log in (a window QR code,
an SMS link): not a workflow actor, so these events are written with `audit.record` directly.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from yingshang import audit, workflow
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.org.roles import Role
from yingshang.org.scope import grants
from yingshang.ratings import links, schemes
from yingshang.ratings import targets as T
from yingshang.ratings.models import BAD_LEVELS, Channel, Level, Point, Rating, RatingSettings
from yingshang.ratings.services.rectifications import rectification_open
from yingshang.rowload import RowInserter
from yingshang.workcal import calendar

# the optional details page follows the click; after this it is closed
COMMENT_MAX = 500


# --- validation -------------------------------------------------------------------------------
def _clean_level(level) -> int:
    try:
        value = int(level)
    except (TypeError, ValueError):
        value = 0
    if value not in Level.values:
        raise InvalidInput(
            "RATING_LEVEL_INVALID",
            _("请选择评价等级（非常满意、满意、基本满意、不满意、非常不满意）"),
        )
    return value


def _clean_dimensions(scheme, dimensions) -> dict:
    if not dimensions:
        return {}
    if not isinstance(dimensions, dict):
        raise InvalidInput("RATING_DIMENSIONS_INVALID", _("分项评价格式有误"))
    allowed = scheme.dimension_codes()
    out = {}
    for code, value in dimensions.items():
        if code not in allowed:
            raise InvalidInput(
                "RATING_DIMENSIONS_INVALID",
                _("分项评价“%(code)s”不在当前评价指标中") % {"code": code},
                details={"allowed": sorted(allowed)},
            )
        if value in (None, ""):
            continue
        out[code] = _clean_level(value)
    return out


def _clean_problems(scheme, problems) -> list[str]:
    if not problems:
        return []
    allowed = scheme.problem_codes()
    codes = [str(p) for p in problems]
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        raise InvalidInput(
            "RATING_PROBLEMS_INVALID",
            _("问题选项无效：%(codes)s") % {"codes": "、".join(unknown)},
            details={"allowed": sorted(allowed)},
        )
    return list(dict.fromkeys(codes))


def _clean_comment(comment) -> str:
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(
            "RATING_COMMENT_TOO_LONG", _("意见建议最多%(n)d个字") % {"n": COMMENT_MAX}
        )
    return comment


# --- who may rate -----------------------------------------------------------------------------
def _is_staff(actor) -> bool:
    return (
        actor is not None
        and actor.is_authenticated
        and (actor.kind == "staff" or grants(actor).is_staff_member)
    )


def _authorise(
    *,
    actor,
    target: T.Target,
    channel: str,
    point: str,
    link_token: str,
    visit_token: str,
    pad: bool = False,
) -> str:
    """How this rating is allowed: "pad", "callback", "owner", "link" or "visit_qr"; raise otherwise.

    A visit is rated by the person served: on the window's pad (the pad page, `pad=True`, the
    only place a staff session may submit a visit's rating: the person holds the pad) or with
    the window's QR code on their own phone. A staff account never rates a visit otherwise —
    not through the API, not with the token printed on the public QR page, and never a visit
    it served itself."""
    if target.kind == T.KIND_VISIT and channel == Channel.WINDOW_PAD and not pad:
        raise PermissionDeniedError("STAFF_CANNOT_RATE", _("窗口评价器的评价只能在评价器上提交"))
    if _is_staff(actor):
        if (
            pad
            and channel in (Channel.WINDOW_PAD, Channel.TERMINAL)
            and target.kind == T.KIND_VISIT
            and visit_token
            and constant_time_compare(visit_token, target.obj.token)
        ):
            return "pad"
        if (
            channel == Channel.HOTLINE_CALLBACK
            and target.kind == T.KIND_WORK_ORDER
            and grants(actor).has(Role.HOTLINE_OPERATOR)
        ):
            return "callback"
        raise PermissionDeniedError("STAFF_CANNOT_RATE", _("工作人员不能代替办事群众评价"))
    if channel == Channel.HOTLINE_CALLBACK:
        raise PermissionDeniedError("RATING_CHANNEL_FORBIDDEN", _("12345回访评价只能由话务员记录"))
    if link_token:
        data = links.read_token(link_token)
        if data["k"] != target.kind or str(data["i"]) != str(target.pk) or data["p"] != point:
            raise DomainError("RATING_LINK_INVALID", _("评价链接无效"), status=400)
        return "link"
    if target.kind == T.KIND_VISIT:
        if visit_token and constant_time_compare(visit_token, target.obj.token):
            return "visit_qr"
        raise DomainError(
            "RATING_VISIT_TOKEN_INVALID", _("本次服务已结束或评价码无效，请重新扫码"), status=400
        )
    if target.is_owner(actor):
        return "owner"
    raise PermissionDeniedError("RATING_NOT_YOURS", _("只有办事人本人可以评价"))


def _already_rated(target: T.Target, point: str) -> DomainError:
    if target.kind == T.KIND_VISIT:
        return DomainError("RATING_ALREADY_GIVEN", _("本次窗口服务已评价（一次一评）"))
    if target.kind == T.KIND_WORK_ORDER:
        return DomainError("RATING_ALREADY_GIVEN", _("该工单已评价"))
    return DomainError(
        "RATING_ALREADY_GIVEN",
        _("该办件在“%(point)s”环节已评价（一事一评）") % {"point": Point(point).label},
    )


# --- submit -----------------------------------------------------------------------------------
def rating_submit(
    *,
    actor,
    target: T.Target,
    level,
    channel: str,
    point: str | None = None,
    dimensions: dict | None = None,
    problems: list | None = None,
    comment: str = "",
    anonymous: bool = False,
    link_token: str = "",
    visit_token: str = "",
    pad: bool = False,
    at: dt.datetime | None = None,
) -> Rating:
    """Record one rating. The click is the rating: only `level` is required; details may follow
    with rating_add_details. A 差评 opens its rectification in the same transaction."""
    if channel not in Channel.values:
        raise InvalidInput("RATING_CHANNEL_INVALID", _("评价渠道无效"))
    point = point or target.default_point()
    level = _clean_level(level)
    target.check_ratable(point)
    how = _authorise(
        actor=actor,
        target=target,
        channel=channel,
        point=point,
        link_token=link_token,
        visit_token=visit_token,
        pad=pad,
    )
    scheme = schemes.active(target.scheme_kind)
    dimensions = _clean_dimensions(scheme, dimensions)
    problems = _clean_problems(scheme, problems) if level in BAD_LEVELS else []
    comment = _clean_comment(comment)

    rater, phone = None, ""
    if how == "owner":
        rater, phone = actor, (actor.mobile or "")
    elif how == "callback":
        phone = target.owner_phone()
    elif how == "link" and target.is_owner(actor):
        rater, phone = actor, (actor.mobile or "")
    elif how == "link" and target.kind == T.KIND_CASE:
        # the SMS invitation went to the applicant's phone: a real-name rating unless they opt out
        owner = target.owner()
        rater, phone = owner, (target.owner_phone() or "")
    elif how == "link":
        phone = target.owner_phone()  # the caller the 12345 invitation was sent to
    if how in ("pad", "visit_qr") or (rater is None and not phone):
        anonymous = True  # nobody identified: it cannot be anything else
    if anonymous:
        rater, phone = None, ""

    return _record(
        target=target,
        level=level,
        scheme=scheme,
        dimensions=dimensions,
        problems=problems,
        comment=comment,
        channel=channel,
        point=point,
        anonymous=anonymous,
        rater=rater,
        phone=phone,
        audit_actor=None if anonymous or not _is_authenticated(actor) else actor,
        audit_role=""
        if anonymous
        else (Role.HOTLINE_OPERATOR if how == "callback" else Role.APPLICANT),
        at=at,
    )


def _is_authenticated(user) -> bool:
    return user is not None and user.is_authenticated


_RATINGS = RowInserter(Rating, ignore_conflicts=True)


def _record(
    *,
    target,
    level,
    scheme,
    dimensions,
    problems,
    comment,
    channel,
    point,
    anonymous,
    rater,
    phone,
    audit_actor,
    audit_role,
    at,
) -> Rating:
    counts = target.counts_for()
    if counts["unit_id"] is None:
        raise DomainError("RATING_NO_UNIT", _("该办理对象尚无责任单位，暂不能评价"))
    at = at or timezone.now()
    rating = Rating(
        level=level,
        is_bad=level in BAD_LEVELS,
        scheme_id=scheme.id,
        dimensions=dimensions,
        problems=problems,
        comment=comment,
        details_added_at=at if (dimensions or problems or comment) else None,
        channel=channel,
        point=point,
        anonymous=anonymous,
        rater=rater,
        rater_phone=phone[:20],
        case=target.obj if target.kind == T.KIND_CASE else None,
        work_order=target.obj if target.kind == T.KIND_WORK_ORDER else None,
        visit=target.obj if target.kind == T.KIND_VISIT else None,
        created_at=at,
        **counts,
    )
    try:
        # no savepoint: the partial unique indexes (one per case and point, per visit, per work
        # order) refuse a second rating through ON CONFLICT DO NOTHING, which raises nothing
        with transaction.atomic(savepoint=False):
            created = _RATINGS.insert(rating)
            if created:
                # The event of an anonymous rating names nobody: not the rater, and not the
                # clerk whose session ran the pad (GB/T 39734: the evaluator's information is
                # protected).
                audit.record(
                    actor=audit_actor,
                    action="rating.submit",
                    obj=rating,
                    unit=rating.unit_id,
                    after={
                        "level": level,
                        "channel": channel,
                        "point": point,
                        "anonymous": anonymous,
                    },
                    role=audit_role,
                )
                if rating.is_bad:  # the loop opens by itself: nobody in particular does it
                    rectification_open(actor=workflow.SYSTEM, rating=rating, at=at)
    except IntegrityError:
        raise _already_rated(target, point) from None
    if not created:
        raise _already_rated(target, point)
    return rating


def rating_import_hotline_callback(*, order, at: dt.datetime | None = None) -> Rating | None:
    """Turn the 12345 callback answer the hotline recorded (satisfied yes/no) into the work
    order's rating (channel hotline_callback): satisfied → 满意, not satisfied → 不满意 (a 差评,
    which opens its rectification). The hotline module records the answer; this reads it, so
    the operator answers once. A confidential or anonymous caller gives an anonymous rating."""
    if order.status != "closed" or order.satisfied is None:
        return None
    target = T.for_work_order(order)
    if Rating.objects.filter(work_order=order).exists():
        return None
    level = Level.SATISFIED if order.satisfied else Level.DISSATISFIED
    anonymous = bool(order.anonymous or order.confidential or not order.caller_phone)
    try:
        return _record(
            target=target,
            level=int(level),
            scheme=schemes.active(target.scheme_kind),
            dimensions={},
            problems=[],
            comment="",
            channel=Channel.HOTLINE_CALLBACK,
            point=Point.WORKORDER,
            anonymous=anonymous,
            rater=None,
            phone="" if anonymous else order.caller_phone,
            audit_actor=None,
            audit_role="",
            at=at or order.callback_at or order.closed_at or timezone.now(),
        )
    except DomainError:
        return None


def rating_import_hotline_callbacks(limit: int = 2000) -> int:
    WorkOrder = T.work_order_model()
    if WorkOrder is None or not T.has_field(WorkOrder, "satisfied"):
        return 0
    orders = (
        WorkOrder.objects.filter(status="closed", satisfied__isnull=False, main_unit__isnull=False)
        .exclude(pk__in=Rating.objects.filter(work_order__isnull=False).values("work_order_id"))
        .order_by("closed_at")[:limit]
    )
    return sum(1 for order in orders if rating_import_hotline_callback(order=order) is not None)


def details_until(rating: Rating) -> dt.datetime:
    """Until when the rater may add the problems, dimensions and comment of `rating`
    (RatingSettings.details_days after rating)."""
    days = RatingSettings.current().details_days
    return calendar.deadline(rating.created_at, days, "natural_days").due_at


def details_open(rating: Rating, at: dt.datetime | None = None) -> bool:
    return rating.details_added_at is None and (at or timezone.now()) <= details_until(rating)


def is_own_rating(actor, rating: Rating) -> bool:
    """A real-name rating belongs to its rater (an anonymous one to nobody: only the browser
    session that gave it may complete it, on the page right after the click)."""
    return (
        _is_authenticated(actor)
        and not rating.anonymous
        and rating.rater_id is not None
        and rating.rater_id == actor.pk
    )


@transaction.atomic
def rating_add_details(
    *,
    rating: Rating,
    dimensions: dict | None = None,
    problems: list | None = None,
    comment: str = "",
    at: dt.datetime | None = None,
) -> Rating:
    """Dimensions, problems (for a 差评) and a comment, once, within RatingSettings.details_days
    of rating: right after the click, or later from 我的评价 / the API. Who may do it the caller
    has checked (the session that gave the rating, or `is_own_rating`)."""
    rating = Rating.objects.select_for_update().select_related("scheme").get(pk=rating.pk)
    at = at or timezone.now()
    if rating.details_added_at is not None:
        raise DomainError("RATING_DETAILS_CLOSED", _("补充内容已提交，不能再修改"))
    if at > details_until(rating):
        raise DomainError(
            "RATING_DETAILS_EXPIRED",
            _("已超过补充期限（评价后%(days)d天内可补充）")
            % {"days": RatingSettings.current().details_days},
        )
    dims = _clean_dimensions(rating.scheme, dimensions)
    probs = _clean_problems(rating.scheme, problems) if rating.is_bad else []
    comment = _clean_comment(comment)
    rating.dimensions, rating.problems, rating.comment, rating.details_added_at = (
        dims,
        probs,
        comment,
        at,
    )
    rating.save(update_fields=["dimensions", "problems", "comment", "details_added_at"])
    audit.record(
        actor=None if rating.anonymous else rating.rater,
        action="rating.add_details",
        obj=rating,
        unit=rating.unit,
        after={"dimensions": dims, "problems": probs, "comment": bool(comment)},
    )
    return rating
