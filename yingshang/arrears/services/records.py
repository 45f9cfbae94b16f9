"""Entering arrears (a firm's report on the portal, the 清欠办's registration, a 12345 work
order turned into a record) and the 清欠办's verdict (verify with the parts, reject, void)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.arrears import rules
from yingshang.arrears import transitions as t
from yingshang.arrears.models import Arrears, Debtor, DebtorKind
from yingshang.arrears.scopes import may_register, may_report
from yingshang.arrears.services import common
from yingshang.enterprises.models import Firm
from yingshang.enterprises.selectors import firm_by_uscc
from yingshang.errors import InvalidInput, PermissionDeniedError
from yingshang.org import scope
from yingshang.workcal import calendar, clocks


def creditor_for(uscc: str) -> Firm:
    """The creditor firm by its USCC (validated; InvalidInput when wrong or unknown)."""
    firm = firm_by_uscc(uscc, field="creditor_uscc")
    if firm is None:
        raise InvalidInput(
            "ARREARS_CREDITOR_UNKNOWN",
            _("统一社会信用代码为%(code)s的企业尚未登记，请先登记企业信息") % {"code": uscc},
            details={"field": "creditor_uscc"},
        )
    return firm


def debtor_ensure(*, kind: str, name: str, unit=None, firm=None) -> Debtor:
    """The debtor of this name and kind, made when new (a government unit: its own name)."""
    if kind not in DebtorKind.values:
        raise InvalidInput(
            "ARREARS_DEBTOR_KIND_INVALID",
            _("债务人类型须为机关、事业单位、国有企业或大型企业"),
            details={"field": "debtor_kind"},
        )
    name = (name or (unit.name if unit else "") or (firm.name if firm else "")).strip()
    if not name:
        raise InvalidInput(
            "ARREARS_DEBTOR_REQUIRED", _("请填写债务人"), details={"field": "debtor"}
        )
    debtor, created = Debtor.objects.get_or_create(
        name=name[:120], kind=kind, defaults={"unit": unit, "firm": firm}
    )
    changed = []
    if not created and unit is not None and debtor.unit_id is None:
        debtor.unit = unit
        changed.append("unit")
    if not created and firm is not None and debtor.firm_id is None:
        debtor.firm = firm
        changed.append("firm")
    if changed:
        debtor.save(update_fields=changed)
    return debtor


def _contract(
    *,
    debtor: Debtor,
    creditor: Firm,
    creditor_size: str,
    amount,
    accepted_on: dt.date,
    contract_days: int | None,
    payment_terms: str,
    contract_amount,
) -> dict:
    """The checked contract facts and the rules applied to them."""
    if creditor_size not in Firm.Size.values:
        raise InvalidInput(
            "ARREARS_SIZE_REQUIRED",
            _("请选择签约时企业规模（大型/中型/小型/微型）"),
            details={"field": "creditor_size"},
        )
    amount = common.money(amount, field="amount", label=_("欠款金额"))
    if contract_amount not in (None, ""):
        contract_amount = common.money(
            contract_amount, field="contract_amount", label=_("合同金额")
        )
        if amount > contract_amount:
            raise InvalidInput(
                "ARREARS_AMOUNT_OVER_CONTRACT",
                _("欠款金额不能超过合同金额"),
                details={"field": "amount"},
            )
    else:
        contract_amount = None
    if accepted_on is None:
        raise InvalidInput(
            "ARREARS_ACCEPTED_ON_REQUIRED",
            _("请填写交付（验收）日期"),
            details={"field": "accepted_on"},
        )
    if accepted_on > calendar.local_date(timezone.now()):
        raise InvalidInput(
            "ARREARS_ACCEPTED_ON_FUTURE",
            _("交付（验收）日期不能晚于今天"),
            details={"field": "accepted_on"},
        )
    if contract_days is not None and not 0 < contract_days <= 3650:
        raise InvalidInput(
            "ARREARS_CONTRACT_DAYS_INVALID",
            _("约定付款期限须为1至3650日"),
            details={"field": "contract_days"},
        )
    due = rules.due_date(
        debtor_kind=debtor.kind, accepted_on=accepted_on, contract_days=contract_days
    )
    clause = rules.back_to_back_clause(payment_terms)
    return {
        "creditor_size": creditor_size,
        "amount": amount,
        "contract_amount": contract_amount,
        "accepted_on": accepted_on,
        "contract_days": contract_days,
        "payment_terms": payment_terms,
        "due_on": due.due_on,
        "due_rule": due.rule[:200],
        "back_to_back": bool(clause),
        "back_to_back_text": clause,
    }


@transaction.atomic
def arrears_create(
    *,
    actor,
    source: str,
    debtor: Debtor,
    creditor: Firm,
    creditor_size: str,
    amount,
    accepted_on: dt.date,
    contract_number: str = "",
    contract_name: str = "",
    contract_date: dt.date | None = None,
    contract_amount=None,
    payment_terms: str = "",
    contract_days: int | None = None,
    description: str = "",
    workorder=None,
    files=None,
    at: dt.datetime | None = None,
) -> Arrears:
    """One arrears record, reported and awaiting verification by the 清欠办 within
    ARREARS_VERIFY_WORKING_DAYS working days (a workcal clock)."""
    workflow.require_actor(actor)
    if source == Arrears.Source.PORTAL:
        allowed = may_report(scope.grants(actor))
        if allowed and creditor.pk != actor.firm_id:
            allowed = workflow.Denied("ARREARS_FIRM_ONLY", _("只能反映本企业被拖欠的账款"))
    elif workflow.is_system(actor):
        allowed = True
    else:
        allowed = may_register(scope.grants(actor))
    if not allowed:
        raise PermissionDeniedError(allowed.code, allowed.message)
    if debtor.firm_id is not None and debtor.firm_id == creditor.pk:
        raise InvalidInput(
            "ARREARS_DEBTOR_IS_CREDITOR",
            _("债务人与债权企业不能是同一家企业"),
            details={"field": "debtor"},
        )
    now = at or timezone.now()
    facts = _contract(
        debtor=debtor,
        creditor=creditor,
        creditor_size=creditor_size,
        amount=amount,
        accepted_on=accepted_on,
        contract_days=contract_days,
        payment_terms=payment_terms,
        contract_amount=contract_amount,
    )
    arrears = Arrears(
        number=common.next_number(now),
        source=source,
        debtor=debtor,
        creditor=creditor,
        contract_number=contract_number[:60],
        contract_name=contract_name[:120],
        contract_date=contract_date,
        description=description,
        workorder=workorder,
        reported_by=actor or None,
        reported_at=now,
        **facts,
    )
    arrears.save()
    common.save_files(arrears, files, actor, kind="evidence")
    clock = clocks.clock_start(
        owner=arrears,
        purpose=common.VERIFY,
        amount=common.verify_working_days(),
        unit="working_days",
        started_at=now,
    )
    arrears.mirror(clock)
    arrears.save(update_fields=["due_at", "clock_state"])
    workflow.record(
        actor,
        "arrears.report",
        arrears,
        after={
            "status": arrears.status,
            "amount": str(arrears.amount),
            "due_on": arrears.due_on.isoformat(),
            "back_to_back": arrears.back_to_back,
            **({"workorder": workorder.number} if workorder is not None else {}),
        },
    )
    common.tell_office(
        arrears,
        _("新的拖欠账款反映"),
        _("%(firm)s反映%(debtor)s拖欠账款%(amount)s元（%(number)s），请在%(days)s个工作日内核实。")
        % {
            "firm": creditor.name,
            "debtor": debtor.name,
            "amount": arrears.amount,
            "number": arrears.number,
            "days": common.verify_working_days(),
        },
    )
    return arrears


def arrears_from_workorder(*, actor, order, **fields) -> Arrears:
    """A 12345 work order about arrears becomes an arrears record (the hotline page's button):
    the creditor is the order's firm unless given; the order's text is the description."""
    creditor = fields.pop("creditor", None) or order.firm
    if creditor is None:
        raise InvalidInput(
            "ARREARS_CREDITOR_REQUIRED",
            _("工单未关联企业，请填写债权企业统一社会信用代码"),
            details={"field": "creditor_uscc"},
        )
    if Arrears.objects.filter(workorder=order).exclude(status=t.VOIDED).exists():
        raise InvalidInput(
            "ARREARS_WORKORDER_USED",
            _("该工单已转为清欠记录"),
            details={"workorder": order.number},
        )
    fields.setdefault("description", order.content)
    return arrears_create(
        actor=actor,
        source=Arrears.Source.HOTLINE,
        creditor=creditor,
        workorder=order,
        **fields,
    )


def _stop_clock(arrears: Arrears, now) -> None:
    clocks.clock_stop_open(arrears, common.VERIFY, at=now)
    arrears.mirror(None)


@transaction.atomic
def arrears_verify(
    *,
    actor,
    arrears: Arrears,
    undisputed_amount,
    disputed_amount=0,
    dispute_note: str = "",
    note: str = "",
) -> Arrears:
    """The 清欠办 has verified with the debtor: the undisputed part (to be paid promptly, Art.
    15) and the disputed part, which together cannot exceed the amount reported."""
    arrears = workflow.lock(actor, arrears, action="verify", table=t.arrears_table)
    undisputed = common.money(
        undisputed_amount, field="undisputed_amount", label=_("无争议金额"), positive=False
    )
    disputed = common.money(
        disputed_amount or 0, field="disputed_amount", label=_("有争议金额"), positive=False
    )
    if undisputed + disputed == 0:
        raise InvalidInput(
            "ARREARS_NOTHING_CONFIRMED",
            _("无争议金额与有争议金额不能都为零；不属实的反映请选择“不予认定”"),
            details={"field": "undisputed_amount"},
        )
    if undisputed + disputed > arrears.amount:
        raise InvalidInput(
            "ARREARS_VERIFIED_OVER_REPORTED",
            _("无争议金额与有争议金额之和（%(sum)s元）超过反映金额（%(amount)s元）")
            % {"sum": undisputed + disputed, "amount": arrears.amount},
            details={"field": "undisputed_amount"},
        )
    if disputed > 0 and not dispute_note.strip():
        raise InvalidInput(
            "ARREARS_DISPUTE_NOTE_REQUIRED",
            _("请说明争议事项"),
            details={"field": "dispute_note"},
        )
    now = timezone.now()
    before = workflow.snapshot(arrears, "status")
    arrears.status = t.arrears_table.target("verify", arrears.status)
    arrears.undisputed_amount = undisputed
    arrears.disputed_amount = disputed
    arrears.dispute_note = dispute_note.strip()
    arrears.verified_at = now
    _stop_clock(arrears, now)
    arrears.save()
    workflow.record(
        actor,
        "arrears.verify",
        arrears,
        before=before,
        after={
            "status": arrears.status,
            "undisputed_amount": str(undisputed),
            "disputed_amount": str(disputed),
        },
        reason=note,
    )
    body = _("%(number)s已核实：无争议金额%(u)s元，有争议金额%(d)s元，应付款日期%(due)s。") % {
        "number": arrears.number,
        "u": undisputed,
        "d": disputed,
        "due": arrears.due_on.isoformat(),
    }
    common.tell_creditor(arrears, _("拖欠账款已核实"), body)
    common.tell_debtor(arrears, _("请按期清偿拖欠账款"), body)
    return arrears


def _close(actor, arrears: Arrears, action: str, reason: str, event: str) -> Arrears:
    arrears = workflow.lock(actor, arrears, action=action, table=t.arrears_table)
    if not reason.strip():
        raise InvalidInput("ARREARS_REASON_REQUIRED", _("请填写原因"), details={"field": "reason"})
    now = timezone.now()
    before = workflow.snapshot(arrears, "status")
    arrears.status = t.arrears_table.target(action, arrears.status)
    arrears.closed_reason = reason.strip()
    _stop_clock(arrears, now)
    arrears.save()
    workflow.record(
        actor, event, arrears, before=before, after={"status": arrears.status}, reason=reason
    )
    common.tell_creditor(
        arrears,
        _("拖欠账款反映处理结果"),
        _("%(number)s：%(status)s。原因：%(reason)s")
        % {"number": arrears.number, "status": arrears.get_status_display(), "reason": reason},
    )
    return arrears


@transaction.atomic
def arrears_reject(*, actor, arrears: Arrears, reason: str = "") -> Arrears:
    """Verification found no debt (not owed, already paid, not this debtor): kept, with why."""
    return _close(actor, arrears, "reject", reason, "arrears.reject")


@transaction.atomic
def arrears_void(*, actor, arrears: Arrears, reason: str = "") -> Arrears:
    """Entered by mistake (a duplicate): voided with the reason, never deleted."""
    return _close(actor, arrears, "void", reason, "arrears.void")


@transaction.atomic
def arrears_attach(*, actor, arrears: Arrears, files, note: str = "") -> list:
    """Evidence added later (合同、验收单、发票、对账单)."""
    arrears = workflow.lock(actor, arrears, action="attach", table=t.arrears_table)
    if not files:
        raise InvalidInput(
            "ARREARS_FILES_REQUIRED", _("请选择要上传的文件"), details={"field": "files"}
        )
    saved = common.save_files(arrears, files, actor, kind="evidence")
    workflow.record(
        actor,
        "arrears.attach",
        arrears,
        after={"files": [a.original_name for a in saved]},
        reason=note,
    )
    return saved


def on_verify_clock(new_state: str, moved) -> None:
    """The sweep moved verification clocks: copy the state onto the rows; an overdue
    verification is put on record and the 清欠办 reminded."""
    ids = [int(m.owner_id) for m in moved if m.purpose == common.VERIFY]
    rows = list(Arrears.objects.filter(pk__in=ids, status=t.REPORTED))
    Arrears.objects.filter(pk__in=[a.pk for a in rows]).update(clock_state=new_state)
    if new_state != "overdue":
        return
    for arrears in rows:
        workflow.record(
            workflow.SYSTEM,
            "arrears.overdue_verification",
            arrears,
            after={"clock_state": new_state},
        )
        common.tell_office(
            arrears,
            _("拖欠账款核实逾期"),
            _("%(number)s（%(debtor)s）超过核实时限，请尽快与债务人核实。")
            % {"number": arrears.number, "debtor": arrears.debtor.name},
        )


clocks.on_transition("arrears.arrears", on_verify_clock)
