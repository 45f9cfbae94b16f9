"""政策兑现: benefit items, firms' applications, review on a working-day clock, payment (seed 004:
"黄金十条"确保政策及时足额兑现). Every check runs before the first write, and each service is
one transaction: a refused application leaves nothing behind."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import numbering, uploads, workflow
from yingshang.credit.sanctions import refusal
from yingshang.errors import DomainError, PermissionDeniedError
from yingshang.notify import services as notify
from yingshang.org.staff import staff_of
from yingshang.policies import rules
from yingshang.policies import transitions as t
from yingshang.policies.models import Application, ApplicationMaterial, Payment, Policy, PolicyItem
from yingshang.policies.services import common
from yingshang.workcal import clocks, periods


# --- items -------------------------------------------------------------------------------------
def item_create(
    *,
    actor,
    policy: Policy,
    code: str,
    title: str,
    budget,
    opens_on,
    closes_on,
    review_unit,
    description: str = "",
    rule: str = "",
    amount=None,
    rate=None,
    cap=None,
    basis_label: str = "",
    materials=(),
    review_days: int = 10,
    pay_days: int = 15,
    proactive: bool = False,
    sort_order: int = 100,
) -> PolicyItem:
    fields = {
        "code": common.text(code, "code", max_length=20),
        "title": common.text(title, "title"),
        "description": common.text(description, "description", required=False, max_length=4000),
        "rule": common.text(rule, "rule", required=False, max_length=2000),
        "amount": common.money(amount, "amount", required=False),
        "rate": common.money(rate, "rate", required=False),
        "cap": common.money(cap, "cap", required=False),
        "basis_label": common.text(basis_label, "basis", required=False, max_length=60),
        "budget": common.money(budget, "budget"),
        "opens_on": common.date(opens_on, "opens_on"),
        "closes_on": common.date(closes_on, "closes_on"),
        "materials": [
            common.text(m, "materials", max_length=100) for m in materials or [] if str(m).strip()
        ],
        "review_days": int(review_days),
        "pay_days": int(pay_days),
        "proactive": bool(proactive),
        "sort_order": int(sort_order),
    }
    rules.parse(fields["rule"], field="rule")  # a rule that does not parse is refused here
    if (fields["amount"] is None) == (fields["rate"] is None):
        raise common.bad(
            "POLICY_ITEM_AMOUNT", "amount", _("请填写定额，或按基数比例计算（二选一）")
        )
    if fields["rate"] is not None and not fields["basis_label"]:
        raise common.bad("POLICY_FIELD_REQUIRED", "basis", _("按比例兑现时请填写申报基数名称"))
    common.order(fields["opens_on"], fields["closes_on"], "opens_on", "closes_on")
    for key in ("review_days", "pay_days"):
        if not 1 <= fields[key] <= 60:
            raise common.bad("POLICY_DAYS_INVALID", key, _("时限应为 1–60 个工作日"))
    unit = common.unit(review_unit, "review_unit")
    with transaction.atomic():
        policy = workflow.lock(actor, policy, action="add_item")
        if PolicyItem.objects.filter(policy=policy, code=fields["code"]).exists():
            raise common.bad(
                "POLICY_ITEM_EXISTS",
                "code",
                _("该政策已有编号为 %(c)s 的条款") % {"c": fields["code"]},
            )
        item = PolicyItem.objects.create(policy=policy, review_unit=unit, **fields)
        workflow.record(
            actor,
            "policy.item_create",
            item,
            subject=policy,
            after={
                "code": item.code,
                "rule": item.rule,
                "budget": str(item.budget),
                "window": [item.opens_on.isoformat(), item.closes_on.isoformat()],
            },
        )
    return item


def item_withdraw(*, actor, item: PolicyItem, reason: str = "") -> PolicyItem:
    reason = common.text(reason, "reason", max_length=300)
    with transaction.atomic():
        item = workflow.lock(actor, item, action="withdraw")
        item.status = PolicyItem.Status.WITHDRAWN
        item.withdraw_reason = reason
        item.save(update_fields=["status", "withdraw_reason"])
        workflow.record(
            actor,
            "policy.item_withdraw",
            item,
            before={"status": "active"},
            after={"status": "withdrawn"},
            reason=reason,
        )
    return item


# --- money ---------------------------------------------------------------------------------------
def committed(item: PolicyItem) -> Decimal:
    """What the item already owes or paid (approved and paid applications)."""
    total = Application.objects.filter(item=item, status__in=sorted(t.ENTITLED)).aggregate(
        s=Sum("approved_amount")
    )["s"]
    return total or Decimal(0)


def _check_budget(item: PolicyItem, amount: Decimal, field: str) -> None:
    left = item.budget - committed(item)
    if amount > left:
        raise common.bad(
            "POLICY_OVER_BUDGET",
            field,
            _("%(f)s %(a)s 元超出该事项预算余额 %(left)s 元（预算 %(b)s 元）")
            % {"f": common.label(field), "a": amount, "left": left, "b": item.budget},
            budget=str(item.budget),
            left=str(left),
        )


def _check_blocked(firm) -> None:
    reason = refusal(firm, "policy_benefit")  # 联合惩戒 (credit.sanctions)
    if reason:
        raise DomainError(
            "POLICY_FIRM_BLOCKED", reason, details={"field": "firm", "uscc": firm.uscc}
        )


def eligibility(item: PolicyItem, firm, *, on: dt.date | None = None) -> dict:
    """The rule and the firm's facts it reads ({rule, facts, shown, unmet, on})."""
    on = on or periods.today()
    tree = rules.parse(item.rule, field="rule")
    used = rules.facts_used(tree)
    facts = rules.firm_facts(firm, used, on)
    return {
        "rule": item.rule,
        "on": on.isoformat(),
        "facts": {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in facts.items()},
        "shown": {rules.FACTS[k].label: rules.show(k, v) for k, v in facts.items()},
        "unmet": rules.unmet(tree, facts),
    }


def _check_item_open(item: PolicyItem, on: dt.date) -> None:
    if item.status != PolicyItem.Status.ACTIVE or item.policy.status != t.PUBLISHED:
        raise DomainError("POLICY_ITEM_CLOSED", _("该兑现事项已撤回或所属政策未发布"))
    if not item.opens_on <= on <= item.closes_on:
        raise common.bad(
            "POLICY_OUTSIDE_WINDOW",
            "opens_on" if on < item.opens_on else "closes_on",
            _("不在申报期内：该事项申报期为 %(a)s 至 %(b)s")
            % {"a": item.opens_on.isoformat(), "b": item.closes_on.isoformat()},
            opens_on=item.opens_on.isoformat(),
            closes_on=item.closes_on.isoformat(),
        )


def _requested(item: PolicyItem, basis) -> tuple[Decimal | None, Decimal]:
    if item.rate is not None:
        basis = common.money(basis, "basis")
    else:
        basis = common.money(basis, "basis", required=False)
    amount = item.amount_for(basis)
    assert amount is not None  # an item has an amount or a rate (constraint)
    return basis, amount


def _materials(item: PolicyItem, files: dict, *, all_required: bool) -> list[tuple[str, list]]:
    """[(material name, [checked uploads])] — files posted as material_<n> for the n-th material
    of the item; every one of them is required on a first submission."""
    out = []
    for n, name in enumerate(item.materials):
        posted = list(files.get(f"material_{n}", []) or [])
        if not posted and all_required:
            raise common.bad(
                "POLICY_MATERIAL_MISSING",
                f"material_{n}",
                _("缺少申报材料：%(m)s") % {"m": name},
            )
        out.append((name, [uploads.check(f, field=f"material_{n}") for f in posted]))
    return out


def _store(application: Application, materials) -> None:
    for name, checked in materials:
        for c in checked:
            ApplicationMaterial.objects.create(
                application=application,
                material=name,
                file=c.file,
                original_name=c.name,
                content_type=c.content_type,
                size=c.size,
                sha256=c.sha256,
            )


def _number(at: dt.datetime) -> str:
    day = timezone.localtime(at).date()
    return f"ZC{day:%Y%m%d}{numbering.take(f'policy-application:{day.isoformat()}'):04d}"


def _firm_accounts(firm_id: int):
    from yingshang.org.models import User

    return User.objects.filter(kind=User.Kind.FIRM, firm_id=firm_id, is_active=True).order_by("pk")


# --- applications ---------------------------------------------------------------------------------
def application_submit(
    *, actor, item: PolicyItem, basis=None, note: str = "", files: dict | None = None
) -> Application:
    """A firm account applies for `item` (fetched by the caller through its scope)."""
    workflow.require_actor(actor)
    if getattr(actor, "kind", "") != "firm" or not getattr(actor, "firm_id", None):
        raise PermissionDeniedError("POLICY_FIRM_ONLY", _("请使用企业账号登录后申报"))
    firm = actor.firm
    today = periods.today()
    note = common.text(note, "note", required=False, max_length=2000)
    with transaction.atomic():
        # the item row serialises budget checks: two approvals cannot both spend the last yuan
        item = PolicyItem.objects.select_for_update().select_related("policy").get(pk=item.pk)
        _check_item_open(item, today)
        _check_blocked(firm)
        checked = eligibility(item, firm, on=today)
        if checked["unmet"]:
            raise common.bad(
                "POLICY_NOT_ELIGIBLE",
                "rule",
                _("不符合申报条件：%(c)s") % {"c": "；".join(checked["unmet"])},
                unmet=checked["unmet"],
                facts=checked["shown"],
            )
        basis, requested = _requested(item, basis)
        _check_budget(item, requested, "basis" if item.rate is not None else "amount")
        if Application.objects.filter(item=item, firm=firm, status__in=sorted(t.LIVE)).exists():
            raise DomainError(
                "POLICY_ALREADY_APPLIED",
                _("本企业已申报该事项（办理中或已兑现），不能重复申报"),
                details={"field": "item"},
            )
        materials = _materials(item, files or {}, all_required=True)
        now = timezone.now()
        application = Application.objects.create(
            number=_number(now),
            item=item,
            firm=firm,
            applicant=actor,
            channel=Application.Channel.APPLIED,
            basis=basis,
            requested=requested,
            status=t.SUBMITTED,
            note=note,
            eligibility=checked,
            submitted_at=now,
        )
        _store(application, materials)
        clock = clocks.clock_start(
            owner=application,
            purpose="review",
            amount=item.review_days,
            unit="working_days",
            started_at=now,
        )
        application.mirror(clock)
        application.save(update_fields=["due_at", "clock_state"])
        workflow.record(
            actor,
            "policy.apply",
            application,
            after={"status": t.SUBMITTED, "requested": str(requested), "item": item.code},
        )
        notify.send_to(
            staff_of(item.review_unit_id),
            body=_("新的政策兑现申请 %(n)s：%(f)s 申报“%(i)s”，请在 %(d)s 个工作日内审核。")
            % {"n": application.number, "f": firm.name, "i": item.title, "d": item.review_days},
            related=application,
        )
    return application


def application_approve(
    *, actor, application: Application, amount=None, reason: str = ""
) -> Application:
    with transaction.atomic():
        application = workflow.lock(actor, application, action="approve", table=t.APPLICATION)
        item = PolicyItem.objects.select_for_update().get(pk=application.item_id)
        granted = common.money(amount, "amount", required=False) or application.requested
        if granted > application.requested:
            raise common.bad(
                "POLICY_AMOUNT_OVER_REQUESTED",
                "amount",
                _("核定金额不能超过申请金额 %(r)s 元") % {"r": application.requested},
            )
        _check_blocked(application.firm)
        _check_budget(item, granted, "amount")
        now = timezone.now()
        clocks.clock_stop_open(application, "review", at=now)
        application.status = t.APPLICATION.target("approve", application.status)
        application.approved_amount = granted
        application.decided_at = now
        pay = clocks.clock_start(
            owner=application,
            purpose="payment",
            amount=item.pay_days,
            unit="working_days",
            started_at=now,
        )
        application.mirror(pay)
        application.save()
        workflow.record(
            actor,
            "policy.approve",
            application,
            before={"status": t.SUBMITTED},
            after={"status": application.status, "approved_amount": str(granted)},
            reason=reason,
        )
        _tell_firm(
            application,
            _("您的政策兑现申请 %(n)s 已审核通过，核定金额 %(a)s 元，将在 %(d)s 个工作日内拨付。")
            % {"n": application.number, "a": granted, "d": item.pay_days},
        )
    return application


def application_return(*, actor, application: Application, reason: str = "") -> Application:
    reason = common.text(reason, "reason", max_length=2000)
    with transaction.atomic():
        application = workflow.lock(actor, application, action="return", table=t.APPLICATION)
        clock = clocks.clock_open(application, "review")
        if clock is not None:
            clock = clocks.clock_pause(clock=clock, kind="correction", reason=reason)
        application.status = t.APPLICATION.target("return", application.status)
        application.return_reason = reason
        application.mirror(clock)
        application.save()
        workflow.record(
            actor,
            "policy.return",
            application,
            before={"status": t.SUBMITTED},
            after={"status": application.status},
            reason=reason,
        )
        _tell_firm(
            application,
            _("您的政策兑现申请 %(n)s 被退回补正：%(r)s") % {"n": application.number, "r": reason},
        )
    return application


def application_resubmit(
    *, actor, application: Application, note: str = "", files: dict | None = None
) -> Application:
    note = common.text(note, "note", required=False, max_length=2000)
    with transaction.atomic():
        application = workflow.lock(actor, application, action="resubmit", table=t.APPLICATION)
        item = application.item
        _check_item_open_for_correction(item)
        materials = _materials(item, files or {}, all_required=False)
        _store(application, materials)
        clock = clocks.clock_open(application, "review")
        if clock is not None:
            clock = clocks.clock_resume(clock=clock)
        application.status = t.APPLICATION.target("resubmit", application.status)
        if note:
            application.note = note
        application.mirror(clock)
        application.save()
        workflow.record(
            actor,
            "policy.resubmit",
            application,
            before={"status": t.RETURNED},
            after={"status": application.status},
        )
        notify.send_to(
            staff_of(item.review_unit_id),
            body=_("政策兑现申请 %(n)s 已补正重新提交，请继续审核。") % {"n": application.number},
            related=application,
        )
    return application


def _check_item_open_for_correction(item: PolicyItem) -> None:
    # a correction may come after the window closed: the application was made in time
    if item.status != PolicyItem.Status.ACTIVE:
        raise DomainError("POLICY_ITEM_CLOSED", _("该兑现事项已撤回"))


def application_refuse(*, actor, application: Application, reason: str = "") -> Application:
    reason = common.text(reason, "reason", max_length=2000)
    with transaction.atomic():
        application = workflow.lock(actor, application, action="refuse", table=t.APPLICATION)
        now = timezone.now()
        clock = clocks.clock_stop_open(application, "review", at=now)
        application.status = t.APPLICATION.target("refuse", application.status)
        application.refuse_reason = reason
        application.decided_at = now
        application.mirror(clock)
        application.save()
        workflow.record(
            actor,
            "policy.refuse",
            application,
            before={"status": t.SUBMITTED},
            after={"status": application.status},
            reason=reason,
        )
        _tell_firm(
            application,
            _("您的政策兑现申请 %(n)s 不予兑现：%(r)s") % {"n": application.number, "r": reason},
        )
    return application


def application_cancel(*, actor, application: Application, reason: str = "") -> Application:
    reason = common.text(reason, "reason", required=False, max_length=300)
    with transaction.atomic():
        application = workflow.lock(actor, application, action="cancel", table=t.APPLICATION)
        before = application.status
        clock = clocks.clock_stop_open(application, "review")
        application.status = t.APPLICATION.target("cancel", application.status)
        application.mirror(clock)
        application.save()
        workflow.record(
            actor,
            "policy.cancel",
            application,
            before={"status": before},
            after={"status": application.status},
            reason=reason,
        )
    return application


def application_pay(
    *, actor, application: Application, amount=None, paid_on=None, voucher: str = ""
) -> Application:
    voucher = common.text(voucher, "voucher", max_length=60)
    day = common.date(paid_on, "paid_on", required=False) or periods.today()
    with transaction.atomic():
        application = workflow.lock(actor, application, action="pay", table=t.APPLICATION)
        assert application.approved_amount is not None  # approved → amount set
        paid = common.money(amount, "amount", required=False) or application.approved_amount
        if paid != application.approved_amount:
            # 足额: the payment is the amount approved, no more, no less
            raise common.bad(
                "POLICY_PAYMENT_NOT_FULL",
                "amount",
                _("拨付金额应与核定金额 %(a)s 元一致") % {"a": application.approved_amount},
            )
        if day > periods.today() or day < timezone.localtime(application.decided_at).date():
            raise common.bad(
                "POLICY_PAYMENT_DATE", "paid_on", _("拨付日期应在审核通过之后、今天之前")
            )
        _check_blocked(application.firm)
        now = timezone.now()
        at = (
            now
            if day == periods.today()
            else periods.Period("day", day, day).end - dt.timedelta(seconds=1)
        )
        clocks.clock_stop_open(application, "payment", at=at)
        Payment.objects.create(
            application=application, amount=paid, paid_on=day, voucher=voucher, recorded_by=actor
        )
        application.status = t.APPLICATION.target("pay", application.status)
        application.paid_at = at
        application.mirror(None)
        application.save()
        workflow.record(
            actor,
            "policy.pay",
            application,
            before={"status": t.APPROVED},
            after={"status": application.status, "paid": str(paid), "voucher": voucher},
        )
        _tell_firm(
            application,
            _("政策兑现资金已拨付：申请 %(n)s，金额 %(a)s 元，凭证号 %(v)s。")
            % {"n": application.number, "a": paid, "v": voucher},
        )
    return application


def _tell_firm(application: Application, body: str) -> None:
    notify.send_to(_firm_accounts(application.firm_id), body=body, related=application)


def on_application_clock(new_state: str, moved) -> None:
    ids = [int(m.owner_id) for m in moved]
    Application.objects.filter(pk__in=ids, status__in=[t.SUBMITTED, t.APPROVED]).update(
        clock_state=new_state
    )


clocks.on_transition("policies.application", on_application_clock)
