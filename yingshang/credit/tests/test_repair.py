"""信用修复 and 联合惩戒: too early → refused with the date; return → resubmit → accept; the
repaired record is kept but no longer public and no longer blocks 容缺."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from yingshang.audit.models import AuditEvent
from yingshang.cases import services as case_services
from yingshang.cases.tests.conftest import all_files, form_for
from yingshang.credit import records, repair, sanctions, services
from yingshang.credit.models import DishonestListing, Penalty, RepairApplication
from yingshang.credit.tests.helpers import materials
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError

pytestmark = pytest.mark.django_db


def _penalty(personas, decided_on, types=("fine",), severity="general"):
    return records.penalty_record(
        actor=personas.supervisor,
        subject_of=personas.firm,
        unit=personas.unit_a,
        decision_number=f"市监罚〔{decided_on:%Y%m%d}〕{len(types)}号",
        decided_on=decided_on,
        types=list(types),
        legal_basis="《食品安全法》",
        severity=severity,
    )


def test_repair_before_the_minimum_period_is_refused_with_the_date(personas):
    penalty = _penalty(personas, dt.date(2026, 11, 30))  # general: from 2027-02-28
    with pytest.raises(DomainError) as exc:
        repair.repair_apply(
            actor=personas.firm_user, record=penalty, statement="已缴纳罚款", files=materials()
        )
    assert exc.value.code == "REPAIR_TOO_EARLY"
    assert "2027年2月28日" in exc.value.message
    assert exc.value.details["possible_from"] == "2027-02-28"
    assert not RepairApplication.objects.exists()


def test_materials_are_required_and_only_the_subject_applies(personas):
    penalty = _penalty(personas, dt.date(2026, 1, 5))
    with pytest.raises(InvalidInput) as exc:
        repair.repair_apply(
            actor=personas.firm_user,
            record=penalty,
            statement="已缴纳罚款",
            files={"form": materials()["form"]},
        )
    assert exc.value.code == "REPAIR_MATERIALS_MISSING"
    assert "信用修复承诺书" in exc.value.message and "履行完毕证明" in exc.value.message
    with pytest.raises(PermissionDeniedError):
        repair.repair_apply(
            actor=personas.applicant, record=penalty, statement="x", files=materials()
        )


def test_return_resubmit_accept_stops_publication_and_keeps_the_record(personas, client):
    penalty = _penalty(personas, dt.date(2026, 1, 5))
    app = repair.repair_apply(
        actor=personas.firm_user, record=penalty, statement="已缴纳罚款", files=materials()
    )
    assert app.status == "submitted" and app.due_at is not None
    # the firm cannot review its own application
    with pytest.raises(PermissionDeniedError):
        repair.repair_accept(actor=personas.firm_user, application=app)
    with pytest.raises(InvalidInput):
        repair.repair_return(actor=personas.supervisor, application=app, reason=" ")
    app = repair.repair_return(
        actor=personas.supervisor, application=app, reason="缴款凭证不清晰，请重新上传"
    )
    assert app.status == "returned" and app.due_at is None
    with pytest.raises(DomainError):  # returned: not reviewable until resubmitted
        repair.repair_accept(actor=personas.supervisor, application=app)
    app = repair.repair_resubmit(
        actor=personas.firm_user, application=app, files={"proof": materials()["proof"]}
    )
    assert app.status == "submitted" and app.rounds == 2 and app.materials.count() == 4
    app = repair.repair_accept(actor=personas.supervisor, application=app)
    penalty.refresh_from_db()
    assert app.status == "accepted" and app.on_time is True
    assert penalty.status == Penalty.Status.REPAIRED
    assert "市监罚" not in client.get(reverse("credit:public")).content.decode()
    actions = list(
        AuditEvent.objects.filter(object_type="credit.repairapplication")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "credit.repair_apply",
        "credit.repair_return",
        "credit.repair_resubmit",
        "credit.repair_accept",
    ]
    assert AuditEvent.objects.filter(action="credit.repaired", object_id=str(penalty.pk)).exists()


def test_refusal_needs_reasons_and_the_firm_sees_them(personas, login):
    penalty = _penalty(personas, dt.date(2026, 1, 5))
    app = repair.repair_apply(
        actor=personas.firm_user, record=penalty, statement="已缴纳", files=materials()
    )
    repair.repair_refuse(actor=personas.supervisor, application=app, reason="罚款尚未缴清")
    html = login(personas.firm_user).get(reverse("credit:repair_mine", args=[app.pk])).content
    assert "罚款尚未缴清" in html.decode() and "不予修复" in html.decode()
    assert Penalty.objects.get(pk=penalty.pk).status == Penalty.Status.PUBLIC


def test_the_sanction_table_blocks_deficit_and_lifts_after_repair(personas, cat):
    case = case_services.case_submit(
        actor=personas.applicant,
        matter=cat.matter,
        form_data=form_for(personas.applicant),
        files=all_files(skip=("floor_plan",)),
        channel="online",
        deficit_sign=True,
    )
    listing = services.listing_add(
        actor=personas.supervisor, subject_of=personas.applicant, reason="拒不履行判决"
    )
    assert "容缺受理" in sanctions.refusal(personas.applicant, "deficit")
    with pytest.raises(DomainError) as exc:
        case_services.case_accept_with_deficit(actor=personas.clerk, case=case)
    assert exc.value.code == "CREDIT_DISHONEST"
    # the minimum period of the list (6 months) passes; the person applies and is repaired
    later = dt.datetime.combine(listing.repair_from, dt.time(10), tzinfo=dt.UTC)
    with time_machine.travel(later):
        app = repair.repair_apply(
            actor=personas.applicant, record=listing, statement="已履行判决", files=materials()
        )
        repair.repair_accept(actor=personas.supervisor, application=app)
        listing.refresh_from_db()
        assert listing.status == DishonestListing.Status.REPAIRED and not listing.active
        assert sanctions.refusal(personas.applicant, "deficit") is None
    case = case_services.case_accept_with_deficit(actor=personas.clerk, case=case)
    assert case.status == "accepted"


def test_switching_a_rule_off_lifts_the_block_and_is_audited(personas):
    _penalty(personas, dt.date(2026, 10, 1), severity="serious")
    assert sanctions.blocked(personas.firm, "inspection_relief")
    assert "inspection_relief" in sanctions.blocked_benefits(personas.firm)
    assert "deficit" not in sanctions.blocked_benefits(personas.firm)
    assert not sanctions.blocked(personas.firm, "deficit")  # no rule: penalty → 容缺
    for kind in ("serious_penalty", "penalty"):
        records.sanction_rule_set(
            actor=personas.supervisor,
            record_kind=kind,
            benefit="inspection_relief",
            active=False,
            legal_basis="试点：不因行政处罚提高抽查比例",
        )
    assert not sanctions.blocked(personas.firm, "inspection_relief")
    assert AuditEvent.objects.filter(action="credit.sanction_rule").count() == 2
    # the firm page's 受限事项 (all benefits at once) agrees with the check per benefit
    assert sanctions.blocked_benefits(personas.firm) == [
        b for b in sanctions.BENEFITS if sanctions.blocked(personas.firm, b)
    ]
    with pytest.raises(PermissionDeniedError):
        records.sanction_rule_set(
            actor=personas.clerk,
            record_kind="penalty",
            benefit="award",
            active=False,
            legal_basis="x",
        )


def test_listing_notice_objection_and_confirm(personas):
    listing = records.listing_notice(
        actor=personas.supervisor,
        subject_of=personas.firm,
        reason="拖欠农民工工资",
        legal_basis="《保障农民工工资支付条例》第四十八条",
    )
    assert listing.status == "noticed" and not sanctions.blocked(personas.firm, "deficit")
    with pytest.raises(DomainError) as exc:
        records.listing_confirm(actor=personas.supervisor, listing=listing)
    assert exc.value.code == "OBJECTION_PERIOD_OPEN"
    listing = records.listing_object(
        actor=personas.firm_user, listing=listing, objection="工资已于上月足额支付"
    )
    assert listing.status == "objected"
    listing = records.listing_rule_objection(
        actor=personas.supervisor, listing=listing, upheld=False, ruling="支付凭证与名册不符"
    )
    assert listing.status == "listed" and listing.active and listing.until
    assert sanctions.blocked(personas.firm, "deficit")
