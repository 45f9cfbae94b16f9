"""The 差评 closed loop (DESIGN.md §7, cn_rules.md §1): 评价 → 核实 → 整改 → 反馈 → 复核.

- `rectification_open`: each 差评 gets one, owned by the unit rated ("谁办理、谁负责"), with two
  workcal clocks from the moment of the rating: verify within `verify_days`, rectify and reply
  within `reply_days` working days (RatingSettings; 德州: 1 and 5).
- the unit verifies, then replies with an outcome (立行立改 / 建立台账 → supervision ledger /
  解释说明); a real-name 差评 needs a recorded callback (回访, 100% required) before closing;
- a supervisor reviews: closes it or sends it back.
Who may do what is `scopes.rectification_abilities`; appeals are in `appeals.py`.
"""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit, workflow
from yingshang.errors import DomainError, InvalidInput
from yingshang.notify.services import send_to
from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.org.staff import staff_of
from yingshang.ratings import ledger
from yingshang.ratings.models import Outcome, Rating, RatingSettings, Rectification
from yingshang.ratings.scopes import UNIT_ROLES
from yingshang.ratings.transitions import RECTIFICATION
from yingshang.transitions import TransitionTable
from yingshang.workcal import clocks

VERIFY = "ratings.verify"
REPLY = "ratings.reply"


def acquire(actor, model, obj, action: str, *, table: TransitionTable | None = None):
    """Lock `obj`'s row and gate `action` for `actor`. The callers fetched the row through the
    actor's scope (404 outside it); here someone who may never do `action` to it is refused
    first (403 with the ability's reason, whatever the state — what the API has always
    answered), then a move the state table forbids (its precise 409), then any other refusal of
    the abilities (匿名差评无法回访, 该申诉已审核: 409)."""
    queryset = model.objects.select_related("rating", "unit")
    # the lock itself is no user's read: the scope was applied by the caller's fetch
    obj = workflow.acquire(workflow.SYSTEM, model, obj, queryset=queryset)
    ability = scope.abilities(actor, obj).get(action)
    if isinstance(ability, workflow.Denied) and ability.code.endswith("_FORBIDDEN"):
        workflow.gate(actor, obj, action)  # raises the 403
    if table is not None:
        table.check(action, obj.status)
    if not ability:
        raise DomainError(ability.code, ability.message)
    return obj


def _text(value: str, code: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(code, message)
    return value


def _link(rect) -> str:
    return reverse("ratings:rectification", args=[rect.pk])


def notify_unit(rect: Rectification, *, subject: str, body: str) -> None:
    send_to(
        staff_of(rect.unit_id, UNIT_ROLES),
        subject=subject,
        body=body,
        link=_link(rect),
        related=rect,
    )


def _stopped_on_time(rect, purpose: str, at) -> bool | None:
    clock = clocks.clock_stop_open(rect, purpose, at=at)
    return None if clock is None else clock.outcome == clock.Outcome.MET


# --- open -------------------------------------------------------------------------------------
def rectification_open(*, actor, rating: Rating, at: dt.datetime | None = None) -> Rectification:
    """Called by rating_submit inside its transaction for every 差评 (actor: workflow.SYSTEM)."""
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
    workflow.record(
        actor,
        "rectification.open",
        rect,
        unit=rect.unit_id,
        after={
            "status": rect.status,
            "verify_due_at": rect.verify_due_at,
            "reply_due_at": rect.reply_due_at,
        },
    )
    notify_unit(
        rect,
        subject=_("收到差评，请按时核实整改"),
        body=_("贵单位收到一条差评（%(level)s），请于%(due)s前核实，并在%(reply)s前整改答复。")
        % {
            "level": rating.get_level_display(),
            "due": timezone.localtime(rect.verify_due_at).strftime("%Y-%m-%d %H:%M"),
            "reply": timezone.localtime(rect.reply_due_at).strftime("%Y-%m-%d %H:%M"),
        },
    )
    return rect


# --- the unit ---------------------------------------------------------------------------------
@transaction.atomic
def rectification_verify(
    *, actor, rectification: Rectification, note: str, at: dt.datetime | None = None
) -> Rectification:
    rect = acquire(actor, Rectification, rectification, "verify", table=RECTIFICATION)
    target = RECTIFICATION.target("verify", rect.status)
    note = _text(note, "RECTIFICATION_NOTE_REQUIRED", _("请填写核实情况"))
    at = at or timezone.now()
    before = workflow.snapshot(rect, "status")
    rect.status, rect.verify_note, rect.verified_at = target, note, at
    rect.verified_on_time = _stopped_on_time(rect, VERIFY, at)
    rect.save()
    workflow.record(
        actor,
        "rectification.verify",
        rect,
        before=before,
        after={"status": target, "verified_on_time": rect.verified_on_time},
        reason=note,
    )
    return rect


@transaction.atomic
def rectification_reply(
    *, actor, rectification: Rectification, outcome: str, reply: str, at: dt.datetime | None = None
) -> Rectification:
    rect = acquire(actor, Rectification, rectification, "reply", table=RECTIFICATION)
    target = RECTIFICATION.target("reply", rect.status)
    if outcome not in Outcome.values:
        raise InvalidInput(
            "RECTIFICATION_OUTCOME_INVALID",
            _("请选择处理方式：立行立改、建立台账限期整改或解释说明"),
        )
    reply = _text(reply, "RECTIFICATION_REPLY_REQUIRED", _("请填写整改答复"))
    at = at or timezone.now()
    before = workflow.snapshot(rect, "status")
    rect.status, rect.outcome, rect.reply, rect.replied_at = target, outcome, reply, at
    if rect.replied_on_time is None:  # a reply after a send-back keeps the first one's timing
        rect.replied_on_time = _stopped_on_time(rect, REPLY, at)
    rect.save()
    workflow.record(
        actor,
        "rectification.reply",
        rect,
        before=before,
        after={"status": target, "outcome": outcome, "replied_on_time": rect.replied_on_time},
        reason=reply,
    )
    if outcome == Outcome.FIXED_BY_PLAN:
        intent = ledger.intent_for(rect, actor=actor, measures=reply)
        # the capacity is the reply's, stamped as before: the unit, no role
        workflow.record(
            actor, "rectification.to_ledger", rect, after={"ledger_intent": intent.pk}, role=""
        )
        ledger.push(intent)
        rect.refresh_from_db(fields=["ledger_ref"])
    return rect


@transaction.atomic
def rectification_callback(
    *, actor, rectification: Rectification, result: str, note: str, at: dt.datetime | None = None
) -> Rectification:
    rect = acquire(actor, Rectification, rectification, "callback", table=RECTIFICATION)
    if result not in Rectification.CallbackResult.values:
        raise InvalidInput("RECTIFICATION_CALLBACK_RESULT_INVALID", _("请选择回访结果"))
    note = _text(note, "RECTIFICATION_CALLBACK_NOTE_REQUIRED", _("请填写回访记录"))
    at = at or timezone.now()
    before = workflow.snapshot(rect, "callback_result")
    rect.callback_at, rect.callback_by, rect.callback_result, rect.callback_note = (
        at,
        actor,
        result,
        note,
    )
    rect.save()
    workflow.record(
        actor,
        "rectification.callback",
        rect,
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
    rect = acquire(actor, Rectification, rectification, "close", table=RECTIFICATION)
    target = RECTIFICATION.target("close", rect.status)
    if rect.callback_required and rect.callback_at is None:
        raise DomainError("RECTIFICATION_CALLBACK_REQUIRED", _("实名差评须先记录回访，才能办结"))
    at = at or timezone.now()
    before = workflow.snapshot(rect, "status")
    rect.status, rect.closed_at, rect.review_note = target, at, (note or "").strip()
    rect.save()
    workflow.record(
        actor,
        "rectification.close",
        rect,
        role=Role.SUPERVISOR,  # the review is a supervisor's, whatever else the person is
        before=before,
        after={"status": target},
        reason=rect.review_note,
    )
    return rect


@transaction.atomic
def rectification_send_back(
    *, actor, rectification: Rectification, reason: str, at: dt.datetime | None = None
) -> Rectification:
    rect = acquire(actor, Rectification, rectification, "send_back", table=RECTIFICATION)
    target = RECTIFICATION.target("send_back", rect.status)
    reason = _text(reason, "RECTIFICATION_REASON_REQUIRED", _("请填写退回原因"))
    before = workflow.snapshot(rect, "status")
    rect.status, rect.review_note = target, reason
    rect.save()
    event = workflow.record(
        actor,
        "rectification.send_back",
        rect,
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
    notify_unit(rect, subject=_("差评整改被退回"), body=reason)
    return rect


def rectification_cancel(*, actor, rectification: Rectification, reason: str, at) -> Rectification:
    """An upheld appeal ends the loop (inside appeal_decide's transaction; the supervisor's
    decision is the gate)."""
    rect = workflow.acquire(
        workflow.SYSTEM, Rectification, rectification, queryset=Rectification.objects.all()
    )
    before = workflow.snapshot(rect, "status")
    rect.status = RECTIFICATION.target("cancel", rect.status)
    for purpose in (VERIFY, REPLY):
        clocks.clock_stop_open(rect, purpose, at=at)
    rect.save(update_fields=["status"])
    workflow.record(
        actor,
        "rectification.cancel",
        rect,
        role=Role.SUPERVISOR,
        before=before,
        after={"status": rect.status},
        reason=reason,
    )
    return rect


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
        notify_unit(rect, subject=subject, body=subject + f" #{rect.pk}")


clocks.on_transition("ratings.rectification", on_clock_transition)
