"""The 清欠 services: the report, the 清欠办's verification with undisputed and disputed parts,
payments (never above what is outstanding), plans, disputes; every move audited."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.http import Http404

from yingshang.arrears import services
from yingshang.arrears import transitions as t
from yingshang.arrears.actions import ARREARS_ACTIONS
from yingshang.arrears.models import Arrears, Payment
from yingshang.arrears.tests.helpers import agency, confirmed, pay, report
from yingshang.audit.models import AuditEvent
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.workcal.models import Clock

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _events(a, action):
    return AuditEvent.objects.filter(action=action, object_id=str(a.pk))


def test_the_registry_offers_every_move_of_the_table():
    assert ARREARS_ACTIONS.moves() == set(t.arrears_table.moves)


def test_a_report_gets_its_due_date_a_number_and_a_working_day_clock(personas):
    a = report(personas)
    assert a.status == t.REPORTED
    assert a.number == "QK2026-0001"
    assert a.due_on == dt.date(2026, 10, 8)  # 30 days from 09-01 lands in 国庆
    clock = Clock.objects.get(owner_type="arrears.arrears", owner_id=str(a.pk), purpose="verify")
    assert clock.limit_unit == "working_days" and clock.limit_amount == 10
    assert a.due_at == clock.due_at
    assert _events(a, "arrears.report").count() == 1


def test_a_back_to_back_clause_is_flagged_on_the_record(personas):
    a = report(personas, payment_terms="甲方收到上级资金拨付后再行支付")
    assert a.back_to_back and "拨付后" in a.back_to_back_text


def test_a_firm_reports_only_for_itself(personas):
    from yingshang.enterprises.models import Firm
    from yingshang.testing.personas import valid_uscc

    other = Firm.objects.create(uscc=valid_uscc("91139999MA0000002"), name="别家公司")
    with pytest.raises(PermissionDeniedError) as exc:
        report(personas, creditor=other)
    assert exc.value.code == "ARREARS_FIRM_ONLY"
    assert not Arrears.objects.exists()


def test_an_invalid_uscc_is_refused_with_its_own_message(personas):
    with pytest.raises(InvalidInput) as exc:
        services.creditor_for("91110000123456789X")
    assert exc.value.code == "USCC_INVALID"


def test_verify_separates_undisputed_from_disputed(personas):
    a = confirmed(personas, undisputed="70000", disputed="30000")
    a.refresh_from_db()
    assert a.status == t.CONFIRMED
    assert (a.undisputed_amount, a.disputed_amount) == (Decimal("70000"), Decimal("30000"))
    assert a.outstanding == Decimal("70000")
    assert Clock.objects.get(owner_id=str(a.pk), purpose="verify").state == "stopped"
    ev = _events(a, "arrears.verify").get()
    assert ev.changes["undisputed_amount"][1] == "70000" and ev.role == "supervisor"


def test_verified_parts_cannot_exceed_the_amount_reported(personas):
    a = report(personas)
    with pytest.raises(InvalidInput) as exc:
        services.arrears_verify(
            actor=personas.supervisor,
            arrears=a,
            undisputed_amount="90000",
            disputed_amount="20000",
            dispute_note="x",
        )
    assert exc.value.code == "ARREARS_VERIFIED_OVER_REPORTED"
    a.refresh_from_db()
    assert a.status == t.REPORTED


@pytest.mark.parametrize("who", ["firm_user", "handler_a", "handler_b", "leader"])
def test_only_the_office_verifies(personas, who):
    a = report(personas)
    user = getattr(personas, who)
    with pytest.raises((PermissionDeniedError, Http404)):
        services.arrears_verify(actor=user, arrears=a, undisputed_amount="100000")
    a.refresh_from_db()
    assert a.status == t.REPORTED


def test_the_debtor_pays_in_two_parts_and_it_is_cleared(personas):
    a = confirmed(personas)
    pay(personas, a, "40000", dt.date(2026, 10, 9))
    a.refresh_from_db()
    assert (a.status, a.paid_amount) == (t.REPAYING, Decimal("40000"))
    pay(personas, a, "60000", dt.date(2026, 10, 20))
    a.refresh_from_db()
    assert a.status == t.CLEARED and a.outstanding == 0 and a.cleared_at is not None
    assert _events(a, "arrears.pay").count() == 2
    assert sum(Payment.objects.filter(arrears=a).values_list("amount", flat=True)) == a.paid_amount


def test_a_payment_above_the_outstanding_amount_is_refused(personas):
    a = confirmed(personas, undisputed="70000", disputed="30000")
    pay(personas, a, "50000")
    with pytest.raises(InvalidInput) as exc:
        pay(personas, a, "20000.01")
    assert exc.value.code == "ARREARS_PAYMENT_OVER_OUTSTANDING"
    assert exc.value.message == (
        "付款金额20000.01元超过尚未清偿的无争议金额20000.00元，请核对后重新填写"
    )
    a.refresh_from_db()
    assert a.paid_amount == Decimal("50000") and a.payments.count() == 1
    assert _events(a, "arrears.pay").count() == 1


def test_a_payment_before_verification_is_not_allowed(personas):
    a = report(personas)
    with pytest.raises(DomainError) as exc:
        pay(personas, a, "100", actor=personas.supervisor)
    assert exc.value.code == "ARREARS_PAY_NOT_ALLOWED"


def test_another_unit_cannot_touch_the_debt(personas):
    a = confirmed(personas)
    with pytest.raises(PermissionDeniedError) as exc:
        pay(personas, a, "100", actor=personas.handler_b)
    assert exc.value.code == "ARREARS_NOT_DEBTOR"


def test_settling_the_dispute_adds_the_agreed_part_and_clears_when_paid(personas):
    a = confirmed(personas, undisputed="70000", disputed="30000")
    pay(personas, a, "70000")
    a.refresh_from_db()
    assert a.status == t.REPAYING  # the disputed part is still open
    services.arrears_settle_dispute(
        actor=personas.supervisor, arrears=a, agreed_amount="10000", reason="经调解确认1万元"
    )
    a.refresh_from_db()
    assert (a.undisputed_amount, a.disputed_amount) == (Decimal("80000"), 0)
    pay(personas, a, "10000")
    a.refresh_from_db()
    assert a.status == t.CLEARED


def test_the_plan_cannot_promise_more_than_is_owed(personas):
    a = confirmed(personas)
    services.arrears_plan(
        actor=personas.handler_a, arrears=a, due_on=dt.date(2026, 12, 31), amount="60000"
    )
    with pytest.raises(InvalidInput) as exc:
        services.arrears_plan(
            actor=personas.handler_a, arrears=a, due_on=dt.date(2027, 1, 31), amount="40000.01"
        )
    assert exc.value.code == "ARREARS_PLAN_OVER_OWED"
    assert a.milestones.count() == 1
    assert _events(a, "arrears.plan").count() == 1


def test_reject_and_void_keep_the_record_with_the_reason(personas):
    a = report(personas)
    with pytest.raises(InvalidInput):
        services.arrears_reject(actor=personas.supervisor, arrears=a, reason=" ")
    services.arrears_reject(actor=personas.supervisor, arrears=a, reason="经核实款项已结清")
    a.refresh_from_db()
    assert (a.status, a.closed_reason) == (t.REJECTED, "经核实款项已结清")
    b = report(personas)
    services.arrears_void(actor=personas.supervisor, arrears=b, reason="重复登记")
    assert Arrears.objects.count() == 2
    assert _events(b, "arrears.void").get().reason == "重复登记"


def test_a_work_order_becomes_an_arrears_record_once(personas):
    from yingshang.hotline import services as hotline

    order = hotline.workorder_register(
        actor=personas.operator,
        content="县市场监管局拖欠我公司设备款10万元，验收已过三个月",
        category="complaint",
        caller_name="王五",
        caller_phone="13812345678",
        firm=personas.firm,
    )
    fields = {
        "debtor": agency(personas),
        "creditor_size": "small",
        "amount": "100000",
        "accepted_on": dt.date(2026, 8, 1),
    }
    a = services.arrears_from_workorder(actor=personas.supervisor, order=order, **fields)
    assert (a.source, a.workorder_id, a.creditor_id) == ("hotline", order.pk, personas.firm.pk)
    assert a.description.startswith("县市场监管局拖欠")
    with pytest.raises(InvalidInput) as exc:
        services.arrears_from_workorder(actor=personas.supervisor, order=order, **fields)
    assert exc.value.code == "ARREARS_WORKORDER_USED"


def test_the_verification_clock_counts_working_days_and_goes_overdue(personas):
    from yingshang.notify.models import Message
    from yingshang.workcal import calendar, clocks

    a = report(personas)  # Monday 2026-11-23 18:00 Beijing: ten working days → Monday 12-07
    assert calendar.local_date(a.due_at) == dt.date(2026, 12, 7)
    clocks.sweep(now=a.due_at + dt.timedelta(hours=1))
    a.refresh_from_db()
    assert a.clock_state == "overdue"
    assert _events(a, "arrears.overdue_verification").count() == 1
    assert Message.objects.filter(
        recipient=personas.supervisor, body__contains="超过核实时限"
    ).exists()


def test_a_wrong_payment_is_voided_with_its_reason_and_counts_nowhere(personas):
    a = confirmed(personas)
    pay(personas, a, "40000", dt.date(2026, 10, 9))
    wrong = pay(personas, a, "60000", dt.date(2026, 10, 20))
    a.refresh_from_db()
    assert a.status == t.CLEARED
    with pytest.raises(PermissionDeniedError):
        services.arrears_void_payment(
            actor=personas.handler_a, arrears=a, payment=wrong.pk, reason="录错"
        )
    services.arrears_void_payment(
        actor=personas.supervisor, arrears=a, payment=wrong.pk, reason="凭证为其他合同付款"
    )
    a.refresh_from_db()
    wrong.refresh_from_db()
    assert (a.status, a.paid_amount, a.cleared_at) == (t.REPAYING, Decimal("40000"), None)
    assert wrong.voided_at is not None and Payment.objects.filter(arrears=a).count() == 2
    assert _events(a, "arrears.void_payment").get().reason == "凭证为其他合同付款"
    with pytest.raises(InvalidInput) as exc:
        services.arrears_void_payment(
            actor=personas.supervisor, arrears=a, payment=wrong.pk, reason="再次"
        )
    assert exc.value.code == "ARREARS_PAYMENT_UNKNOWN"
    pay(personas, a, "60000", dt.date(2026, 10, 21))  # the outstanding amount is back
    a.refresh_from_db()
    assert a.status == t.CLEARED


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("supervisor", {"pay", "plan", "attach", "void", "settle_dispute", "void_payment"}),
        ("handler_a", {"pay", "plan", "attach"}),
        ("head_a", {"pay", "plan", "attach"}),
        ("firm_user", {"attach"}),
        ("handler_b", set()),
        ("leader", set()),
        ("admin", set()),
        ("operator", set()),
        ("applicant", set()),
        ("outsider", set()),
    ],
)
def test_who_may_do_what_on_a_confirmed_debt(personas, who, allowed):
    from yingshang.org import scope

    a = confirmed(personas, undisputed="70000", disputed="30000")
    pay(personas, a, "100")
    a.refresh_from_db()
    can = scope.abilities(getattr(personas, who), a)
    assert {k for k, ok in can.items() if ok} == allowed
