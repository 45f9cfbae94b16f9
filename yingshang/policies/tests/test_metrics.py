"""The assessment figures of the policies module, per unit, and their drill-down pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from yingshang.assessment import registry
from yingshang.policies import services
from yingshang.policies.models import PolicyReview
from yingshang.workcal import periods

from .conftest import firm_account

CODES = ("policy_review_on_time", "policy_delivery_rate", "policy_days_to_payment")


def test_figures_per_unit(personas, policy, item, today):
    month = periods.period_of("month", today)
    h = personas.handler_a
    for n in (1, 2):
        _firm, user = firm_account(n, size="small")
        app = services.application_submit(actor=user, item=item)
        app = services.application_approve(actor=h, application=app)
        if n == 1:
            services.application_pay(actor=h, application=app, voucher="PZ")
    services.reviews_open()
    review = PolicyReview.objects.get(policy=policy)
    services.review_complete(actor=h, review=review, conclusion="unchanged")
    # a second policy's review past its deadline and still open: late
    late = services.policy_publish(
        actor=personas.supervisor,
        policy=services.policy_create(
            actor=personas.supervisor,
            owner_unit=personas.unit_a.pk,
            title="另一项政策",
            issuer="示范县人民政府",
            issued_on=today,
            effective_on=today,
            summary="摘要",
        ),
    )
    services.reviews_open()
    PolicyReview.objects.filter(policy=late).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    PolicyReview.objects.filter(policy=policy).update(due_at=timezone.now())

    unit = personas.unit_a.pk
    on_time = registry.get("policy_review_on_time").compute(month, {})[unit]
    assert (on_time.num, on_time.den, on_time.value) == (1, 2, Decimal("50.00"))
    delivered = registry.get("policy_delivery_rate").compute(month, {})[unit]
    assert (delivered.num, delivered.den, delivered.value) == (1, 2, Decimal("50.00"))
    days = registry.get("policy_days_to_payment").compute(month, {})[unit]
    assert (days.num, days.den, days.value) == (0, 1, Decimal("0.00"))  # paid the day it came in


@pytest.mark.parametrize("code", CODES)
def test_drill_down_opens(personas, login, code):
    metric = registry.get(code)
    period = periods.parse("2026-11")
    for who in (personas.supervisor, personas.leader):
        c = login(who)
        for part in ("numerator", "denominator"):
            assert c.get(metric.drill(personas.unit_a.pk, period, part)).status_code == 200
