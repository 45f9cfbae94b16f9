import pytest
from django.urls import reverse

from yingshang.audit.models import AuditEvent
from yingshang.cases import services as case_services
from yingshang.cases.tests.conftest import all_files, form_for
from yingshang.credit import selectors, services
from yingshang.credit.models import Commitment, CommitmentText, DishonestListing
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError

pytestmark = pytest.mark.django_db


def test_supervisor_lists_and_delists_with_audit_and_nothing_is_deleted(personas):
    listing = services.listing_add(
        actor=personas.supervisor, subject_of=personas.firm, reason="拖欠农民工工资"
    )
    assert selectors.is_dishonest(personas.firm) and selectors.is_dishonest(personas.firm_user)
    services.listing_remove(actor=personas.supervisor, listing=listing, reason="信用修复完成")
    assert not selectors.is_dishonest(personas.firm)
    assert DishonestListing.objects.filter(pk=listing.pk, active=False).exists()
    actions = list(
        AuditEvent.objects.filter(object_type="credit.dishonestlisting").values_list(
            "action", flat=True
        )
    )
    assert actions == ["credit.list", "credit.delist"]
    with pytest.raises(DomainError):
        services.listing_remove(actor=personas.supervisor, listing=listing, reason="再次")


def test_only_supervisors_and_admins_maintain_the_list(personas):
    for user in (personas.clerk, personas.handler_a, personas.applicant):
        with pytest.raises(PermissionDeniedError):
            services.listing_add(actor=user, subject_of=personas.applicant, reason="x")
    with pytest.raises(InvalidInput):
        services.listing_add(actor=personas.supervisor, subject_of=personas.applicant, reason=" ")
    assert not DishonestListing.objects.exists()


def test_a_new_text_version_is_required_for_new_signatures(personas):
    old = services.ensure_texts()[CommitmentText.Kind.DEFICIT]
    new = services.text_publish(actor=personas.supervisor, kind="deficit", body="新版承诺书正文")
    assert new.version == old.version + 1 and selectors.current_text("deficit") == new
    with pytest.raises(DomainError) as exc:
        services.commitment_sign(
            actor=personas.applicant,
            subject_of=personas.applicant,
            kind="deficit",
            text=CommitmentText.objects.get(pk=old.pk),
        )
    assert exc.value.code == "COMMITMENT_TEXT_OUTDATED"


def test_deficit_signed_under_an_outdated_text_is_refused_at_acceptance(personas, cat):
    case = case_services.case_submit(
        actor=personas.applicant,
        matter=cat.matter,
        form_data=form_for(personas.applicant),
        files=all_files(skip=("floor_plan",)),
        channel="online",
        deficit_sign=True,
    )
    services.text_publish(actor=personas.supervisor, kind="deficit", body="修订后的承诺书")
    with pytest.raises(DomainError) as exc:
        case_services.case_accept_with_deficit(actor=personas.clerk, case=case)
    assert exc.value.code == "COMMITMENT_TEXT_OUTDATED"


def test_credit_file_page_for_the_subject_and_staff_in_scope_only(personas, cat, login):
    case = case_services.case_submit(
        actor=personas.applicant,
        matter=cat.matter,
        form_data=form_for(personas.applicant),
        files=all_files(skip=("floor_plan",)),
        channel="online",
        deficit_sign=True,
    )
    case_services.case_accept_with_deficit(actor=personas.clerk, case=case)
    html = login(personas.applicant).get(reverse("credit:mine")).content.decode()
    assert "履行中 1 项" in html and case.number in html
    subject = selectors.subject_for(personas.applicant)
    assert (
        login(personas.clerk).get(reverse("credit:subject", args=[subject.pk])).status_code == 200
    )
    assert (
        login(personas.handler_b).get(reverse("credit:subject", args=[subject.pk])).status_code
        == 404
    )
    assert (
        login(personas.supervisor).get(reverse("credit:for_case", args=[case.pk])).status_code
        == 200
    )
    assert Commitment.objects.get().status == "pending"


def test_an_applicant_without_records_sees_an_empty_file(personas, login):
    html = login(personas.outsider).get(reverse("credit:mine")).content.decode()
    assert 'data-testid="credit-empty"' in html
