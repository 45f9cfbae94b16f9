import datetime as dt

import pytest
import time_machine
from django.http import Http404

from yingshang.audit.models import AuditEvent, ReturnRecord
from yingshang.cases import services, tasks
from yingshang.cases.models import Case, CorrectionRequest, Document
from yingshang.cases.tests.conftest import all_files, fake_pdf, form_for, pdf
from yingshang.credit import selectors as credit
from yingshang.credit import services as credit_services
from yingshang.credit.models import Commitment
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.notify.models import Message
from yingshang.workcal import calendar
from yingshang.workcal.calendar import TZ

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=TZ)  # an ordinary working Monday


def events(case, action):
    return AuditEvent.objects.filter(
        object_type="cases.case", object_id=str(case.pk), action=action
    )


def submit(personas, cat, *, user=None, skip=(), at=MONDAY, **kw):
    user = user or personas.applicant
    return services.case_submit(
        actor=user,
        matter=kw.pop("matter", cat.matter),
        form_data=form_for(user),
        files=all_files(skip),
        channel="online",
        at=at,
        **kw,
    )


# --- submit -------------------------------------------------------------------------------------
def test_online_submission_starts_a_five_day_intake_clock_and_is_audited(personas, cat):
    case = submit(personas, cat)
    assert case.status == "submitted"
    assert case.number.startswith("YS20260302") and len(case.number) == 16
    assert case.matter_version_id == cat.matter.current_version_id
    assert case.due_at == calendar.deadline(MONDAY, 5, "working_days").due_at
    assert Document.objects.filter(case=case).count() == 4
    assert events(case, "case.submit").count() == 1


def test_a_later_revision_of_the_matter_does_not_change_an_existing_case(personas, cat):
    from yingshang.catalog import services as catalog

    case = submit(personas, cat)
    catalog.matter_revise(
        actor=personas.admin, matter=cat.matter, changes={"promised_limit_days": 3}, note="压缩时限"
    )
    cat.matter.refresh_from_db()
    assert cat.matter.current_version_id != case.matter_version_id
    case = services.case_accept(actor=personas.clerk, case=case, at=MONDAY)
    assert case.promised_limit_days == 10
    assert case.due_at == calendar.deadline(MONDAY, 10, "working_days").due_at


def test_submission_missing_a_required_field_is_refused_and_nothing_is_saved(personas, cat):
    with pytest.raises(InvalidInput) as exc:
        services.case_submit(
            actor=personas.applicant,
            matter=cat.matter,
            form_data={"applicant.name": "张三"},
            files=all_files(),
            channel="online",
        )
    assert exc.value.code == "CASE_FORM_INVALID"
    assert "shop.name" in exc.value.details["fields"]
    assert Case.objects.count() == 0


def test_upload_with_a_lying_extension_is_rejected_by_content(personas, cat):
    files = all_files(skip=("id_card",))
    files["id_card"] = [fake_pdf()]
    with pytest.raises(InvalidInput) as exc:
        services.case_submit(
            actor=personas.applicant,
            matter=cat.matter,
            form_data=form_for(personas.applicant),
            files=files,
            channel="online",
        )
    assert exc.value.code == "UPLOAD_TYPE_NOT_ALLOWED"
    assert "evil.pdf" in exc.value.message
    assert Case.objects.count() == 0


def test_upload_over_the_size_limit_is_rejected(personas, cat, settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(InvalidInput) as exc:
        submit(personas, cat)
    assert exc.value.code == "UPLOAD_TOO_LARGE"


def test_staff_cannot_submit_online_for_themselves(personas, cat):
    with pytest.raises(PermissionDeniedError):
        services.case_submit(
            actor=personas.handler_a,
            matter=cat.matter,
            form_data=form_for(personas.applicant),
            files=all_files(),
            channel="online",
        )


def test_clerk_submits_at_the_window_for_the_applicant_and_is_first_responder(personas, cat):
    case = services.case_submit(
        actor=personas.clerk,
        applicant=personas.applicant,
        matter=cat.matter,
        form_data=form_for(personas.applicant),
        files=all_files(),
        channel="window",
        at=MONDAY,
    )
    assert case.applicant == personas.applicant and case.channel == "window"
    assert case.received_by == personas.clerk and case.first_responder == personas.clerk
    assert case.window == personas.window and case.centre == personas.centre


# --- accept ---------------------------------------------------------------------------------------
def test_clerk_accepts_a_complete_case_clock_starts_and_applicant_is_told(personas, cat):
    case = submit(personas, cat)
    case = services.case_accept(actor=personas.clerk, case=case, at=MONDAY)
    assert case.status == "accepted" and case.accepted_at == MONDAY
    assert case.due_at == calendar.deadline(MONDAY, 10, "working_days").due_at
    assert events(case, "case.accept").get().changes["status"] == ["submitted", "accepted"]
    assert Message.objects.filter(
        related_id=str(case.pk), channel="sms", recipient=personas.applicant
    ).exists()


def test_accept_is_refused_in_the_wrong_state(personas, cat):
    case = services.case_accept(actor=personas.clerk, case=submit(personas, cat), at=MONDAY)
    with pytest.raises(DomainError) as exc:
        services.case_accept(actor=personas.clerk, case=case)
    assert exc.value.code == "CASE_ACCEPT_NOT_ALLOWED" and exc.value.status == 409
    assert events(case, "case.accept").count() == 1


def test_accept_is_refused_for_the_wrong_role(personas, cat):
    case = submit(personas, cat)
    for user in (personas.applicant, personas.handler_a):
        with pytest.raises(PermissionDeniedError):
            services.case_accept(actor=user, case=case)
    assert Case.objects.get(pk=case.pk).status == "submitted"


def test_accept_by_staff_of_another_unit_is_404(personas, cat):
    case = submit(personas, cat)
    with pytest.raises(Http404):
        services.case_accept(actor=personas.handler_b, case=case)
    with pytest.raises(Http404):
        services.case_accept(actor=personas.outsider, case=case)


def at_window(personas, cat, *, skip=(), **kw):
    """What the applicant brought to the window (the clerk receives it, complete or not)."""
    return services.case_submit(
        actor=personas.clerk,
        applicant=personas.applicant,
        matter=cat.matter,
        form_data=form_for(personas.applicant),
        files=all_files(skip),
        channel="window",
        at=MONDAY,
        **kw,
    )


def test_an_online_submission_without_a_required_material_is_refused(personas, cat):
    with pytest.raises(InvalidInput) as exc:
        submit(personas, cat, skip=("id_card",))
    assert exc.value.code == "CASE_MATERIALS_MISSING" and "身份证明" in exc.value.message
    assert exc.value.details["materials"] == ["id_card"]
    assert not Case.objects.exists()


def test_a_deferrable_material_needs_the_signed_deficit_commitment(personas, cat):
    with pytest.raises(InvalidInput) as exc:
        submit(personas, cat, skip=("floor_plan",))
    assert exc.value.code == "CASE_DEFICIT_COMMITMENT_REQUIRED"
    assert "经营场所平面图" in exc.value.message and "容缺受理承诺书" in exc.value.message
    assert not Case.objects.exists()
    assert submit(personas, cat, skip=("floor_plan",), deficit_sign=True).status == "submitted"


def test_accept_with_a_required_material_missing_is_refused(personas, cat):
    case = at_window(personas, cat, skip=("floor_plan",))
    with pytest.raises(DomainError) as exc:
        services.case_accept(actor=personas.clerk, case=case)
    assert exc.value.code == "CASE_MATERIALS_MISSING"


# --- 容缺 ---------------------------------------------------------------------------------------
def test_accept_with_deficit_creates_the_commitment_within_the_promised_limit(personas, cat):
    case = submit(personas, cat, skip=("floor_plan",), deficit_sign=True)
    case = services.case_accept_with_deficit(actor=personas.clerk, case=case, at=MONDAY)
    assert case.status == "accepted" and case.deficit_open and case.has_deficit
    c = Commitment.objects.get(case=case)
    assert c.kind == "deficit" and c.status == "pending" and c.items == ["经营场所平面图"]
    assert c.deadline == calendar.deadline(MONDAY, 10, "working_days").due_at == case.deficit_due_at
    assert c.text_version == 1 and c.text_snapshot
    assert events(case, "case.accept_with_deficit").count() == 1


def test_deficit_is_refused_for_a_dishonest_applicant(personas, cat):
    case = submit(personas, cat, skip=("floor_plan",), deficit_sign=True)
    credit_services.listing_add(
        actor=personas.supervisor, subject_of=personas.applicant, reason="拒不履行法院判决"
    )
    with pytest.raises(DomainError) as exc:
        services.case_accept_with_deficit(actor=personas.clerk, case=case)
    assert exc.value.code == "CREDIT_DISHONEST"
    assert Case.objects.get(pk=case.pk).status == "submitted"
    assert not Commitment.objects.exists()
    assert not events(case, "case.accept_with_deficit").exists()


def test_dishonest_applicant_cannot_even_sign_a_deficit_commitment(personas, cat):
    credit_services.listing_add(
        actor=personas.supervisor, subject_of=personas.applicant, reason="虚假申报"
    )
    with pytest.raises(DomainError) as exc:
        submit(personas, cat, skip=("floor_plan",), deficit_sign=True)
    assert exc.value.code == "CREDIT_DISHONEST"


def test_deficit_is_refused_when_a_main_material_is_missing(personas, cat):
    case = at_window(personas, cat, skip=("floor_plan", "id_card"))
    with pytest.raises(DomainError) as exc:
        services.case_accept_with_deficit(actor=personas.clerk, case=case)
    assert exc.value.code == "DEFICIT_MAIN_MATERIALS_MISSING" and "身份证明" in exc.value.message


def test_deficit_is_refused_without_the_signed_commitment(personas, cat):
    case = at_window(personas, cat, skip=("floor_plan",))
    with pytest.raises(DomainError) as exc:
        services.case_accept_with_deficit(actor=personas.clerk, case=case)
    assert exc.value.code == "DEFICIT_NOT_SIGNED"


def _deficit_case(personas, cat):
    return services.case_accept_with_deficit(
        actor=personas.clerk,
        case=submit(personas, cat, skip=("floor_plan",), deficit_sign=True),
        at=MONDAY,
    )


def test_supplying_the_missing_material_waits_for_the_clerks_acceptance(personas, cat):
    case = services.case_supply_documents(
        actor=personas.applicant,
        case=_deficit_case(personas, cat),
        files={"floor_plan": [pdf("plan.pdf")]},
    )
    assert case.deficit_open and case.deficit_items[0]["state"] == "supplied"
    assert Commitment.objects.get(case=case).status == "pending"
    assert Message.objects.filter(
        recipient=personas.clerk, body__contains="已补交容缺材料"
    ).exists()  # the centre's clerk is told to check it
    with pytest.raises(DomainError) as exc:
        services.case_decide(actor=personas.handler_a, case=case, decision="approved")
    assert exc.value.code == "CASE_DEFICIT_OPEN"
    case = services.case_review_supplement(
        actor=personas.clerk, case=case, material_key="floor_plan", accept=True
    )
    assert not case.deficit_open
    assert Commitment.objects.get(case=case).status == "kept"
    event = events(case, "case.review_supplement").get()
    assert event.changes["deficit_open"] == [None, False]
    assert event.changes["result"] == ["supplied", "accepted"]
    assert credit.credit_file(credit.subject_for(personas.applicant)).kept == 1


def test_the_clerk_refuses_a_supplied_file_with_a_reason_and_the_applicant_supplies_again(
    personas, cat
):
    case = services.case_supply_documents(
        actor=personas.applicant,
        case=_deficit_case(personas, cat),
        files={"floor_plan": [pdf("plan.pdf")]},
    )
    with pytest.raises(InvalidInput) as exc:
        services.case_review_supplement(
            actor=personas.clerk, case=case, material_key="floor_plan", accept=False
        )
    assert exc.value.code == "REASON_REQUIRED"
    case = services.case_review_supplement(
        actor=personas.clerk,
        case=case,
        material_key="floor_plan",
        accept=False,
        reason="平面图未标注面积",
    )
    assert case.deficit_open and case.deficit_items[0]["state"] == "refused"
    assert Commitment.objects.get(case=case).status == "pending"
    assert events(case, "case.review_supplement").get().reason == "平面图未标注面积"
    assert Message.objects.filter(body__contains="平面图未标注面积").exists()
    with pytest.raises(DomainError) as exc:  # nothing new to review yet
        services.case_review_supplement(
            actor=personas.clerk, case=case, material_key="floor_plan", accept=True
        )
    assert exc.value.code == "DEFICIT_NOTHING_TO_REVIEW"


def test_a_file_supplied_in_time_and_awaiting_review_is_not_a_breach(personas, cat):
    case = services.case_supply_documents(
        actor=personas.applicant,
        case=_deficit_case(personas, cat),
        files={"floor_plan": [pdf("plan.pdf")]},
    )
    assert tasks.run_deficit_breaches(now=case.deficit_due_at + dt.timedelta(minutes=1)) == 0
    case.refresh_from_db()
    assert case.status == "accepted" and case.deficit_open


def test_a_refused_file_not_supplied_again_by_the_deadline_is_a_breach(personas, cat):
    case = services.case_supply_documents(
        actor=personas.applicant,
        case=_deficit_case(personas, cat),
        files={"floor_plan": [pdf("plan.pdf")]},
    )
    services.case_review_supplement(
        actor=personas.clerk, case=case, material_key="floor_plan", accept=False, reason="不清晰"
    )
    assert tasks.run_deficit_breaches(now=case.deficit_due_at + dt.timedelta(minutes=1)) == 1
    assert Commitment.objects.get(case=case).status == "broken"


def test_only_the_clerk_or_the_unit_reviews_a_supplied_file(personas, cat):
    case = services.case_supply_documents(
        actor=personas.applicant,
        case=_deficit_case(personas, cat),
        files={"floor_plan": [pdf("plan.pdf")]},
    )
    with pytest.raises(PermissionDeniedError):
        services.case_review_supplement(
            actor=personas.applicant, case=case, material_key="floor_plan", accept=True
        )


def test_missed_deficit_deadline_terminates_the_case_and_breaks_the_commitment(personas, cat):
    case = services.case_accept_with_deficit(
        actor=personas.clerk,
        case=submit(personas, cat, skip=("floor_plan",), deficit_sign=True),
        at=MONDAY,
    )
    assert tasks.run_deficit_breaches(now=case.deficit_due_at - dt.timedelta(minutes=1)) == 0
    assert tasks.run_deficit_breaches(now=case.deficit_due_at + dt.timedelta(minutes=1)) == 1
    case.refresh_from_db()
    assert case.status == "closed" and case.closure_kind == "terminated"
    assert Commitment.objects.get(case=case).status == "broken"
    assert events(case, "case.terminate").get().changes["commitment_broken"] == [None, True]
    assert credit.credit_file(credit.subject_for(personas.applicant)).broken == 1


def test_decision_waits_for_the_deficit_to_be_supplied(personas, cat):
    case = services.case_accept_with_deficit(
        actor=personas.clerk, case=submit(personas, cat, skip=("floor_plan",), deficit_sign=True)
    )
    with pytest.raises(DomainError) as exc:
        services.case_decide(actor=personas.handler_a, case=case, decision="approved")
    assert exc.value.code == "CASE_DEFICIT_OPEN"


# --- 一次性告知 ----------------------------------------------------------------------------------------
def test_correction_pauses_intake_and_is_a_recorded_return(personas, cat):
    case = submit(personas, cat)
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
        services.case_request_correction(
            actor=personas.clerk, case=case, items=["身份证明模糊", "申请书未签字"]
        )
    case.refresh_from_db()
    assert (
        case.status == "awaiting_correction"
        and case.correction_count == 1
        and case.clock_state == "paused"
    )
    assert ReturnRecord.objects.filter(object_id=str(case.pk), kind="return").count() == 1
    with time_machine.travel(MONDAY + dt.timedelta(days=14), tick=False):
        case = services.case_resubmit(
            actor=personas.applicant, case=case, files={"id_card": [pdf("id2.pdf")]}
        )
        resumed = MONDAY + dt.timedelta(days=14)
    assert case.status == "submitted"
    # the clock resumed with what was left (4 working days), it did not restart at 5
    assert case.due_at == calendar.end_of_day(calendar.add_working_days(resumed.date(), 4))
    assert (
        Document.objects.filter(
            case=case, material_key="id_card", superseded_by__isnull=False
        ).count()
        == 1
    )


def test_correction_without_items_is_refused(personas, cat):
    with pytest.raises(InvalidInput):
        services.case_request_correction(
            actor=personas.clerk, case=submit(personas, cat), items=["  "]
        )


def test_second_correction_needs_a_supervisor_and_counts_against_the_unit(personas, cat):
    case = submit(personas, cat)
    services.case_request_correction(actor=personas.clerk, case=case, items=["缺页"])
    services.case_resubmit(actor=personas.applicant, case=case, files={"id_card": [pdf()]})
    second = services.case_request_correction(actor=personas.clerk, case=case, items=["印章不清"])
    case.refresh_from_db()
    assert (
        second.status == "pending_approval"
        and second.counted_against_unit
        and case.status == "submitted"
    )
    with pytest.raises(PermissionDeniedError):
        services.correction_approve(actor=personas.clerk, correction=second, approve=True)
    services.correction_approve(actor=personas.supervisor, correction=second, approve=True)
    case.refresh_from_db()
    assert case.status == "awaiting_correction" and case.correction_count == 2
    assert events(case, "case.approve_correction").count() == 1
    assert CorrectionRequest.objects.get(pk=second.pk).approved_by == personas.supervisor


def test_reject_intake_needs_a_reason_and_closes(personas, cat):
    case = submit(personas, cat)
    with pytest.raises(InvalidInput):
        services.case_reject_intake(actor=personas.clerk, case=case, reason="")
    case = services.case_reject_intake(
        actor=personas.clerk, case=case, reason="不属于本机关职权范围"
    )
    assert case.status == "closed" and case.closure_kind == "rejected_intake"
    assert events(case, "case.reject_intake").get().reason == "不属于本机关职权范围"


# --- deemed acceptance ------------------------------------------------------------------------------
def test_no_intake_decision_in_five_working_days_means_accepted_from_receipt(personas, cat):
    case = submit(personas, cat)
    intake_due = case.due_at
    assert tasks.run_deemed_acceptance(now=intake_due - dt.timedelta(minutes=1)) == 0
    assert tasks.run_deemed_acceptance(now=intake_due + dt.timedelta(minutes=1)) == 1
    case.refresh_from_db()
    assert (
        case.status == "accepted"
        and case.deemed_accepted
        and case.accepted_at == case.received_at == MONDAY
    )
    assert case.due_at == calendar.deadline(MONDAY, 10, "working_days").due_at
    event = events(case, "case.deem_accept").get()
    assert event.actor_id is None and "视为受理" in event.reason
