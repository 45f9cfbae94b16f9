"""清零进度, the ledger of new against cleared, the overdue debtors, the assessment metric, the
overview section and the firm panel — each equal to a query over the records and payments."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db.models import F, Sum

from yingshang.arrears import selectors, services
from yingshang.arrears.metrics import METRICS
from yingshang.arrears.models import Payment
from yingshang.arrears.tests.helpers import agency, confirmed, pay, report
from yingshang.workcal import periods

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def book(personas):
    """Unit A owes three debts: one paid on time, one paid late in part, one disputed; a
    state-owned firm under unit B owes one, unpaid and overdue."""
    a = agency(personas)
    on_time = confirmed(personas, debtor=a, amount="50000", undisputed="50000")  # due 10-08
    pay(personas, on_time, "50000", dt.date(2026, 9, 30))
    late = confirmed(personas, debtor=a, amount="80000", undisputed="80000")
    pay(personas, late, "30000", dt.date(2026, 10, 20))
    typo = pay(personas, late, "3000", dt.date(2026, 10, 21))
    services.arrears_void_payment(
        actor=personas.supervisor, arrears=late, payment=typo.pk, reason="金额录错"
    )
    disputed = confirmed(personas, debtor=a, amount="40000", undisputed="10000", disputed="30000")
    soe = services.debtor_ensure(kind="soe", name="县城投集团", unit=personas.unit_b)
    confirmed(
        personas, debtor=soe, amount="20000", undisputed="20000", accepted_on=dt.date(2026, 8, 1)
    )  # a state-owned firm: 60 days, due 09-30
    report(personas, debtor=a, amount="999")  # not verified: counts nowhere
    return {"agency": a, "soe": soe, "on_time": on_time, "late": late, "disputed": disputed}


def test_clearance_rate_equals_a_query_over_payments(personas, book):
    rows = {r.debtor.pk: r for r in selectors.progress(personas.supervisor)}
    for debtor in (book["agency"], book["soe"]):
        paid = Payment.objects.filter(
            arrears__debtor=debtor,
            arrears__status__in=selectors.CONFIRMED,
            voided_at__isnull=True,
        ).aggregate(s=Sum("amount"))["s"] or Decimal("0")
        owed = debtor.arrears.filter(status__in=selectors.CONFIRMED).aggregate(
            s=Sum(F("undisputed_amount") + F("disputed_amount"))
        )["s"]
        r = rows[debtor.pk]
        assert (r.paid, r.owed) == (paid, owed)
        assert r.rate == (paid * 100 / owed).quantize(Decimal("0.1"))
    assert rows[book["agency"].pk].rate == Decimal("47.1")  # 80,000 of 170,000
    assert rows[book["soe"].pk].rate == Decimal("0.0")


def test_overdue_debtors_are_named_with_what_they_owe(personas, book):
    named = selectors.overdue_debtors(personas.supervisor)
    assert [(r.debtor.name, r.overdue_amount) for r in named] == [
        ("测试县市场监督管理局", Decimal("60000")),  # 50,000 left of `late` + 10,000 undisputed
        ("县城投集团", Decimal("20000")),
    ]


def test_a_unit_sees_only_its_own_debts(personas, book):
    rows = selectors.progress(personas.handler_b)
    assert [r.debtor.name for r in rows] == ["县城投集团"]
    assert selectors.progress(personas.outsider) == []


def test_ledger_counts_new_arrears_and_payments_per_month(personas, book):
    october = next(r for r in selectors.ledger(personas.supervisor) if r["period"].key == "2026-10")
    assert (october["paid_count"], october["paid_amount"]) == (1, Decimal("30000"))
    november = selectors.ledger(personas.supervisor)[-1]
    assert november["new_count"] == 5  # all reported "now"


def test_metric_cleared_on_time_per_debtor_unit(personas, book):
    metric = {m.code: m for m in METRICS}["arrears_cleared_on_time"]
    figures = metric.compute(periods.between(dt.date(2026, 10, 1), dt.date(2026, 10, 31)), {})
    a = figures[personas.unit_a.pk]
    assert (a.num, a.den, a.value) == (1, 3, Decimal("33.33"))
    assert personas.unit_b.pk not in figures  # its debt fell due in September
    sept = metric.compute(periods.between(dt.date(2026, 9, 1), dt.date(2026, 9, 30)), {})
    assert (sept[personas.unit_b.pk].num, sept[personas.unit_b.pk].den) == (0, 1)


def test_overview_section_and_firm_panel(personas, book):
    from yingshang.arrears import firm_panel, overview

    section = overview.section(personas.leader, periods.current("month"))
    figures = {str(f.label): f.value for f in section.figures}
    assert figures["清零进度"] == "42.1%"  # 80,000 of 190,000
    assert figures["逾期未付债务人"] == "2"
    assert section.overdue[personas.unit_a.pk][0] == 2
    panel = firm_panel.build(personas.firm, personas.firm_user, public=True)
    facts = {str(f.label): f.value for f in panel.facts}
    assert facts["尚欠金额（元）"] == "110,999.00"  # 190,000 − 80,000 + the unverified 999
    assert panel.total == 5
    assert firm_panel.build(personas.firm, personas.handler_b).total == 1
