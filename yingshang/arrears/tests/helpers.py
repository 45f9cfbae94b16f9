"""Shared set-up for the 清欠 tests: a debtor per kind and a record in any state."""

import datetime as dt
from decimal import Decimal

from yingshang.arrears import services
from yingshang.arrears.models import Arrears, DebtorKind


def agency(personas):
    """市场监管局 (unit A) as a debtor: handler_a and head_a answer for it."""
    return services.debtor_ensure(kind=DebtorKind.AGENCY, name="", unit=personas.unit_a)


def report(personas, *, debtor=None, amount="100000", accepted_on=dt.date(2026, 9, 1), **kw):
    """A firm's report on the portal (the personas' firm, a small firm)."""
    data = {
        "actor": personas.firm_user,
        "source": Arrears.Source.PORTAL,
        "debtor": debtor or agency(personas),
        "creditor": personas.firm,
        "creditor_size": "small",
        "amount": amount,
        "accepted_on": accepted_on,
        "contract_number": "HT-2026-018",
        "payment_terms": "验收合格后30日内一次性支付",
    }
    data.update(kw)
    return services.arrears_create(**data)


def confirmed(personas, *, undisputed="100000", disputed="0", **kw):
    a = report(personas, **kw)
    return services.arrears_verify(
        actor=personas.supervisor,
        arrears=a,
        undisputed_amount=undisputed,
        disputed_amount=disputed,
        dispute_note="验收争议" if Decimal(disputed) else "",
    )


def pay(personas, a, amount, day=dt.date(2026, 10, 20), actor=None):
    return services.arrears_pay(
        actor=actor or personas.handler_a,
        arrears=a,
        amount=amount,
        paid_on=day,
        voucher_number=f"PZ-{day:%m%d}-{amount}",
    )
