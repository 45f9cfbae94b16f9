"""Work-order workflow (DESIGN.md §6). Every transition: check the actor, lock the row, check the
state table, move the clocks (workcal), write the audit event, queue messages — in one
transaction. Nothing is deleted."""

import datetime as dt
import logging
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.hotline import rules
from yingshang.hotline.limits import limit_for
from yingshang.hotline.models import (
    CoUnit,
    Extension,
    Reclassification,
    Redo,
    ReturnRequest,
    Supervision,
    Topic,
    WorkOrder,
)
from yingshang.hotline.transitions import ORDER
from yingshang.notify import services as notify
from yingshang.org.roles import Role
from yingshang.org.scope import grants as grants_of
from yingshang.rowload import RowInserter, next_id
from yingshang.workcal import calendar, clocks
from yingshang.workcal.models import Clock

log = logging.getLogger(__name__)
S = WorkOrder.Status


# --- helpers ---------------------------------------------------------------------------------
def _now(at=None) -> dt.datetime:
    return at or timezone.now()


def _role(actor) -> str:
    if actor is None:
        return ""
    g = grants_of(actor)
    for role in (
        Role.HOTLINE_OPERATOR,
        Role.SUPERVISOR,
        Role.DEPT_HEAD,
        Role.DEPT_HANDLER,
        Role.ADMIN,
        Role.LEADER,
        Role.APPLICANT,
    ):
        if g.has(role):
            return str(role)
    return ""


def _require(actor, order, ability: str) -> None:
    if actor is None:
        raise PermissionDeniedError("HOTLINE_FORBIDDEN", _("无权执行此操作"))
    ab = rules.abilities(grants_of(actor), order)
    if not ab.get(ability):
        # tell "wrong state" from "not yours": the state table has the precise code
        move = ORDER.moves.get(ability)
        if move is not None and order.status not in move.sources:
            ORDER.check(ability, order.status)
        raise PermissionDeniedError(
            "HOTLINE_FORBIDDEN", _("无权执行此操作"), details={"action": ability}
        )


def _lock(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.select_for_update().get(pk=order.pk)


def _snapshot(order: WorkOrder, *fields) -> dict:
    return {f: getattr(order, f) for f in fields}


def _record(actor, action, order, before, after, *, reason="", unit=None):
    return audit.record(
        actor=actor,
        action=f"hotline.{action}",
        obj=order,
        before=before,
        after=after,
        reason=reason,
        role=_role(actor),
        unit=unit if unit is not None else order.main_unit_id,
    )


def _open_clock(order, purpose) -> Clock | None:
    return (
        clocks.clocks_of(order, purpose).exclude(state=Clock.State.STOPPED).order_by("-id").first()
    )


def _stop(order, purpose, at) -> Clock | None:
    clock = _open_clock(order, purpose)
    if clock is not None:
        clock = clocks.clock_stop(clock=clock, at=at)
    return clock


def _start(order, purpose: str, at: dt.datetime) -> Clock:
    limit = limit_for(purpose, order.category, order.urgency)
    amount, unit = limit.amount, limit.unit
    if limit.same_day:
        # 当日: the working hours left today; after hours, the rule's own amount
        left = calendar.working_hours_between(at, calendar.end_of_day(calendar.local_date(at)))
        if left >= 1:
            amount, unit = round(left, 2), "working_hours"
    return clocks.clock_start(owner=order, purpose=purpose, amount=amount, unit=unit, started_at=at)


def _unit_staff(unit_id, roles=(Role.DEPT_HANDLER, Role.DEPT_HEAD)):
    from yingshang.org.models import User

    if unit_id is None:
        return User.objects.none()
    return User.objects.filter(
        role_assignments__unit_id=unit_id,
        role_assignments__role__in=roles,
        role_assignments__revoked_at__isnull=True,
        is_active=True,
    ).distinct()


def _centre_staff():
    from yingshang.org.models import User

    return User.objects.filter(
        role_assignments__role=Role.HOTLINE_OPERATOR,
        role_assignments__revoked_at__isnull=True,
        is_active=True,
    ).distinct()


def _tell_unit(order, body, unit_id=None):
    link = f"/staff/hotline/orders/{order.pk}/"
    for user in _unit_staff(unit_id or order.main_unit_id):
        notify.send(
            channel="inapp",
            recipient=user,
            subject=_("工单 %(n)s") % {"n": order.number},
            body=body,
            link=link,
            related=order,
        )


def _tell_centre(order, body):
    link = f"/staff/hotline/orders/{order.pk}/"
    for user in _centre_staff():
        notify.send(
            channel="inapp",
            recipient=user,
            subject=_("工单 %(n)s") % {"n": order.number},
            body=body,
            link=link,
            related=order,
        )


def _tell_caller(order, body):
    if order.caller_phone and not order.anonymous:
        notify.send(channel="sms", address=order.caller_phone, body=body, related=order)


def _report_city(order, event: str, payload: dict | None = None):
    if order.source_system:
        from yingshang.hotline.city import get_adapter

        get_adapter().report(order, event, payload or {})


def _fmt(at) -> str:
    return calendar.to_local(at).strftime("%Y-%m-%d %H:%M") if at else ""


# --- register ---------------------------------------------------------------------------------
REQUIRED_TEXT = 5


_ORDERS = RowInserter(WorkOrder)


def register(
    *,
    actor,
    content: str,
    channel: str = WorkOrder.Channel.PHONE,
    category: str = WorkOrder.Category.CONSULT,
    urgency: str = WorkOrder.Urgency.NORMAL,
    topic: Topic | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    anonymous: bool = False,
    confidential: bool = False,
    firm=None,
    address: str = "",
    lat=None,
    lng=None,
    title: str = "",
    external_number: str = "",
    source_system: str = "",
    attributes: dict | None = None,
    at: dt.datetime | None = None,
) -> WorkOrder:
    """登记. Idempotent on (source_system, external_number): a city order pushed twice is the
    same order (the returned object has `created = False`)."""
    content = (content or "").strip()
    if len(content) < REQUIRED_TEXT:
        raise InvalidInput(
            "HOTLINE_CONTENT_TOO_SHORT",
            _("请填写诉求内容（至少%(n)d个字）") % {"n": REQUIRED_TEXT},
            details={"field": "content"},
        )
    if channel not in WorkOrder.Channel.values:
        raise InvalidInput("HOTLINE_BAD_CHANNEL", _("来源渠道无效"), details={"field": "channel"})
    if category not in WorkOrder.Category.values:
        raise InvalidInput("HOTLINE_BAD_CATEGORY", _("诉求类别无效"), details={"field": "category"})
    if urgency not in WorkOrder.Urgency.values:
        raise InvalidInput("HOTLINE_BAD_URGENCY", _("紧急程度无效"), details={"field": "urgency"})
    caller_phone = (caller_phone or "").strip().replace(" ", "").replace("-", "")
    if caller_phone and not caller_phone.isdigit():
        raise InvalidInput(
            "HOTLINE_BAD_PHONE", _("联系电话只能包含数字"), details={"field": "caller_phone"}
        )
    if not anonymous and not caller_phone:
        raise InvalidInput(
            "HOTLINE_PHONE_REQUIRED",
            _("请填写联系电话，或勾选匿名"),
            details={"field": "caller_phone"},
        )
    external_number = (external_number or "").strip()
    if external_number and not source_system:
        source_system = "city"
    if topic is not None and topic.extra_fields and attributes is not None:
        missing = [
            f.get("code")
            for f in topic.extra_fields
            if f.get("required") and not attributes.get(f.get("code"))
        ]
        if missing:
            raise InvalidInput(
                "HOTLINE_ATTRIBUTE_REQUIRED",
                _("请填写必填的附加信息：%(f)s") % {"f": "、".join(missing)},
                details={"fields": missing},
            )
    at = _now(at)
    if external_number:
        existing = WorkOrder.objects.filter(
            source_system=source_system, external_number=external_number
        ).first()
        if existing is not None:
            existing.created = False
            return existing
    try:
        # a savepoint only where a unique clash is expected (a city order pushed twice at once)
        with transaction.atomic(savepoint=bool(external_number)):
            pk = next_id(WorkOrder)
            day = f"{calendar.local_date(at):%Y%m%d}"
            order = WorkOrder(
                pk=pk,
                # the number comes from the id: known before the insert on PostgreSQL, written
                # after it elsewhere (a provisional unique value first)
                number=f"GD{day}{pk:08d}" if pk is not None else uuid.uuid4().hex[:24],
                external_number=external_number,
                source_system=source_system,
                channel=channel,
                caller_name=(caller_name or "").strip()[:40],
                caller_phone=caller_phone[:20],
                anonymous=anonymous,
                confidential=confidential,
                firm=firm,
                category=category,
                topic=topic,
                urgency=urgency,
                title=(title or content[:30])[:120],
                content=content,
                address=address[:200],
                lat=lat,
                lng=lng,
                attributes=attributes or {},
                status=S.REGISTERED,
                registered_at=at,
                created_by=actor,
            )
            _ORDERS.insert(order)
            if pk is None:
                order.number = f"GD{day}{order.pk:08d}"
                WorkOrder.objects.filter(pk=order.pk).update(number=order.number)
            _record(
                actor,
                "register",
                order,
                None,
                {
                    "number": order.number,
                    "channel": channel,
                    "category": category,
                    "urgency": urgency,
                    "topic": getattr(topic, "code", None),
                    "external_number": external_number,
                    "confidential": confidential,
                    "anonymous": anonymous,
                },
                unit=None,
            )
    except IntegrityError:
        if external_number:  # a concurrent push of the same city order won the race
            existing = WorkOrder.objects.get(
                source_system=source_system, external_number=external_number
            )
            existing.created = False
            return existing
        raise
    order.created = True
    return order


# --- co-handling units (协办) -------------------------------------------------------------------
CO_OPINION_MIN = 2


def co_opinion_submit(
    *, actor, order: WorkOrder, opinion: str, unit_id: int | None = None
) -> CoUnit:
    """协办意见: a handler or head of a co-handling unit gives the unit's opinion to the main unit.

    - Who: a dept handler/head of one of the order's co-units (not of the main unit).
      Anyone else: HOTLINE_CO_OPINION_FORBIDDEN (403).
    - When: while the main unit handles the order — signed (in_progress), before its reply.
      Otherwise HOTLINE_CO_OPINION_STATE (409). After a send-back or a redo the order is in
      progress again, so the opinion can be revised for the new reply.
    - How often: one opinion per co-unit per dispatch round, editable until the main unit
      replies (a later submission replaces the text; each version stays in the audit history).
      A return (退单) clears the opinions for the next dispatch. Submitting the same text again
      changes nothing (safe to retry).
    - The main unit's handlers are notified (in-app) of every new or changed opinion."""
    opinion = (opinion or "").strip()
    if len(opinion) < CO_OPINION_MIN:
        raise InvalidInput(
            "HOTLINE_CO_OPINION_REQUIRED",
            _("请填写协办意见（至少%(n)d个字）") % {"n": CO_OPINION_MIN},
            details={"field": "opinion"},
        )
    with transaction.atomic():
        order = _lock(order)
        mine = rules.co_unit_ids(grants_of(actor), order) if actor is not None else []
        if unit_id is not None:
            mine = [u for u in mine if u == unit_id]
        if not mine:
            raise PermissionDeniedError(
                "HOTLINE_CO_OPINION_FORBIDDEN",
                _("只有本工单协办单位的经办人或负责人可以提交协办意见"),
            )
        if len(mine) > 1:
            raise InvalidInput(
                "HOTLINE_CO_UNIT_REQUIRED",
                _("您在多个协办单位任职，请选择以哪个单位提交意见"),
                details={"field": "unit_id", "units": mine},
            )
        if order.status != S.IN_PROGRESS:
            raise DomainError(
                "HOTLINE_CO_OPINION_STATE",
                _("主办单位签收后、答复前才能提交或修改协办意见"),
                details={"state": order.status},
            )
        link = CoUnit.objects.select_for_update().get(order=order, unit_id=mine[0])
        if link.opinion == opinion:
            return link
        at = _now()
        before = {"opinion": link.opinion}
        first = not link.opinion
        link.opinion, link.opinion_by, link.opinion_at = opinion, actor, at
        link.save(update_fields=["opinion", "opinion_by", "opinion_at"])
        _record(
            actor,
            "co_opinion",
            order,
            before,
            {"opinion": opinion},
            unit=link.unit_id,
        )
        unit_name = _unit(link.unit_id).name
        body = (
            _("协办单位%(u)s已提交协办意见：%(o)s")
            if first
            else _("协办单位%(u)s修改了协办意见：%(o)s")
        ) % {"u": unit_name, "o": opinion[:200]}
        _tell_unit(order, body)
    return link


# --- answer directly (知识库) -----------------------------------------------------------------
def answer_directly(
    *, actor, order: WorkOrder, reply: str, article_id: int | None = None
) -> WorkOrder:
    reply = (reply or "").strip()
    if not reply:
        raise InvalidInput(
            "HOTLINE_REPLY_REQUIRED", _("请填写答复内容"), details={"field": "reply"}
        )
    if article_id is not None:
        from yingshang.knowledge.selectors import citable

        citable(article_id)  # published and in force today, or a clear error
    with transaction.atomic():
        order = _lock(order)
        _require(actor, order, "answer_directly")
        at = _now()
        before = _snapshot(order, "status", "reply")
        order.status = ORDER.target("answer_directly", order.status)
        order.reply = reply
        order.replied_at = at
        order.closed_at = at
        order.close_kind = WorkOrder.CloseKind.DIRECT
        order.knowledge_article_id = article_id
        order.due_at = None
        order.save()
        _record(
            actor,
            "answer_directly",
            order,
            before,
            {"status": order.status, "reply": reply, "knowledge_article_id": article_id},
        )
        _report_city(order, "closed", {"reply": reply})
    return order


# --- dispatch / sign / return -----------------------------------------------------------------
def dispatch(
    *, actor, order: WorkOrder, main_unit, co_units=(), note: str = "", suggested_unit_id=None
) -> WorkOrder:
    if main_unit is None:
        raise InvalidInput(
            "HOTLINE_UNIT_REQUIRED", _("请选择主办单位"), details={"field": "main_unit"}
        )
    co_units = [u for u in co_units if u.pk != main_unit.pk]
    with transaction.atomic():
        order = _lock(order)
        _require(actor, order, "dispatch")
        at = _now()
        before = _snapshot(order, "status", "main_unit_id")
        order.status = ORDER.target("dispatch", order.status)
        order.main_unit = main_unit
        order.dispatched_at = at
        order.first_dispatched_at = order.first_dispatched_at or at
        order.signed_at = None
        order.signed_on_time = None
        sign_clock = _start(order, "sign", at)
        order.sign_due_at = sign_clock.due_at
        # the handling clock runs from the first dispatch; a return does not reset it
        handle = _open_clock(order, "handle")
        if handle is None:
            handle = _start(order, "handle", at)
        order.handle_due_at = handle.due_at
        order.due_at = sign_clock.due_at
        order.save()
        for unit in co_units:
            CoUnit.objects.get_or_create(order=order, unit=unit)
        _record(
            actor,
            "dispatch",
            order,
            before,
            {
                "status": order.status,
                "main_unit_id": main_unit.pk,
                "co_units": [u.pk for u in co_units],
                "sign_due_at": order.sign_due_at,
                "handle_due_at": order.handle_due_at,
                "suggested_unit_id": suggested_unit_id,
            },
            reason=note,
            unit=main_unit.pk,
        )
        _tell_unit(order, _("新工单待签收，请于 %(d)s 前签收。") % {"d": _fmt(order.sign_due_at)})
        for unit in co_units:
            _tell_unit(order, _("您单位为工单协办单位，请配合主办单位办理。"), unit_id=unit.pk)
        _report_city(order, "dispatched", {"unit": main_unit.name})
    return order


def sign(*, actor, order: WorkOrder) -> WorkOrder:
    with transaction.atomic():
        order = _lock(order)
        _require(actor, order, "sign")
        at = _now()
        before = _snapshot(order, "status", "signed_at")
        clock = _stop(order, "sign", at)
        order.status = ORDER.target("sign", order.status)
        order.signed_at = at
        order.signed_on_time = clock.outcome == Clock.Outcome.MET if clock else True
        order.due_at = order.handle_due_at
        order.save()
        _record(
            actor,
            "sign",
            order,
            before,
            {"status": order.status, "signed_at": at, "signed_on_time": order.signed_on_time},
        )
        _report_city(order, "signed", {"unit": order.main_unit.name if order.main_unit_id else ""})
    return order


def return_order(*, actor, order: WorkOrder, reason: str) -> ReturnRequest:
    """退单: the unit gives the order back with a reason; the centre re-dispatches and rules
    whether the return was justified. The handling clock keeps running."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise InvalidInput(
            "HOTLINE_RETURN_REASON_REQUIRED",
            _("请填写退单理由（至少4个字）"),
            details={"field": "reason"},
        )
    with transaction.atomic():
        order = _lock(order)
        _require(actor, order, "return")
        at = _now()
        unit_id = order.main_unit_id
        before = _snapshot(order, "status", "main_unit_id")
        _stop(order, "sign", at)
        order.status = ORDER.target("return", order.status)
        order.main_unit = None
        order.return_count += 1
        order.due_at = order.handle_due_at
        order.save()
        CoUnit.objects.filter(order=order).update(opinion="", opinion_by=None, opinion_at=None)
        ret = ReturnRequest.objects.create(
            order=order, unit_id=unit_id, reason=reason, returned_by=actor, returned_at=at
        )
        event = _record(
            actor,
            "return",
            order,
            before,
            {"status": order.status, "main_unit_id": None},
            reason=reason,
            unit=unit_id,
        )
        audit.record_return(
            event=event,
            kind="return",
            unit=_unit(unit_id),
            due_at=order.handle_due_at,
            label=order.number,
        )
        _tell_centre(order, _("工单被退回：%(r)s") % {"r": reason})
        _report_city(order, "returned", {"reason": reason})
    return ret


def _unit(unit_id):
    from yingshang.org.models import Unit

    return Unit.objects.get(pk=unit_id) if unit_id else None


def rule_return(
    *, actor, return_request: ReturnRequest, justified: bool, note: str = ""
) -> ReturnRequest:
    with transaction.atomic():
        ret = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        order = WorkOrder.objects.get(pk=ret.order_id)
        _require(actor, order, "rule_return")
        if ret.ruling != ReturnRequest.Ruling.PENDING:
            raise DomainError("HOTLINE_RETURN_ALREADY_RULED", _("该退单已认定"))
        ret.ruling = (
            ReturnRequest.Ruling.JUSTIFIED if justified else ReturnRequest.Ruling.UNJUSTIFIED
        )
        ret.ruled_by = actor
        ret.ruled_at = _now()
        ret.ruling_note = note[:300]
        ret.save()
        _record(
            actor,
            "rule_return",
            order,
            {"return_ruling": "pending"},
            {"return_ruling": ret.ruling, "return_id": ret.pk},
            reason=note,
            unit=ret.unit_id,
        )
    return ret


# --- extension ----------------------------------------------------------------------------------
def ask_extension(*, actor, order: WorkOrder, days: int, reason: str) -> Extension:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "HOTLINE_EXTENSION_REASON_REQUIRED", _("请填写延期理由"), details={"field": "reason"}
        )
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 30:
        raise InvalidInput(
            "HOTLINE_EXTENSION_DAYS", _("延期天数应为1至30个工作日"), details={"field": "days"}
        )
    with transaction.atomic():
        order = _lock(order)
        _require(actor, order, "ask_extension")
        at = _now()
        if order.handle_due_at is None or at > order.handle_due_at:
            raise DomainError(
                "HOTLINE_EXTENSION_AFTER_DEADLINE",
                _("已超过办理时限，不能再申请延期"),
                details={
                    "due_at": order.handle_due_at.isoformat() if order.handle_due_at else None
                },
            )
        if order.extensions.filter(status=Extension.Status.PENDING).exists():
            raise DomainError("HOTLINE_EXTENSION_PENDING", _("已有待审核的延期申请"))
        ext = Extension.objects.create(
            order=order,
            unit_id=order.main_unit_id,
            days=days,
            reason=reason,
            requested_by=actor,
            requested_at=at,
        )
        _record(
            actor,
            "ask_extension",
            order,
            None,
            {"extension_id": ext.pk, "days": days},
            reason=reason,
        )
        _tell_centre(order, _("承办单位申请延期%(d)d个工作日：%(r)s") % {"d": days, "r": reason})
    return ext


def decide_extension(*, actor, extension: Extension, approve: bool, note: str = "") -> Extension:
    with transaction.atomic():
        ext = Extension.objects.select_for_update().get(pk=extension.pk)
        order = _lock(ext.order)
        _require(actor, order, "decide_extension")
        if ext.status != Extension.Status.PENDING:
            raise DomainError("HOTLINE_EXTENSION_DECIDED", _("该延期申请已审核"))
        at = _now()
        ext.decided_by, ext.decided_at, ext.decision_note = actor, at, note[:300]
        before = {"handle_due_at": order.handle_due_at}
        if approve:
            ext.status = Extension.Status.APPROVED
            clock = _open_clock(order, "handle")
            if clock is not None:
                amount = (
                    ext.days if clock.limit_unit == "working_days" else ext.days * 7
                )  # 7 working hours a day
                clock = clocks.clock_extend(clock=clock, amount=amount, reason=ext.reason, at=at)
                order.handle_due_at = clock.due_at or order.handle_due_at
            ext.new_due_at = order.handle_due_at
            order.extension_count += 1
            if order.status == S.IN_PROGRESS:
                order.due_at = order.handle_due_at
            order.save()
            _tell_caller(
                order,
                _("您反映的诉求（工单号%(n)s）经批准延期办理，新的办理时限为%(d)s。")
                % {"n": order.number, "d": _fmt(order.handle_due_at)},
            )
        else:
            ext.status = Extension.Status.DENIED
        ext.save()
        _record(
            actor,
            "approve_extension" if approve else "deny_extension",
            order,
            before,
            {"handle_due_at": order.handle_due_at, "extension_id": ext.pk},
            reason=note,
        )
        _tell_unit(
            order,
            _("延期申请%(r)s。%(n)s") % {"r": _("已批准") if approve else _("未批准"), "n": note},
        )
    return ext


# --- reply and review -----------------------------------------------------------------------------
def reply(*, actor, order: WorkOrder, text: str) -> WorkOrder:
    text = (text or "").strip()
    if len(text) < 5:
        raise InvalidInput(
            "HOTLINE_REPLY_REQUIRED", _("请填写办理结果（至少5个字）"), details={"field": "text"}
        )
    with transaction.atomic():
        order = _lock(order)
        _require(actor, order, "reply")
        at = _now()
        before = _snapshot(order, "status", "reply")
        order.status = ORDER.target("reply", order.status)
        order.reply = text
        order.replied_at = at
        order.replied_on_time = order.handle_due_at is None or at <= order.handle_due_at
        clock = _open_clock(order, "handle")
        if clock is not None:  # waiting for the centre's review is not the unit's time
            clocks.clock_pause(
                clock=clock, kind=Clock.PauseKind.SUSPENSION, at=at, reason="答复待审核"
            )
        order.due_at = None
        order.save()
        _record(
            actor,
            "reply",
            order,
            before,
            {"status": order.status, "reply": text, "replied_on_time": order.replied_on_time},
        )
        _tell_centre(order, _("承办单位已答复，请审核。"))
    return order


def review_reply(*, actor, order: WorkOrder, approve: bool, note: str = "") -> WorkOrder:
    if not approve and not (note or "").strip():
        raise InvalidInput(
            "HOTLINE_SEND_BACK_REASON", _("退回重新答复须写明原因"), details={"field": "note"}
        )
    action = "approve_reply" if approve else "send_back"
    with transaction.atomic():
        order = _lock(order)
        _require(actor, order, action)
        at = _now()
        before = _snapshot(order, "status")
        order.status = ORDER.target(action, order.status)
        clock = _open_clock(order, "handle")
        if approve:
            if clock is not None:
                clocks.clock_resume(clock=clock, at=at)
                clocks.clock_stop(clock=clock, at=at)
            cb = _start(order, "callback", at)
            order.due_at = cb.due_at
        else:
            if clock is not None:
                clock = clocks.clock_resume(clock=clock, at=at)
                order.handle_due_at = clock.due_at
            order.due_at = order.handle_due_at
        order.save()
        _record(
            actor,
            action,
            order,
            before,
            {"status": order.status, "due_at": order.due_at},
            reason=note,
        )
        if approve:
            _report_city(order, "replied", {"reply": order.reply})
        else:
            _tell_unit(order, _("答复被退回，请重新办理：%(n)s") % {"n": note})
    return order


# --- callback / redo / close ----------------------------------------------------------------------
def record_callback(
    *,
    actor,
    order: WorkOrder,
    resolved: bool | None = None,
    satisfied: bool | None = None,
    note: str = "",
) -> WorkOrder:
    """回访: each answer (resolved? satisfied?) is one click and is recorded at once."""
    if resolved is None and satisfied is None and not note:
        raise InvalidInput("HOTLINE_CALLBACK_EMPTY", _("请选择回访结果"))
    with transaction.atomic():
        order = _lock(order)
        _require(actor, order, "callback")
        at = _now()
        before = _snapshot(order, "resolved", "satisfied", "callback_note")
        if resolved is not None:
            order.resolved = resolved
        if satisfied is not None:
            order.satisfied = satisfied
        if note:
            order.callback_note = note[:300]
        order.callback_at = at
        order.save()
        _record(
            actor,
            "callback",
            order,
            before,
            _snapshot(order, "resolved", "satisfied", "callback_note"),
        )
    return order


def redo(*, actor, order: WorkOrder, reason: str) -> WorkOrder:
    """重办: the caller is not satisfied because of the unit; back to in_progress, counted,
    with a fresh handling limit."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("HOTLINE_REDO_REASON", _("请填写重办原因"), details={"field": "reason"})
    with transaction.atomic():
        order = _lock(order)
        _require(actor, order, "redo")
        if order.satisfied is not False and order.resolved is not False:
            raise DomainError(
                "HOTLINE_REDO_NEEDS_UNSATISFIED", _("只有回访不满意或未解决的工单才能重办")
            )
        at = _now()
        before = _snapshot(order, "status", "redo_count", "satisfied", "resolved")
        _stop(order, "callback", at)
        order.status = ORDER.target("redo", order.status)
        order.redo_count += 1
        # the previous answers stay in the audit history; the next callback asks again
        order.satisfied = None
        order.resolved = None
        clock = _start(order, "handle", at)
        order.handle_due_at = clock.due_at
        order.due_at = clock.due_at
        order.save()
        Redo.objects.create(
            order=order, unit_id=order.main_unit_id, reason=reason, created_by=actor, created_at=at
        )
        _record(
            actor,
            "redo",
            order,
            before,
            _snapshot(order, "status", "redo_count", "satisfied", "resolved"),
            reason=reason,
        )
        _tell_unit(order, _("回访不满意，工单退回重办：%(r)s") % {"r": reason})
        _report_city(order, "redo", {"reason": reason})
    return order


def close(*, actor, order: WorkOrder, note: str = "") -> WorkOrder:
    with transaction.atomic():
        order = _lock(order)
        _require(actor, order, "close")
        if order.satisfied is None and order.resolved is None and not note:
            raise DomainError(
                "HOTLINE_CLOSE_NEEDS_CALLBACK", _("请先记录回访结果，或写明无法回访的原因")
            )
        at = _now()
        before = _snapshot(order, "status")
        _stop(order, "callback", at)
        order.status = ORDER.target("close", order.status)
        order.closed_at = at
        order.close_kind = WorkOrder.CloseKind.HANDLED
        order.due_at = None
        order.save()
        _record(
            actor, "close", order, before, {"status": order.status, "closed_at": at}, reason=note
        )
        _report_city(order, "closed", {"resolved": order.resolved, "satisfied": order.satisfied})
    return order


# --- merge / reclassify / supervise ----------------------------------------------------------------
def merge(*, actor, order: WorkOrder, into: WorkOrder, reason: str = "") -> WorkOrder:
    if into.pk == order.pk:
        raise InvalidInput("HOTLINE_MERGE_SELF", _("不能把工单合并到自身"))
    with transaction.atomic():
        order = _lock(order)
        _require(actor, order, "merge")
        target = _lock(into)
        if target.merged_into_id or (
            target.status == S.CLOSED and target.close_kind == WorkOrder.CloseKind.MERGED
        ):
            raise DomainError("HOTLINE_MERGE_TARGET_MERGED", _("目标工单本身已被合并"))
        at = _now()
        before = _snapshot(order, "status", "merged_into_id")
        for purpose in ("sign", "handle", "callback"):
            _stop(order, purpose, at)
        order.status = ORDER.target("merge", order.status)
        order.merged_into = target
        order.closed_at = at
        order.close_kind = WorkOrder.CloseKind.MERGED
        order.due_at = None
        order.save()
        _record(
            actor,
            "merge",
            order,
            before,
            {"status": order.status, "merged_into": target.number},
            reason=reason,
        )
        _record(actor, "merged_in", target, None, {"duplicate": order.number}, reason=reason)
        _report_city(order, "merged", {"merged_into": target.number})
    return order


def reclassify(
    *, actor, order: WorkOrder, category: str, topic: Topic | None, reason: str
) -> WorkOrder:
    if category not in WorkOrder.Category.values:
        raise InvalidInput("HOTLINE_BAD_CATEGORY", _("诉求类别无效"), details={"field": "category"})
    if not (reason or "").strip():
        raise InvalidInput(
            "HOTLINE_RECLASSIFY_REASON", _("请填写调整分类的原因"), details={"field": "reason"}
        )
    with transaction.atomic():
        order = _lock(order)
        _require(actor, order, "reclassify")
        if order.category == category and order.topic_id == getattr(topic, "pk", None):
            raise InvalidInput("HOTLINE_RECLASSIFY_SAME", _("分类没有变化"))
        Reclassification.objects.create(
            order=order,
            old_category=order.category,
            new_category=category,
            old_topic_id=order.topic_id,
            new_topic=topic,
            reason=reason,
            by=actor,
            at=_now(),
        )
        before = {"category": order.category, "topic": order.topic_id}
        order.category = category
        order.topic = topic
        order.save()
        _record(
            actor,
            "reclassify",
            order,
            before,
            {"category": category, "topic": getattr(topic, "pk", None)},
            reason=reason,
        )
    return order


def supervise(*, actor, order: WorkOrder, kind: str, note: str) -> Supervision:
    """督办 / 催办 attached to an open order, with a message to the unit."""
    if kind not in (Supervision.Kind.SUPERVISE, Supervision.Kind.URGE):
        raise InvalidInput("HOTLINE_BAD_SUPERVISION_KIND", _("类型无效"))
    if not (note or "").strip():
        raise InvalidInput(
            "HOTLINE_SUPERVISION_NOTE", _("请填写督办/催办内容"), details={"field": "note"}
        )
    ability = "supervise" if kind == Supervision.Kind.SUPERVISE else "urge"
    with transaction.atomic():
        order = _lock(order)
        _require(actor, order, ability)
        rec = Supervision.objects.create(
            order=order,
            kind=kind,
            unit_id=order.main_unit_id,
            note=note,
            created_by=actor,
            created_at=_now(),
        )
        _record(actor, ability, order, None, {"supervision_id": rec.pk, "kind": kind}, reason=note)
        label = _("督办") if kind == Supervision.Kind.SUPERVISE else _("催办")
        _tell_unit(order, f"{label}：{note}")
    return rec


# --- portal rating ----------------------------------------------------------------------------------
def portal_rate(*, order: WorkOrder, satisfied: bool) -> WorkOrder:
    """The caller rates the reply on the portal (after looking it up by number + phone)."""
    with transaction.atomic():
        order = _lock(order)
        if (
            order.status not in (S.AWAITING_CALLBACK, S.CLOSED)
            or order.close_kind == WorkOrder.CloseKind.MERGED
        ):
            raise DomainError("HOTLINE_RATE_NOT_YET", _("工单尚未答复，暂不能评价"))
        if order.portal_rating is not None:
            raise DomainError("HOTLINE_ALREADY_RATED", _("您已评价过该工单"))
        before = {"portal_rating": None}
        order.portal_rating = satisfied
        order.portal_rated_at = _now()
        if order.status == S.AWAITING_CALLBACK and order.satisfied is None:
            order.satisfied = satisfied  # counts as the callback answer
        order.save()
        _record(
            None,
            "portal_rate",
            order,
            before,
            {"portal_rating": satisfied, "satisfied": order.satisfied},
        )
    return order


# --- overdue: 催办 notice the next working day, once ----------------------------------------------
def issue_overdue_notices(now: dt.datetime | None = None, *, order_ids=None) -> int:
    """For every order being handled whose deadline passed before today (a working day): one
    超期催办通知 per deadline, recorded (Supervision with a dedup key) so it never fires twice."""
    now = _now(now)
    today = calendar.local_date(now)
    if not calendar.is_workday(today):
        return 0
    start_of_today = calendar.end_of_day(calendar.add_working_days(today, -1))
    issued = 0
    candidates = (
        WorkOrder.objects.filter(
            status__in=[S.AWAITING_SIGN, S.IN_PROGRESS], handle_due_at__lte=start_of_today
        )
        .exclude(main_unit=None)
        .values_list("pk", "handle_due_at")
    )
    if order_ids is not None:
        candidates = candidates.filter(pk__in=list(order_ids))
    for pk, due in list(candidates):
        key = f"overdue:{due.isoformat()}"
        if Supervision.objects.filter(order_id=pk, dedup_key=key).exists():
            continue
        try:
            with transaction.atomic():
                order = WorkOrder.objects.select_for_update().get(pk=pk)
                rec = Supervision.objects.create(
                    order=order,
                    kind=Supervision.Kind.OVERDUE,
                    unit_id=order.main_unit_id,
                    created_at=now,
                    dedup_key=key,
                    note=_("工单已超过办理时限（%(d)s），请立即办理并答复。") % {"d": _fmt(due)},
                )
                order.overdue_urged_at = now
                order.save(update_fields=["overdue_urged_at", "updated_at"])
                _record(
                    None, "overdue_notice", order, None, {"supervision_id": rec.pk, "due_at": due}
                )
                _tell_unit(order, rec.note)
                issued += 1
        except IntegrityError:
            continue  # another worker issued it
    return issued


def _on_clock_transition(new_state: str, moved) -> None:
    """The clock sweep marks a handling clock overdue just after its deadline. If that moment
    is already the next working day (e.g. the sweep runs after midnight before a working day),
    the 催办 notice goes out at once; otherwise the periodic task issues it on the next working
    day. Either way issue_overdue_notices records it, so it is never sent twice."""
    if new_state != Clock.State.OVERDUE:
        return
    ids = [int(m.owner_id) for m in moved if m.purpose == "handle"]
    if ids:
        issue_overdue_notices(order_ids=ids)


# --- configuration (limits, KPI weights), audited ----------------------------------------------------
def _require_config(actor) -> None:
    if actor is None or not grants_of(actor).has(Role.SUPERVISOR, Role.ADMIN):
        raise PermissionDeniedError("HOTLINE_FORBIDDEN", _("只有督查人员或管理员可以修改热线设置"))


def limit_rule_save(
    *,
    actor,
    rule=None,
    purpose: str,
    category: str,
    urgency: str,
    amount,
    unit: str,
    same_day: bool = False,
    is_active: bool = True,
    note: str = "",
):
    from decimal import Decimal, InvalidOperation

    from yingshang.hotline.models import LimitRule

    _require_config(actor)
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        amount = Decimal(0)
    if amount <= 0 or amount > 999:
        raise InvalidInput(
            "HOTLINE_LIMIT_AMOUNT", _("时限应为大于0的数值"), details={"field": "amount"}
        )
    if unit in ("working_days", "natural_days") and amount != int(amount):
        raise InvalidInput(
            "HOTLINE_LIMIT_WHOLE_DAYS", _("以天计的时限必须是整数"), details={"field": "amount"}
        )
    if purpose not in LimitRule.Purpose.values or unit not in calendar.UNITS:
        raise InvalidInput("HOTLINE_LIMIT_INVALID", _("时限类型或单位无效"))
    if (category and category not in WorkOrder.Category.values) or (
        urgency and urgency not in WorkOrder.Urgency.values
    ):
        raise InvalidInput("HOTLINE_LIMIT_INVALID", _("诉求类别或紧急程度无效"))
    with transaction.atomic():
        if rule is not None:
            rule = LimitRule.objects.select_for_update().get(pk=rule.pk)
            before = {
                f: getattr(rule, f)
                for f in (
                    "purpose",
                    "category",
                    "urgency",
                    "amount",
                    "unit",
                    "same_day",
                    "is_active",
                )
            }
        else:
            rule, before = LimitRule(), None
        rule.purpose, rule.category, rule.urgency, rule.amount, rule.unit = (
            purpose,
            category,
            urgency,
            amount,
            unit,
        )
        rule.same_day, rule.is_active, rule.note = same_day, is_active, note[:200]
        rule.save()
        audit.record(
            actor=actor,
            action="hotline.limit_rule",
            obj=rule,
            before=before,
            after={
                f: getattr(rule, f)
                for f in (
                    "purpose",
                    "category",
                    "urgency",
                    "amount",
                    "unit",
                    "same_day",
                    "is_active",
                )
            },
            role=_role(actor),
        )
    return rule


def kpi_config_save(*, actor, weight_response, weight_resolution, weight_satisfaction, min_sample):
    from decimal import Decimal, InvalidOperation

    from yingshang.hotline.models import KpiConfig

    _require_config(actor)
    try:
        weights = [
            Decimal(str(w)) for w in (weight_response, weight_resolution, weight_satisfaction)
        ]
        min_sample = int(min_sample)
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput("HOTLINE_KPI_CONFIG", _("权重和最小样本量必须是数字")) from None
    if any(w < 0 for w in weights) or sum(weights) <= 0 or min_sample < 1:
        raise InvalidInput("HOTLINE_KPI_CONFIG", _("权重不能为负且合计须大于0，最小样本量至少为1"))
    with transaction.atomic():
        config, _created = KpiConfig.objects.select_for_update().get_or_create(pk=1)
        fields = ("weight_response", "weight_resolution", "weight_satisfaction", "min_sample")
        before = {f: getattr(config, f) for f in fields}
        config.weight_response, config.weight_resolution, config.weight_satisfaction = weights
        config.min_sample = min_sample
        config.save()
        audit.record(
            actor=actor,
            action="hotline.kpi_config",
            obj=config,
            before=before,
            after={f: getattr(config, f) for f in fields},
            role=_role(actor),
        )
    return config


# --- attachments -------------------------------------------------------------------------------------
def _store_attachment(actor, order: WorkOrder, checked):
    from yingshang.hotline.models import WorkOrderAttachment

    att = WorkOrderAttachment(order=order, name=checked.name, uploaded_by=actor)
    att.file.save(checked.name, checked.file, save=False)
    att.save()
    _record(
        actor,
        "attach",
        order,
        None,
        {"attachment_id": att.pk, "name": checked.name, "sha256": checked.sha256},
    )
    return att


def attach(*, actor, order: WorkOrder, upload):
    """Add a file (photo, PDF, office document) to an open order: the centre or the main unit.
    The EVIDENCE profile, as for the caller's own files: a handler's photo of the site may be a
    phone's WEBP or an old .doc."""
    from yingshang.uploads import EVIDENCE, check

    g = grants_of(actor) if actor is not None else None
    if g is None or not (rules.is_centre(g) or rules.handles(g, order)):
        raise PermissionDeniedError("HOTLINE_FORBIDDEN", _("无权上传附件"))
    if order.status == S.CLOSED:
        raise DomainError("HOTLINE_ATTACH_CLOSED", _("工单已办结，不能再上传附件"))
    checked = check(upload, allowed=EVIDENCE)
    with transaction.atomic():
        att = _store_attachment(actor, order, checked)
    return att


PORTAL_MAX_FILES = 3


def check_submitted_files(files) -> list:
    """The files a caller adds when submitting on the portal: at most PORTAL_MAX_FILES, each
    checked by the shared upload rules (size, content sniffing) with the EVIDENCE profile
    (photos, PDF, office files). The first bad file raises InvalidInput (field "files")."""
    from yingshang.uploads import EVIDENCE, check

    files = [f for f in (files or []) if f]
    if len(files) > PORTAL_MAX_FILES:
        raise InvalidInput(
            "HOTLINE_TOO_MANY_FILES",
            _("最多只能上传%(n)d个附件") % {"n": PORTAL_MAX_FILES},
            details={"field": "files", "limit": PORTAL_MAX_FILES},
        )
    return [check(f, field="files", allowed=EVIDENCE) for f in files]


def register_with_files(*, actor, files=(), **fields) -> WorkOrder:
    """登记 with the caller's photos/PDFs (portal submission): the files are checked before
    anything is stored, then the order and its attachments are saved in one transaction
    (a bad file leaves no order behind). `actor` is the logged-in person/firm, or None."""
    checked = check_submitted_files(files)
    with transaction.atomic():
        order = register(actor=actor, **fields)
        for item in checked:
            _store_attachment(actor, order, item)
    return order
