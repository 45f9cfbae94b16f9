"""Case services after intake: 一件事 packages and their unit tasks, decisions, delivery, the
special-procedure pause, withdrawal, certificate commitments and the assistant (the submission
and intake half is test_services.py)."""

import datetime as dt

import pytest
from django.http import Http404

from yingshang.audit.models import ReturnRecord
from yingshang.cases import services
from yingshang.cases.models import ApprovalTask, Case, Verification
from yingshang.cases.tests.conftest import all_files, form_for, pdf
from yingshang.cases.tests.test_services import MONDAY, events, submit
from yingshang.credit import selectors as credit
from yingshang.credit import services as credit_services
from yingshang.credit.models import Commitment
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.workcal import calendar

pytestmark = pytest.mark.django_db


# --- parallel approval --------------------------------------------------------------------------------
def _package_case(personas, cat, at=MONDAY):
    case = services.case_submit(
        actor=personas.firm_user,
        package=cat.package,
        form_data=form_for(personas.firm_user, **{"shop.area": "80"}),
        files=all_files(),
        channel="online",
        at=at,
    )
    return services.case_accept(actor=personas.clerk, case=case, at=at)


def test_package_case_is_decided_only_when_all_three_units_are_done(personas, cat):
    case = _package_case(personas, cat)
    assert case.unit == personas.unit_a and case.matter_version_id is None
    assert sorted(case.tasks.values_list("unit_id", flat=True)) == sorted(
        [personas.unit_a.pk, personas.unit_b.pk, cat.unit_c.pk]
    )
    task_for = {t.unit_id: t for t in case.tasks.all()}
    services.task_decide(
        actor=personas.handler_a, task=task_for[personas.unit_a.pk], decision="approved"
    )
    services.task_decide(
        actor=personas.handler_b, task=task_for[personas.unit_b.pk], decision="approved"
    )
    with pytest.raises(DomainError) as exc:
        services.case_decide(actor=personas.handler_a, case=case, decision="approved")
    assert exc.value.code == "CASE_TASKS_PENDING" and exc.value.details["pending"] == 1
    services.task_decide(actor=cat.handler_c, task=task_for[cat.unit_c.pk], decision="approved")
    case = services.case_decide(actor=personas.handler_a, case=case, decision="approved")
    assert case.status == "decided" and case.decision == "approved"
    assert events(case, "case.task_done").count() == 3


def test_each_task_lateness_counts_against_its_own_unit(personas, cat):
    case = _package_case(personas, cat)
    task_for = {t.unit_id: t for t in case.tasks.all()}
    services.task_decide(
        actor=personas.handler_a, task=task_for[personas.unit_a.pk], decision="approved", at=MONDAY
    )
    services.task_decide(
        actor=personas.handler_b, task=task_for[personas.unit_b.pk], decision="approved", at=MONDAY
    )
    late_at = task_for[cat.unit_c.pk].due_at + dt.timedelta(days=1)
    services.task_decide(
        actor=cat.handler_c, task=task_for[cat.unit_c.pk], decision="approved", at=late_at
    )
    late = dict(ApprovalTask.objects.filter(case=case).values_list("unit_id", "late"))
    assert late == {personas.unit_a.pk: False, personas.unit_b.pk: False, cat.unit_c.pk: True}


def test_task_of_another_unit_is_refused(personas, cat):
    case = _package_case(personas, cat)
    task_a = case.tasks.get(unit=personas.unit_a)
    with pytest.raises(PermissionDeniedError):
        services.task_decide(actor=personas.handler_b, task=task_a, decision="approved")
    with pytest.raises(Http404):
        services.task_decide(actor=personas.operator, task=task_a, decision="approved")
    assert ApprovalTask.objects.get(pk=task_a.pk).status == "pending"


def test_dept_staff_see_cases_where_their_unit_has_a_task(personas, cat):
    from yingshang.org import scope

    case = _package_case(personas, cat)
    assert scope.visible_to(cat.handler_c, Case).filter(pk=case.pk).exists()
    single = submit(personas, cat)
    assert not scope.visible_to(cat.handler_c, Case).filter(pk=single.pk).exists()


# --- decide, deliver, close -----------------------------------------------------------------------------
def _accepted(personas, cat):
    return services.case_accept(actor=personas.clerk, case=submit(personas, cat), at=MONDAY)


def test_not_approved_needs_reasons(personas, cat):
    with pytest.raises(InvalidInput):
        services.case_decide(
            actor=personas.handler_a, case=_accepted(personas, cat), decision="not_approved"
        )


def test_decide_by_another_unit_is_404_and_by_the_clerk_is_403(personas, cat):
    case = _accepted(personas, cat)
    with pytest.raises(Http404):
        services.case_decide(actor=personas.handler_b, case=case, decision="approved")
    with pytest.raises(PermissionDeniedError):
        services.case_decide(actor=personas.clerk, case=case, decision="approved")


def test_full_lifecycle_decide_deliver_by_mail_close(personas, cat):
    case = _accepted(personas, cat)
    case = services.case_start_review(actor=personas.handler_a, case=case, at=MONDAY)
    case = services.case_decide(
        actor=personas.handler_a, case=case, decision="approved", at=MONDAY + dt.timedelta(days=2)
    )
    assert not case.late and case.working_days_used == 2
    with pytest.raises(InvalidInput):
        services.case_deliver(actor=personas.clerk, case=case, method="mail")
    case = services.case_deliver(
        actor=personas.clerk, case=case, method="mail", tracking_number="SF1234567890"
    )
    assert case.status == "delivered" and case.deliveries.get().tracking_number == "SF1234567890"
    case = services.case_close(actor=personas.clerk, case=case)
    assert case.status == "closed" and case.closure_kind == "completed"
    for action in ("case.start_review", "case.decide", "case.deliver", "case.close"):
        assert events(case, action).count() == 1
    with pytest.raises(DomainError):
        services.case_close(actor=personas.clerk, case=case)


def test_electronic_licence_delivery_stores_the_file(personas, cat):
    case = services.case_decide(
        actor=personas.handler_a, case=_accepted(personas, cat), decision="approved"
    )
    case = services.case_deliver(
        actor=personas.handler_a, case=case, method="e_licence", file=pdf("licence.pdf")
    )
    doc = case.deliveries.get().document
    assert doc.purpose == "result" and doc.content_type == "application/pdf"


def test_late_decision_is_marked_late(personas, cat):
    case = _accepted(personas, cat)
    case = services.case_decide(
        actor=personas.handler_a,
        case=case,
        decision="approved",
        at=case.due_at + dt.timedelta(hours=1),
    )
    assert case.late


def test_special_procedure_pauses_the_clock(personas, cat):
    case = services.case_start_review(actor=personas.handler_a, case=_accepted(personas, cat))
    case = services.case_special_procedure(
        actor=personas.handler_a, case=case, start=True, name="现场核查"
    )
    assert case.clock_state == "paused" and case.due_at is None
    case = services.case_special_procedure(actor=personas.handler_a, case=case, start=False)
    assert case.clock_state != "paused" and case.due_at is not None
    assert events(case, "case.special_procedure_start").count() == 1


# --- withdraw -----------------------------------------------------------------------------------------
def test_applicant_withdraws_an_open_case_and_it_is_a_recorded_withdrawal(personas, cat):
    case = _accepted(personas, cat)
    with pytest.raises(PermissionDeniedError):
        services.case_withdraw(actor=personas.clerk, case=case)
    case = services.case_withdraw(actor=personas.applicant, case=case, reason="不再经营")
    assert case.status == "closed" and case.closure_kind == "withdrawn"
    assert Case.objects.filter(pk=case.pk).exists()  # never deleted
    assert ReturnRecord.objects.filter(object_id=str(case.pk), kind="withdraw").count() == 1
    with pytest.raises(DomainError):
        services.case_withdraw(actor=personas.applicant, case=case)


def test_another_applicant_cannot_touch_the_case(personas, cat):
    case = submit(personas, cat)
    with pytest.raises(Http404):
        services.case_withdraw(actor=personas.outsider, case=case)


# --- 告知承诺 -----------------------------------------------------------------------------------------
def test_certificate_commitment_gets_a_verification_and_a_false_one_revokes_the_decision(
    personas, cat
):
    case = submit(personas, cat, skip=("health_cert",), certificate_keys=["health_cert"])
    case = services.case_accept(actor=personas.clerk, case=case, at=MONDAY)
    v = Verification.objects.get(case=case)
    assert (
        v.material_key == "health_cert"
        and v.due_at == calendar.deadline(MONDAY, 10, "working_days").due_at
    )
    case = services.case_decide(actor=personas.handler_a, case=case, decision="approved")
    services.verification_check(
        actor=personas.handler_a, verification=v, truthful=False, note="健康证明系伪造"
    )
    case.refresh_from_db()
    assert case.decision == "revoked" and case.status == "closed" and case.closure_kind == "revoked"
    assert Commitment.objects.get(case=case).status == "false"
    assert credit.is_dishonest(personas.applicant)
    assert events(case, "case.revoke_decision").count() == 1


def test_truthful_verification_keeps_the_commitment(personas, cat):
    case = services.case_accept(
        actor=personas.clerk,
        case=submit(personas, cat, skip=("health_cert",), certificate_keys=["health_cert"]),
    )
    v = Verification.objects.get(case=case)
    services.verification_check(actor=personas.handler_a, verification=v, truthful=True)
    assert Commitment.objects.get(case=case).status == "kept"


def test_clerk_assigns_an_assistant_who_may_then_act_for_the_applicant(personas, cat):
    case = submit(personas, cat, skip=("floor_plan",), deficit_sign=True)
    with pytest.raises(InvalidInput):
        services.case_assign_assistant(actor=personas.clerk, case=case, assistant=personas.outsider)
    with pytest.raises(PermissionDeniedError):
        services.case_assign_assistant(
            actor=personas.applicant, case=case, assistant=personas.operator
        )
    case = services.case_assign_assistant(
        actor=personas.clerk, case=case, assistant=personas.operator
    )
    assert case.assistant == personas.operator and case.first_responder == personas.clerk
    assert events(case, "case.assign_assistant").count() == 1
    case = services.case_accept_with_deficit(actor=personas.clerk, case=case)
    services.case_supply_documents(
        actor=personas.operator, case=case, files={"floor_plan": [pdf()]}
    )
    services.case_review_supplement(
        actor=personas.clerk, case=case, material_key="floor_plan", accept=True
    )
    assert not Case.objects.get(pk=case.pk).deficit_open


def test_a_kept_certificate_commitment_found_false_later_revokes_the_decision(personas, cat):
    """The check passed, the case was decided; the credit administrator later finds the
    commitment false on the credit page: the decision goes, as after a false check."""

    case = services.case_accept(
        actor=personas.clerk,
        case=submit(personas, cat, skip=("health_cert",), certificate_keys=["health_cert"]),
    )
    services.verification_check(
        actor=personas.handler_a, verification=Verification.objects.get(case=case), truthful=True
    )
    case = services.case_decide(actor=personas.handler_a, case=case, decision="approved")
    commitment = Commitment.objects.get(case=case)
    assert commitment.status == "kept"
    credit_services.commitment_verify(
        actor=personas.supervisor,
        commitment=commitment,
        status="false",
        note="举报核实：证明系伪造",
    )
    case.refresh_from_db()
    assert case.decision == "revoked" and case.closure_kind == "revoked"
    assert events(case, "case.revoke_decision").count() == 1
    assert credit.is_dishonest(personas.applicant)
