"""Repaying: payments with their vouchers, the repayment plan, and the ruling on the disputed
part."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.arrears import transitions as t
from yingshang.arrears.models import Arrears, Milestone, Payment
from yingshang.arrears.services import common
from yingshang.errors import InvalidInput
from yingshang.workcal import calendar


def _clear_if_done(arrears: Arrears, now) -> None:
    """Nothing left of the undisputed part and no dispute open: cleared."""
    if arrears.outstanding == 0 and arrears.disputed_amount == 0:
        arrears.status = t.CLEARED
        arrears.cleared_at = now
        common.tell_creditor(
            arrears,
            _("拖欠账款已清偿"),
            _("%(number)s（%(debtor)s）已全部清偿，共%(paid)s元。")
            % {
                "number": arrears.number,
                "debtor": arrears.debtor.name,
                "paid": arrears.paid_amount,
            },
        )


@transaction.atomic
def arrears_pay(
    *,
    actor,
    arrears: Arrears,
    amount,
    paid_on: dt.date,
    voucher_number: str,
    note: str = "",
    files=None,
) -> Payment:
    """A payment of the undisputed part, with its voucher. More than is outstanding is
    refused with the amount that is."""
    arrears = workflow.lock(actor, arrears, action="pay", table=t.arrears_table)
    amount = common.money(amount, field="amount", label=_("付款金额"))
    if amount > arrears.outstanding:
        raise InvalidInput(
            "ARREARS_PAYMENT_OVER_OUTSTANDING",
            _("付款金额%(amount)s元超过尚未清偿的无争议金额%(left)s元，请核对后重新填写")
            % {"amount": amount, "left": arrears.outstanding},
            details={"field": "amount", "outstanding": str(arrears.outstanding)},
        )
    if paid_on is None:
        raise InvalidInput(
            "ARREARS_PAID_ON_REQUIRED", _("请填写付款日期"), details={"field": "paid_on"}
        )
    today = calendar.local_date(timezone.now())
    if paid_on > today:
        raise InvalidInput(
            "ARREARS_PAID_ON_FUTURE", _("付款日期不能晚于今天"), details={"field": "paid_on"}
        )
    if paid_on < arrears.accepted_on:
        raise InvalidInput(
            "ARREARS_PAID_ON_BEFORE_DELIVERY",
            _("付款日期不能早于交付（验收）日期"),
            details={"field": "paid_on"},
        )
    voucher_number = (voucher_number or "").strip()
    if not voucher_number:
        raise InvalidInput(
            "ARREARS_VOUCHER_REQUIRED",
            _("请填写付款凭证号"),
            details={"field": "voucher_number"},
        )
    now = timezone.now()
    before = workflow.snapshot(arrears, "status", "paid_amount")
    payment = Payment.objects.create(
        arrears=arrears,
        paid_on=paid_on,
        amount=amount,
        voucher_number=voucher_number[:60],
        note=note[:200],
        recorded_by=actor or None,
        recorded_at=now,
    )
    common.save_files(arrears, files, actor, kind="voucher", payment=payment)
    arrears.paid_amount += amount
    arrears.status = t.arrears_table.target("pay", arrears.status)
    _clear_if_done(arrears, now)
    arrears.save(update_fields=["paid_amount", "status", "cleared_at"])
    workflow.record(
        actor,
        "arrears.pay",
        arrears,
        before={k: str(v) for k, v in before.items()},
        after={
            "status": arrears.status,
            "paid_amount": str(arrears.paid_amount),
            "payment": f"{paid_on.isoformat()} {amount}元 {voucher_number}",
        },
        reason=note,
    )
    if arrears.status != t.CLEARED:
        common.tell_creditor(
            arrears,
            _("收到还款"),
            _("%(number)s：%(debtor)s于%(day)s付款%(amount)s元，尚欠%(left)s元。")
            % {
                "number": arrears.number,
                "debtor": arrears.debtor.name,
                "day": paid_on.isoformat(),
                "amount": amount,
                "left": arrears.outstanding + arrears.disputed_amount,
            },
        )
    return payment


@transaction.atomic
def arrears_void_payment(*, actor, arrears: Arrears, payment: int, reason: str = "") -> Payment:
    """A payment recorded wrongly (wrong amount, wrong record) is voided with the reason by the
    清欠办: it stays in the list, struck through, and counts nowhere."""
    arrears = workflow.lock(actor, arrears, action="void_payment", table=t.arrears_table)
    row = arrears.payments.select_for_update().filter(pk=payment, voided_at__isnull=True).first()
    if row is None:
        raise InvalidInput(
            "ARREARS_PAYMENT_UNKNOWN",
            _("该还款记录不存在或已作废"),
            details={"field": "payment"},
        )
    if not reason.strip():
        raise InvalidInput(
            "ARREARS_REASON_REQUIRED", _("请填写作废原因"), details={"field": "reason"}
        )
    now = timezone.now()
    before = workflow.snapshot(arrears, "status", "paid_amount")
    row.voided_at, row.void_reason, row.voided_by = now, reason.strip()[:200], actor or None
    row.save(update_fields=["voided_at", "void_reason", "voided_by"])
    arrears.paid_amount -= row.amount
    arrears.status = t.REPAYING if arrears.paid_amount > 0 else t.CONFIRMED
    arrears.cleared_at = None
    arrears.save(update_fields=["paid_amount", "status", "cleared_at"])
    workflow.record(
        actor,
        "arrears.void_payment",
        arrears,
        before={k: str(v) for k, v in before.items()},
        after={
            "status": arrears.status,
            "paid_amount": str(arrears.paid_amount),
            "payment": f"{row.paid_on.isoformat()} {row.amount}元 {row.voucher_number}",
        },
        reason=reason,
    )
    common.tell_creditor(
        arrears,
        _("还款记录更正"),
        _("%(number)s：%(day)s的%(amount)s元还款记录已作废（%(reason)s）。")
        % {
            "number": arrears.number,
            "day": row.paid_on.isoformat(),
            "amount": row.amount,
            "reason": reason.strip(),
        },
    )
    return row


@transaction.atomic
def arrears_plan(*, actor, arrears: Arrears, due_on: dt.date, amount, note: str = "") -> Milestone:
    """A step of the repayment plan. The plan cannot promise more than is owed."""
    arrears = workflow.lock(actor, arrears, action="plan", table=t.arrears_table)
    amount = common.money(amount, field="amount", label=_("计划还款金额"))
    if due_on is None:
        raise InvalidInput(
            "ARREARS_PLAN_DATE_REQUIRED", _("请填写计划还款日期"), details={"field": "due_on"}
        )
    planned = sum(m.amount for m in arrears.milestones.all())
    owed = arrears.undisputed_amount + arrears.disputed_amount
    if planned + amount > owed:
        raise InvalidInput(
            "ARREARS_PLAN_OVER_OWED",
            _("还款计划合计（%(sum)s元）超过确认欠款（%(owed)s元）")
            % {"sum": planned + amount, "owed": owed},
            details={"field": "amount"},
        )
    milestone = Milestone.objects.create(
        arrears=arrears,
        due_on=due_on,
        amount=amount,
        note=note[:200],
        created_by=actor or None,
        created_at=timezone.now(),
    )
    workflow.record(
        actor,
        "arrears.plan",
        arrears,
        after={"milestone": f"{due_on.isoformat()} {amount}元 {note}".strip()},
    )
    common.tell_creditor(
        arrears,
        _("还款计划"),
        _("%(number)s：计划于%(day)s前还款%(amount)s元。")
        % {"number": arrears.number, "day": due_on.isoformat(), "amount": amount},
    )
    return milestone


@transaction.atomic
def arrears_settle_dispute(*, actor, arrears: Arrears, agreed_amount, reason: str = "") -> Arrears:
    """The disputed part is resolved (协商、调解、裁决): `agreed_amount` of it is owed after all
    and joins the undisputed part; the rest is not owed."""
    arrears = workflow.lock(actor, arrears, action="settle_dispute", table=t.arrears_table)
    agreed = common.money(agreed_amount, field="agreed_amount", label=_("确认金额"), positive=False)
    if agreed > arrears.disputed_amount:
        raise InvalidInput(
            "ARREARS_AGREED_OVER_DISPUTED",
            _("确认金额不能超过有争议金额%(d)s元") % {"d": arrears.disputed_amount},
            details={"field": "agreed_amount"},
        )
    if not reason.strip():
        raise InvalidInput(
            "ARREARS_REASON_REQUIRED", _("请填写争议化解情况"), details={"field": "reason"}
        )
    before = workflow.snapshot(arrears, "status", "undisputed_amount", "disputed_amount")
    arrears.undisputed_amount += agreed
    arrears.disputed_amount = 0
    _clear_if_done(arrears, timezone.now())
    arrears.save()
    workflow.record(
        actor,
        "arrears.settle_dispute",
        arrears,
        before={k: str(v) for k, v in before.items()},
        after={
            "status": arrears.status,
            "undisputed_amount": str(arrears.undisputed_amount),
            "disputed_amount": "0",
            "agreed": str(agreed),
        },
        reason=reason,
    )
    return arrears
