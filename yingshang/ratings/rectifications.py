"""The 差评 closed loop (DESIGN.md §7, cn_rules.md §1): 评价 → 核实 → 整改 → 反馈 → 复核.

- `rectification_open`: each 差评 gets one, owned by the unit rated ("谁办理、谁负责"), with two
  workcal clocks from the moment of the rating: verify within `verify_days`, rectify and reply
  within `reply_days` working days (RatingSettings; 德州: 1 and 5).
- the unit verifies, then replies with an outcome (立行立改 / 建立台账 → supervision ledger /
  解释说明); a real-name 差评 needs a recorded callback (回访, 100% required) before closing;
- a supervisor reviews: closes it or sends it back;
- 申诉: the unit may appeal a malicious or mistaken rating; a supervisor decides with reasons;
  an upheld appeal excludes the rating from statistics (kept in history) and cancels the loop.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.notify import services as notify
from yingshang.org.models import RoleAssignment
from yingshang.org.roles import Role
from yingshang.org.scope import grants
from yingshang.ratings import ledger
from yingshang.ratings.models import Appeal, Outcome, Rating, RatingSettings, Rectification
from yingshang.ratings.transitions import RECTIFICATION
from yingshang.workcal import clocks

UNIT_ROLES = (Role.DEPT_HANDLER, Role.DEPT_HEAD)
VERIFY = "ratings.verify"
REPLY = "ratings.reply"


# --- who may do what (one rule for templates and services) -------------------------------------
def is_unit_staff(g, unit_id) -> bool:
    return unit_id in g.units(*UNIT_ROLES)


def is_supervisor(g) -> bool:
    return g.has(Role.SUPERVISOR)


def rectification_abilities(g, rect: Rectification) -> dict[str, bool]:
    unit = g.is_authenticated and is_unit_staff(g, rect.unit_id)
    sup = g.is_authenticated and is_supervisor(g)
    state = rect.status
    return {
        "view": True,
        "verify": unit and RECTIFICATION.can("verify", state),
        "reply": unit and RECTIFICATION.can("reply", state),
        "callback": (unit or sup)
        and rect.callback_required
        and RECTIFICATION.can("callback", state),
        "close": sup and RECTIFICATION.can("close", state),
        "send_back": sup and RECTIFICATION.can("send_back", state),
        "appeal": unit
        and rect.is_open
        and not rect.rating.appeals.filter(status=Appeal.Status.PENDING).exists(),
    }


def appeal_abilities(g, appeal: Appeal) -> dict[str, bool]:
    return {
        "view": True,
        "decide": g.is_authenticated
        and is_supervisor(g)
        and appeal.status == Appeal.Status.PENDING,
    }


def _lock(rect: Rectification) -> Rectification:
    return (
        Rectification.objects.select_for_update().select_related("rating", "unit").get(pk=rect.pk)
    )


def _require(cond: bool, code: str, message: str) -> None:
    if not cond:
        raise PermissionDeniedError(code, message)


def _role(g, unit_id) -> str:
    if unit_id in g.units(Role.DEPT_HEAD):
        return Role.DEPT_HEAD
    if unit_id in g.units(Role.DEPT_HANDLER):
        return Role.DEPT_HANDLER
    return Role.SUPERVISOR if g.has(Role.SUPERVISOR) else ""


def _text(value: str, code: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(code, message)
    return value


def _notify_unit(unit_id, *, subject: str, body: str, link: str, related) -> None:
    users = (
        RoleAssignment.objects.filter(unit_id=unit_id, role__in=UNIT_ROLES, revoked_at__isnull=True)
        .select_related("user")
        .order_by("user_id")
        .distinct()
    )
    seen = set()
    for ra in users:
        if ra.user_id in seen:
            continue
        seen.add(ra.user_id)
        notify.send(
            channel="inapp",
            recipient=ra.user,
            subject=subject,
            body=body,
            link=link,
            related=related,
        )


def _link(rect) -> str:
    from django.urls import reverse

    return reverse("ratings:rectification", args=[rect.pk])


# --- open -------------------------------------------------------------------------------------
def rectification_open(*, rating: Rating, at: dt.datetime | None = None) -> Rectification:
    """Called by rating_submit inside its transaction for every 差评."""
    at = at or timezone.now()
    conf = RatingSettings.current()
    rect = Rectification.objects.create(
        rating=rating,
        unit_id=rating.unit_id,
        created_at=at,
        # 德州: 实名差评回访率 100%; an anonymous 差评 has nobody to call back
        callback_required=not rating.anonymous and bool(rating.rater_id or rating.rater_phone),
    )
    verify = clocks.clock_start(
        owner=rect, purpose=VERIFY, amount=conf.verify_days, unit="working_days", started_at=at
    )
    reply = clocks.clock_start(
        owner=rect, purpose=REPLY, amount=conf.reply_days, unit="working_days", started_at=at
    )
    rect.verify_due_at, rect.reply_due_at = verify.due_at, reply.due_at
    rect.save(update_fields=["verify_due_at", "reply_due_at"])
    audit.record(
        actor=None,
        action="rectification.open",
        obj=rect,
        unit=rect.unit_id,
        after={
            "status": rect.status,
            "verify_due_at": rect.verify_due_at,
            "reply_due_at": rect.reply_due_at,
        },
    )
    _notify_unit(
        rect.unit_id,
        subject=_("收到差评，请按时核实整改"),
        body=_("贵单位收到一条差评（%(level)s），请于%(due)s前核实，并在%(reply)s前整改答复。")
        % {
            "level": rating.get_level_display(),
            "due": timezone.localtime(rect.verify_due_at).strftime("%Y-%m-%d %H:%M"),
            "reply": timezone.localtime(rect.reply_due_at).strftime("%Y-%m-%d %H:%M"),
        },
        link=_link(rect),
        related=rect,
    )
    return rect


def _stop(rect, purpose: str, at) -> bool | None:
    clock = clocks.clocks_of(rect, purpose).first()
    if clock is None:
        return None
    clock = clocks.clock_stop(clock=clock, at=at)
    return clock.outcome == clock.Outcome.MET


# --- the unit ---------------------------------------------------------------------------------
@transaction.atomic
def rectification_verify(
    *, actor, rectification: Rectification, note: str, at: dt.datetime | None = None
) -> Rectification:
    g = grants(actor)
    rect = _lock(rectification)
    _require(
        is_unit_staff(g, rect.unit_id), "RECTIFICATION_FORBIDDEN", _("只有责任单位可以核实差评")
    )
    target = RECTIFICATION.target("verify", rect.status)
    note = _text(note, "RECTIFICATION_NOTE_REQUIRED", _("请填写核实情况"))
    at = at or timezone.now()
    before = {"status": rect.status}
    rect.status, rect.verify_note, rect.verified_at = target, note, at
    rect.verified_on_time = _stop(rect, VERIFY, at)
    rect.save()
    audit.record(
        actor=actor,
        action="rectification.verify",
        obj=rect,
        unit=rect.unit,
        role=_role(g, rect.unit_id),
        before=before,
        after={"status": target, "verified_on_time": rect.verified_on_time},
        reason=note,
    )
    return rect


@transaction.atomic
def rectification_reply(
    *, actor, rectification: Rectification, outcome: str, reply: str, at: dt.datetime | None = None
) -> Rectification:
    g = grants(actor)
    rect = _lock(rectification)
    _require(
        is_unit_staff(g, rect.unit_id), "RECTIFICATION_FORBIDDEN", _("只有责任单位可以提交整改答复")
    )
    target = RECTIFICATION.target("reply", rect.status)
    if outcome not in Outcome.values:
        raise InvalidInput(
            "RECTIFICATION_OUTCOME_INVALID",
            _("请选择处理方式：立行立改、建立台账限期整改或解释说明"),
        )
    reply = _text(reply, "RECTIFICATION_REPLY_REQUIRED", _("请填写整改答复"))
    at = at or timezone.now()
    before = {"status": rect.status}
    rect.status, rect.outcome, rect.reply, rect.replied_at = target, outcome, reply, at
    if rect.replied_on_time is None:
        rect.replied_on_time = _stop(rect, REPLY, at)
    rect.save()
    audit.record(
        actor=actor,
        action="rectification.reply",
        obj=rect,
        unit=rect.unit,
        role=_role(g, rect.unit_id),
        before=before,
        after={"status": target, "outcome": outcome, "replied_on_time": rect.replied_on_time},
        reason=reply,
    )
    if outcome == Outcome.FIXED_BY_PLAN:
        intent = ledger.intent_for(rect, actor=actor, measures=reply)
        audit.record(
            actor=actor,
            action="rectification.to_ledger",
            obj=rect,
            unit=rect.unit,
            after={"ledger_intent": intent.pk},
        )
        ledger.push(intent)
        rect.refresh_from_db(fields=["ledger_ref"])
    return rect


@transaction.atomic
def rectification_callback(
    *, actor, rectification: Rectification, result: str, note: str, at: dt.datetime | None = None
) -> Rectification:
    g = grants(actor)
    rect = _lock(rectification)
    _require(
        is_unit_staff(g, rect.unit_id) or is_supervisor(g),
        "RECTIFICATION_FORBIDDEN",
        _("只有责任单位或督查人员可以记录回访"),
    )
    RECTIFICATION.check("callback", rect.status)
    if not rect.callback_required:
        raise DomainError("RECTIFICATION_NO_CALLBACK", _("匿名差评无法回访"))
    if result not in Rectification.CallbackResult.values:
        raise InvalidInput("RECTIFICATION_CALLBACK_RESULT_INVALID", _("请选择回访结果"))
    note = _text(note, "RECTIFICATION_CALLBACK_NOTE_REQUIRED", _("请填写回访记录"))
    at = at or timezone.now()
    before = {"callback_result": rect.callback_result}
    rect.callback_at, rect.callback_by, rect.callback_result, rect.callback_note = (
        at,
        actor,
        result,
        note,
    )
    rect.save()
    audit.record(
        actor=actor,
        action="rectification.callback",
        obj=rect,
        unit=rect.unit,
        role=_role(g, rect.unit_id),
        before=before,
        after={"callback_result": result},
        reason=note,
    )
    return rect


# --- the supervisor ---------------------------------------------------------------------------
@transaction.atomic
def rectification_close(
    *, actor, rectification: Rectification, note: str = "", at: dt.datetime | None = None
) -> Rectification:
    g = grants(actor)
    rect = _lock(rectification)
    _require(is_supervisor(g), "RECTIFICATION_FORBIDDEN", _("只有督查人员可以复核办结"))
    target = RECTIFICATION.target("close", rect.status)
    if rect.callback_required and rect.callback_at is None:
        raise DomainError("RECTIFICATION_CALLBACK_REQUIRED", _("实名差评须先记录回访，才能办结"))
    at = at or timezone.now()
    before = {"status": rect.status}
    rect.status, rect.closed_at, rect.review_note = target, at, (note or "").strip()
    rect.save()
    audit.record(
        actor=actor,
        action="rectification.close",
        obj=rect,
        unit=rect.unit,
        role=Role.SUPERVISOR,
        before=before,
        after={"status": target},
        reason=rect.review_note,
    )
    return rect


@transaction.atomic
def rectification_send_back(
    *, actor, rectification: Rectification, reason: str, at: dt.datetime | None = None
) -> Rectification:
    g = grants(actor)
    rect = _lock(rectification)
    _require(is_supervisor(g), "RECTIFICATION_FORBIDDEN", _("只有督查人员可以退回重改"))
    target = RECTIFICATION.target("send_back", rect.status)
    reason = _text(reason, "RECTIFICATION_REASON_REQUIRED", _("请填写退回原因"))
    before = {"status": rect.status}
    rect.status, rect.review_note = target, reason
    rect.save()
    event = audit.record(
        actor=actor,
        action="rectification.send_back",
        obj=rect,
        unit=rect.unit,
        role=Role.SUPERVISOR,
        before=before,
        after={"status": target},
        reason=reason,
    )
    audit.record_return(
        event=event,
        kind="return",
        unit=rect.unit,
        due_at=rect.reply_due_at,
        label=str(_("差评整改 #%(n)s") % {"n": rect.pk}),
    )
    _notify_unit(
        rect.unit_id, subject=_("差评整改被退回"), body=reason, link=_link(rect), related=rect
    )
    return rect


# --- appeals (申诉复核) -----------------------------------------------------------------------
@transaction.atomic
def appeal_submit(
    *, actor, rating: Rating, kind: str, reason: str, at: dt.datetime | None = None
) -> Appeal:
    g = grants(actor)
    rating = Rating.objects.select_for_update().get(pk=rating.pk)
    _require(is_unit_staff(g, rating.unit_id), "APPEAL_FORBIDDEN", _("只有被评价单位可以申诉"))
    if not rating.is_bad:
        raise DomainError("APPEAL_NOT_BAD_RATING", _("只能对差评提出申诉"))
    if rating.excluded:
        raise DomainError("APPEAL_ALREADY_UPHELD", _("该差评已申诉核减"))
    if Appeal.objects.filter(rating=rating, status=Appeal.Status.PENDING).exists():
        raise DomainError("APPEAL_PENDING", _("该差评已有待审核的申诉"))
    if kind not in Appeal.Kind.values:
        raise InvalidInput("APPEAL_KIND_INVALID", _("请选择申诉类型：恶意差评或误评"))
    reason = _text(reason, "APPEAL_REASON_REQUIRED", _("请填写申诉理由"))
    appeal = Appeal.objects.create(
        rating=rating,
        unit=rating.unit,
        kind=kind,
        reason=reason,
        submitted_by=actor,
        submitted_at=at or timezone.now(),
    )
    audit.record(
        actor=actor,
        action="appeal.submit",
        obj=appeal,
        unit=rating.unit,
        role=_role(g, rating.unit_id),
        after={"rating": rating.pk, "kind": kind},
        reason=reason,
    )
    return appeal


@transaction.atomic
def appeal_decide(
    *, actor, appeal: Appeal, upheld: bool, reason: str, at: dt.datetime | None = None
) -> Appeal:
    g = grants(actor)
    appeal = Appeal.objects.select_for_update().select_related("rating").get(pk=appeal.pk)
    _require(is_supervisor(g), "APPEAL_FORBIDDEN", _("只有督查人员可以审核申诉"))
    if appeal.status != Appeal.Status.PENDING:
        raise DomainError("APPEAL_ALREADY_DECIDED", _("该申诉已审核"))
    reason = _text(reason, "APPEAL_REASON_REQUIRED", _("请填写审核意见"))
    at = at or timezone.now()
    appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.REJECTED
    appeal.decided_by, appeal.decided_at, appeal.decision_reason = actor, at, reason
    appeal.save()
    audit.record(
        actor=actor,
        action="appeal.decide",
        obj=appeal,
        unit=appeal.unit,
        role=Role.SUPERVISOR,
        after={"status": appeal.status},
        reason=reason,
    )
    if upheld:
        rating = Rating.objects.select_for_update().get(pk=appeal.rating_id)
        rating.excluded = True
        rating.save(update_fields=["excluded"])
        audit.record(
            actor=actor,
            action="rating.exclude",
            obj=rating,
            unit=rating.unit,
            role=Role.SUPERVISOR,
            before={"excluded": False},
            after={"excluded": True},
            reason=reason,
        )
        rect = Rectification.objects.filter(rating=rating).first()
        if rect is not None and rect.is_open:
            rect = _lock(rect)
            before = {"status": rect.status}
            rect.status = RECTIFICATION.target("cancel", rect.status)
            for purpose in (VERIFY, REPLY):
                _stop(rect, purpose, at)
            rect.save(update_fields=["status"])
            audit.record(
                actor=actor,
                action="rectification.cancel",
                obj=rect,
                unit=rect.unit,
                role=Role.SUPERVISOR,
                before=before,
                after={"status": rect.status},
                reason=reason,
            )
    return appeal


# --- the clock sweep: warnings and overdue 差评 (黄牌/红牌) -------------------------------------
def on_clock_transition(new_state: str, moved) -> None:
    """Registered with workcal: tell the unit when a verify/reply clock turns warning or overdue."""
    ids = {int(m.owner_id) for m in moved}
    purposes = {int(m.owner_id): m.purpose for m in moved}
    for rect in Rectification.objects.filter(
        pk__in=ids, status__in=[Rectification.Status.VERIFYING, Rectification.Status.RECTIFYING]
    ):
        what = _("核实") if purposes.get(rect.pk) == VERIFY else _("整改答复")
        subject = (
            _("差评%(what)s已逾期") if new_state == "overdue" else _("差评%(what)s即将到期")
        ) % {"what": what}
        _notify_unit(
            rect.unit_id,
            subject=subject,
            body=subject + f" #{rect.pk}",
            link=_link(rect),
            related=rect,
        )


clocks.on_transition("ratings.rectification", on_clock_transition)
