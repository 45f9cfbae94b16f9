"""政策兑现: applying, review on a working-day clock, payment, and the delivery figures."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yingshang.audit.models import AuditEvent
from yingshang.credit.models import CreditSubject, DishonestListing
from yingshang.errors import DomainError, InvalidInput
from yingshang.policies import selectors, services
from yingshang.policies.actions import APPLICATION_ACTIONS, POLICY_ACTIONS, REVIEW_ACTIONS
from yingshang.policies.models import Application, ApplicationMaterial, PolicyItem
from yingshang.policies.services import entitled
from yingshang.policies.transitions import APPLICATION, POLICY, REVIEW
from yingshang.workcal.models import Clock

from .conftest import D, add_item, firm_account

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_action_registries_offer_every_move():
    assert APPLICATION_ACTIONS.moves() == set(APPLICATION.moves)
    assert POLICY_ACTIONS.moves() == set(POLICY.moves)
    assert REVIEW_ACTIONS.moves() == set(REVIEW.moves)


def _apply(user, item, **kw):
    return services.application_submit(actor=user, item=item, **kw)


def _nothing_saved():
    assert not Application.objects.exists()
    assert not ApplicationMaterial.objects.exists()
    assert not AuditEvent.objects.filter(action="policy.apply").exists()


def test_delivery_rate_arithmetic(personas, policy, item, today):
    """Six firms: A paid, B approved not yet paid, C refused, D under review, E withdrew its
    application, F granted without applying (免申即享) and paid.
    entitled = A, B, F = 3; paid = A, F = 2 → 66.7 %; approved 60,000, paid 40,000 of a
    100,000 budget → amount rate 66.7 %, budget used 40.0 %."""
    h = personas.handler_a
    apps = {}
    for n, key in enumerate("ABCDE", start=1):
        _firm, user = firm_account(n, size="small")
        apps[key] = _apply(user, item)
    services.application_approve(actor=h, application=apps["A"])
    services.application_pay(actor=h, application=apps["A"], voucher="PZ-001")
    services.application_approve(actor=h, application=apps["B"])
    services.application_refuse(actor=h, application=apps["C"], reason="已享受同类补助")
    services.application_cancel(
        actor=Application.objects.get(pk=apps["E"].pk).applicant, application=apps["E"]
    )
    f_firm, _user = firm_account(6, size="micro")
    granted = entitled.grant(actor=h, item=item, firm_id=f_firm.pk)
    services.application_pay(actor=h, application=granted, voucher="PZ-002")

    figures = selectors.delivery(personas.supervisor, policy=policy)
    assert (figures.applications, figures.pending, figures.refused) == (5, 1, 1)
    assert (figures.entitled, figures.paid, figures.proactive) == (3, 2, 1)
    assert figures.rate == D("66.7")
    assert (figures.approved_amount, figures.paid_amount) == (D("60000"), D("40000"))
    assert figures.amount_rate == D("66.7")
    assert figures.budget_used == D("40.0")
    assert figures.owed == D("20000")
    assert selectors.budget_left(item) == D("40000")  # 100,000 − (A + B + F)


def test_time_to_payment_counts_working_days(personas, item):
    """Submitted Monday 2026-06-01, paid Friday 2026-06-12: working days in (1 Jun, 12 Jun] are
    2–5 and 8–12 June = 9."""
    _firm, user = firm_account(1, size="small")
    app = _apply(user, item)
    services.application_approve(actor=personas.handler_a, application=app)
    services.application_pay(actor=personas.handler_a, application=app, voucher="PZ-9")
    Application.objects.filter(pk=app.pk).update(
        submitted_at=dt.datetime(2026, 6, 1, 9, 0, tzinfo=timezone.get_current_timezone()),
        paid_at=dt.datetime(2026, 6, 12, 16, 0, tzinfo=timezone.get_current_timezone()),
    )
    app.refresh_from_db()
    assert selectors.days_to_payment(app) == 9
    assert selectors.delivery(personas.supervisor, items=[item]).mean_days == D("9.0")


def test_application_outside_the_window_is_refused_and_nothing_saved(personas, policy, today):
    item = add_item(personas, policy, today, opens_on=today + dt.timedelta(days=1))
    _firm, user = firm_account(1, size="small")
    with pytest.raises(InvalidInput) as caught:
        _apply(user, item)
    assert caught.value.code == "POLICY_OUTSIDE_WINDOW"
    assert caught.value.details["field"] == "opens_on"
    assert "不在申报期内" in caught.value.message
    _nothing_saved()


def test_application_over_budget_is_refused(personas, policy, today):
    item = add_item(personas, policy, today, budget="30000")
    _f1, first = firm_account(1, size="small")
    _f2, second = firm_account(2, size="small")
    services.application_approve(actor=personas.handler_a, application=_apply(first, item))
    with pytest.raises(InvalidInput) as caught:
        _apply(second, item)
    assert caught.value.code == "POLICY_OVER_BUDGET"
    assert caught.value.details["field"] == "amount"
    assert "超出该事项预算余额 10000.00 元" in caught.value.message
    assert Application.objects.count() == 1


def test_blocked_firm_is_refused_by_the_credit_rule(personas, item):
    firm, user = firm_account(1, size="small")
    DishonestListing.objects.create(
        subject=CreditSubject.objects.create(firm=firm),
        reason="拒不履行法院判决",
        listed_at=timezone.now(),
        active=True,
    )
    with pytest.raises(DomainError) as caught:
        _apply(user, item)
    assert caught.value.code == "POLICY_FIRM_BLOCKED"
    assert caught.value.details["field"] == "firm"
    assert "失信惩戒期内" in caught.value.message and "政策兑现" in caught.value.message
    _nothing_saved()
    # and 免申即享 lists it as blocked, not payable
    _total, found = entitled.matches(PolicyItem.objects.get(pk=item.pk))
    assert [m.blocked for m in found if m.firm_id == firm.pk] == []  # the rule says 非 失信


def test_ineligible_firm_is_told_which_condition_fails(personas, item):
    _firm, user = firm_account(1, size="medium")
    with pytest.raises(InvalidInput) as caught:
        _apply(user, item)
    assert caught.value.code == "POLICY_NOT_ELIGIBLE"
    assert caught.value.message == "不符合申报条件：规模 in [小型, 微型]"
    _nothing_saved()


def test_missing_material_is_named_and_nothing_saved(personas, policy, today):
    item = add_item(personas, policy, today, materials=["营业执照", "设备购置发票"])
    _firm, user = firm_account(1, size="small")
    scan = SimpleUploadedFile("执照.pdf", PDF, content_type="application/pdf")
    with pytest.raises(InvalidInput) as caught:
        _apply(user, item, files={"material_0": [scan]})
    assert caught.value.code == "POLICY_MATERIAL_MISSING"
    assert caught.value.details["field"] == "material_1"
    assert "设备购置发票" in caught.value.message
    _nothing_saved()


def test_an_item_whose_rule_does_not_parse_is_not_created(personas, policy, today):
    with pytest.raises(InvalidInput) as caught:
        add_item(personas, policy, today, rule="规模 = 巨型")
    assert caught.value.code == "POLICY_RULE_INVALID"
    assert caught.value.details["field"] == "rule"
    assert not PolicyItem.objects.exists()


def test_rate_item_needs_the_basis(personas, policy, today):
    item = add_item(
        personas, policy, today, amount="", rate="0.1", cap="50000", basis_label="设备投资额"
    )
    _firm, user = firm_account(1, size="small")
    with pytest.raises(InvalidInput) as caught:
        _apply(user, item)
    assert caught.value.details["field"] == "basis"
    app = _apply(user, item, basis="800000")
    assert app.requested == D("50000.00")  # 80,000 capped at 50,000


def test_return_pauses_the_review_clock_and_resubmission_resumes_it(personas, item):
    _firm, user = firm_account(1, size="small")
    app = _apply(user, item)
    clock = Clock.objects.get(
        owner_type="policies.application", owner_id=str(app.pk), purpose="review"
    )
    assert float(clock.limit_amount) == 10
    app = services.application_return(
        actor=personas.handler_a, application=app, reason="请补充发票"
    )
    clock.refresh_from_db()
    assert clock.state == "paused" and app.clock_state == "paused" and app.due_at is None
    with pytest.raises(DomainError) as caught:
        services.application_approve(actor=personas.handler_a, application=app)
    assert caught.value.code == "POLICY_APPLICATION_APPROVE_NOT_ALLOWED"
    app = services.application_resubmit(actor=user, application=app, note="已补充")
    clock.refresh_from_db()
    assert clock.state in ("running", "warning") and app.status == "submitted"
    ev = AuditEvent.objects.filter(action="policy.return").latest("id")
    assert ev.object_id == str(app.pk)


def test_other_unit_and_other_firm_may_not_act(personas, item):
    _firm, user = firm_account(1, size="small")
    _other, stranger = firm_account(2, size="small")
    app = _apply(user, item)
    with pytest.raises(DomainError) as caught:
        services.application_approve(actor=personas.handler_b, application=app)
    assert caught.value.status in (403, 404) or caught.value.code.startswith("POLICY")
    with pytest.raises(Exception):  # noqa: B017 (404 outside the scope)
        services.application_cancel(actor=stranger, application=app)


def test_payment_must_be_the_amount_approved(personas, item):
    _firm, user = firm_account(1, size="small")
    app = services.application_approve(
        actor=personas.handler_a, application=_apply(user, item), amount="15000"
    )
    with pytest.raises(InvalidInput) as caught:
        services.application_pay(
            actor=personas.handler_a, application=app, amount="20000", voucher="X"
        )
    assert caught.value.code == "POLICY_PAYMENT_NOT_FULL"
    app = services.application_pay(actor=personas.handler_a, application=app, voucher="PZ-1")
    assert app.status == "paid" and app.payment.amount == D("15000")
    assert AuditEvent.objects.filter(action="policy.pay", object_id=str(app.pk)).exists()


def test_a_second_live_application_is_refused(personas, item):
    _firm, user = firm_account(1, size="small")
    _apply(user, item)
    with pytest.raises(DomainError) as caught:
        _apply(user, item)
    assert caught.value.code == "POLICY_ALREADY_APPLIED"
