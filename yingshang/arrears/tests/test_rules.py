"""The payment-deadline rule of 《保障中小企业款项支付条例》 Art. 9 by debtor type, hand-computed
against the county's 2026 calendar; the "背靠背" clause check; overdue interest."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from yingshang.arrears import rules

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "accepted", "days", "expected", "period"),
    [
        # 机关: 30 days. 2026-06-10 + 30 = 2026-07-10, a Friday
        ("agency", dt.date(2026, 6, 10), None, dt.date(2026, 7, 10), 30),
        # 事业单位 alike
        ("institution", dt.date(2026, 6, 10), None, dt.date(2026, 7, 10), 30),
        # contract agrees 45 days: 2026-06-10 + 45 = 2026-07-25 (Saturday) → Monday 07-27
        ("agency", dt.date(2026, 6, 10), 45, dt.date(2026, 7, 27), 45),
        # contract agrees 90 days: capped at 60 → 2026-08-09 (Sunday) → Monday 08-10
        ("agency", dt.date(2026, 6, 10), 90, dt.date(2026, 8, 10), 60),
        # 大型企业: 60 days → 2026-08-09 (Sunday) → Monday 08-10
        ("large", dt.date(2026, 6, 10), None, dt.date(2026, 8, 10), 60),
        # 国有企业 (a large SOE): 60 days. 2026-05-01 + 60 = 2026-06-30, a Tuesday
        ("soe", dt.date(2026, 5, 1), None, dt.date(2026, 6, 30), 60),
        # 30 days from 2026-09-01 is 10-01, 国庆 (1–7 Oct 2026): the next working day is 10-08
        ("agency", dt.date(2026, 9, 1), None, dt.date(2026, 10, 8), 30),
    ],
)
def test_due_date_by_debtor_type(kind, accepted, days, expected, period):
    d = rules.due_date(debtor_kind=kind, accepted_on=accepted, contract_days=days)
    assert d.due_on == expected
    assert d.days == period
    assert "第九条" in d.rule


def test_a_contract_over_60_days_with_an_agency_is_capped_and_said_so():
    d = rules.due_date(debtor_kind="agency", accepted_on=dt.date(2026, 6, 10), contract_days=90)
    assert d.warnings == ["合同约定付款期限90日超过60日上限，按60日计"]
    assert "顺延" in d.rule  # 08-09 is a Sunday


def test_a_long_term_with_a_large_firm_is_kept_but_flagged():
    d = rules.due_date(debtor_kind="large", accepted_on=dt.date(2026, 3, 2), contract_days=90)
    assert d.due_on == dt.date(2026, 6, 1)  # 03-02 + 90 = 05-31 (Sunday) → Monday 06-01
    assert "行业规范" in d.warnings[0]


@pytest.mark.parametrize(
    ("terms", "flagged"),
    [
        ("甲方在收到上级财政资金拨付后支付工程款", True),
        ("以建设单位资金到位为前提支付本合同款项", True),
        ("按业主拨付比例支付", True),
        ("本合同付款方式为背靠背", True),
        ("验收合格后30日内一次性支付全部价款", False),
        ("", False),
    ],
)
def test_back_to_back_clauses_are_flagged(terms, flagged):
    assert bool(rules.back_to_back_clause(terms)) is flagged


def _rec(rate, undisputed="10000", due=dt.date(2026, 7, 10)):
    return SimpleNamespace(
        interest_daily_rate=rate,
        undisputed_amount=Decimal(undisputed),
        amount=Decimal(undisputed),
        due_on=due,
    )


def test_interest_is_off_by_default(settings):
    settings.ARREARS_INTEREST_DAILY_RATE = None
    assert rules.overdue_interest(_rec(None), [], on=dt.date(2026, 8, 1)) is None


def test_interest_on_what_was_left_each_day_after_the_due_date(settings):
    settings.ARREARS_INTEREST_DAILY_RATE = "0.0005"
    pay = SimpleNamespace(paid_on=dt.date(2026, 7, 20), amount=Decimal("6000"))
    # 10 days on 10,000 (07-10 → 07-20) = 50.00; then 12 days on 4,000 (07-20 → 08-01) = 24.00
    got = rules.overdue_interest(_rec(None), [pay], on=dt.date(2026, 8, 1))
    assert got == Decimal("74.00")


def test_the_contract_rate_wins_over_the_setting(settings):
    settings.ARREARS_INTEREST_DAILY_RATE = "0.0005"
    got = rules.overdue_interest(_rec(Decimal("0.001")), [], on=dt.date(2026, 7, 20))
    assert got == Decimal("100.00")  # 10 days × 10,000 × 0.1%
