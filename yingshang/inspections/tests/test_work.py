"""Inspections after the draw: quiet days, the merge rule, the record, publication within 20
working days (hand-computed across National Day 2025 with its 调休), corrections, objections,
findings into the ledger, and firms' reports of rule-breaking visits."""

import datetime as dt
import struct
import zlib

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yingshang.audit.models import AuditEvent
from yingshang.errors import DomainError, InvalidInput
from yingshang.inspections import risk, services
from yingshang.inspections.models import Inspection, PublishedResult, QuietException
from yingshang.inspections.tests.setup import joint_plan, make_world
from yingshang.workcal import calendar

pytestmark = pytest.mark.django_db
TZ = calendar.TZ


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), TZ)


@pytest.fixture
def drawn(personas):
    world = make_world(personas)
    plan = joint_plan(world, window_start=dt.date(2025, 9, 1), window_end=dt.date(2025, 12, 31))
    services.plan_commit(actor=personas.head_a, plan=plan)
    services.plan_draw(actor=personas.head_a, plan=plan)
    inspection = Inspection.objects.filter(plan=plan).first()
    return world, plan, inspection


def png_bytes() -> bytes:
    """A valid 1×1 PNG, built by hand (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def png() -> SimpleUploadedFile:
    return SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")


def record(p, inspection, **over):
    fields = {
        "actor": p.head_a,
        "inspection": inspection,
        "result": "rectify",
        "signature": "signed",
        "signer": "王经理",
        "findings": "健康证明过期2份",
        "checklist": [
            {"matter": "scjg-food", "item": "从业人员健康证明", "ok": False, "note": "2人过期"}
        ],
    }
    fields.update(over)
    return services.inspection_record(**fields)


def test_a_quiet_day_without_an_exception_is_refused(drawn):
    world, _plan, inspection = drawn
    with time_machine.travel(at(dt.date(2025, 9, 1))), pytest.raises(DomainError) as e:
        services.inspection_schedule(
            actor=world.p.head_a, inspection=inspection, scheduled_on=dt.date(2025, 9, 15)
        )
    assert e.value.code == "INSPECTIONS_QUIET_DAY" and "企业宁静日" in e.value.message
    inspection.refresh_from_db()
    assert inspection.status == "assigned" and inspection.scheduled_on is None


def test_an_exception_must_be_filed_three_working_days_ahead(drawn):
    world, _plan, inspection = drawn
    # Thu 2025-09-11 → Mon 09-15 is 2 working days ahead (Fri 12, Mon 15): too late
    with time_machine.travel(at(dt.date(2025, 9, 11))):
        with pytest.raises(InvalidInput) as e:
            services.inspection_file_exception(
                actor=world.p.head_a,
                inspection=inspection,
                planned_on=dt.date(2025, 9, 15),
                category="food_drug",
                reason="群众反映食品安全问题",
            )
        assert e.value.code == "INSPECTIONS_EXCEPTION_TOO_LATE"
    # Wed 2025-09-10 → Mon 09-15: Thu, Fri, Mon = 3 working days: in time
    with time_machine.travel(at(dt.date(2025, 9, 10))):
        exc = services.inspection_file_exception(
            actor=world.p.head_a,
            inspection=inspection,
            planned_on=dt.date(2025, 9, 15),
            category="food_drug",
            reason="群众反映食品安全问题",
        )
        services.inspection_schedule(
            actor=world.p.head_a, inspection=inspection, scheduled_on=dt.date(2025, 9, 15)
        )
    assert exc.review == QuietException.Review.NOT_NEEDED
    assert list(services.exceptions_of_month(2025, 9)) == [exc]


def test_an_emergency_is_filed_the_same_day_and_reviewed_later(drawn):
    world, _plan, inspection = drawn
    with time_machine.travel(at(dt.date(2025, 9, 16))):
        with pytest.raises(InvalidInput) as e:
            services.inspection_file_exception(
                actor=world.p.head_a,
                inspection=inspection,
                planned_on=dt.date(2025, 9, 17),
                category="emergency",
                reason="燃气泄漏应急处置",
            )
        assert e.value.code == "INSPECTIONS_EMERGENCY_SAME_DAY"
        exc = services.inspection_file_exception(
            actor=world.p.head_a,
            inspection=inspection,
            planned_on=dt.date(2025, 9, 16),
            category="emergency",
            reason="燃气泄漏应急处置",
        )
        services.inspection_schedule(
            actor=world.p.head_a, inspection=inspection, scheduled_on=dt.date(2025, 9, 16)
        )
    assert exc.review == "pending"
    services.exception_review(actor=world.p.supervisor, exception=exc, confirmed=True)
    exc.refresh_from_db()
    assert exc.review == "confirmed"


def test_publication_clock_is_20_working_days_across_national_day_with_tiaoxiu(drawn):
    """Inspection ends Thu 2025-09-25. Working days after it: 9-26 (1), Sun 9-28 调休 (2), 9-29
    (3), 9-30 (4), [10-1…10-8 holiday], 10-9 (5), 10-10 (6), Sat 10-11 调休 (7), 10-13…10-17
    (8–12), 10-20…10-24 (13–17), 10-27 (18), 10-28 (19), 10-29 (20): due end of Wed 2025-10-29."""
    world, _plan, inspection = drawn
    with time_machine.travel(at(dt.date(2025, 9, 22))):
        services.inspection_schedule(
            actor=world.p.head_a, inspection=inspection, scheduled_on=dt.date(2025, 9, 25)
        )
    with time_machine.travel(at(dt.date(2025, 9, 25), 17)):
        inspection = record(world.p, inspection, photos=[png()])
    assert calendar.local_date(inspection.due_at) == dt.date(2025, 10, 29)
    assert inspection.photos.count() == 1
    with time_machine.travel(at(dt.date(2025, 10, 30))):
        services.inspection_publish(actor=world.p.head_a, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.published_late is True


def test_published_on_day_20_is_in_time_and_the_result_is_public(drawn):
    world, _plan, inspection = drawn
    with time_machine.travel(at(dt.date(2025, 9, 22))):
        services.inspection_schedule(
            actor=world.p.head_a, inspection=inspection, scheduled_on=dt.date(2025, 9, 25)
        )
    with time_machine.travel(at(dt.date(2025, 9, 25), 17)):
        inspection = record(world.p, inspection)
    with time_machine.travel(at(dt.date(2025, 10, 29), 16)):
        version = services.inspection_publish(
            actor=world.p.head_a, inspection=inspection, summary="已责令整改"
        )
    inspection.refresh_from_db()
    assert inspection.published_late is False and inspection.status == "published"
    assert version.version == 1 and version.current and version.firm_name == inspection.firm.name
    assert "测试县住房和城乡建设局" in version.units


def test_editing_after_publication_is_refused_and_a_correction_is_a_new_version(drawn):
    world, _plan, inspection = drawn
    with time_machine.travel(at(dt.date(2025, 9, 22))):
        services.inspection_schedule(
            actor=world.p.head_a, inspection=inspection, scheduled_on=dt.date(2025, 9, 25)
        )
    with time_machine.travel(at(dt.date(2025, 9, 26))):
        inspection = record(world.p, inspection)
        services.inspection_publish(actor=world.p.head_a, inspection=inspection)
        with pytest.raises(DomainError) as e:
            record(world.p, inspection, result="no_problem", findings="")
    assert e.value.code == "INSPECTIONS_RESULT_PUBLISHED" and "更正" in e.value.message
    services.inspection_correct(
        actor=world.p.head_a,
        inspection=inspection,
        result="no_problem",
        summary="复核后未发现问题",
        reason="健康证明实为有效，系录入错误",
    )
    versions = list(PublishedResult.objects.filter(inspection=inspection).order_by("version"))
    assert [(v.version, v.current, v.result) for v in versions] == [
        (1, False, "rectify"),
        (2, True, "no_problem"),
    ]


def test_the_same_firm_by_another_unit_in_the_same_window_must_merge(drawn):
    world, _plan, inspection = drawn
    p = world.p
    other = joint_plan(
        world,
        title="住建专项抽查",
        lead_unit=p.unit_b,
        units=[],
        matters=[world.matter_b],
        actor=p.handler_b,
        ratio_bp=10000,
        window_start=dt.date(2025, 9, 1),
        window_end=dt.date(2025, 12, 31),
    )
    services.plan_commit(actor=p.handler_b, plan=other)
    services.plan_draw(actor=p.handler_b, plan=other)
    theirs = Inspection.objects.get(plan=other, firm=inspection.firm)
    with time_machine.travel(at(dt.date(2025, 9, 22))):
        with pytest.raises(DomainError) as e:
            services.inspection_schedule(
                actor=p.handler_b, inspection=theirs, scheduled_on=dt.date(2025, 9, 25)
            )
        assert e.value.code == "INSPECTIONS_MERGE_REQUIRED" and "进一次门" in e.value.message
        services.inspection_merge(actor=p.head_a, inspection=inspection, host_id=theirs.pk)
        services.inspection_schedule(
            actor=p.handler_b, inspection=theirs, scheduled_on=dt.date(2025, 9, 25)
        )
    inspection.refresh_from_db()
    assert inspection.joint_with_id == theirs.pk
    assert (inspection.status, inspection.scheduled_on) == ("scheduled", dt.date(2025, 9, 25))


def test_the_firm_objects_and_the_unit_answers(drawn):
    world, _plan, inspection = drawn
    p = world.p
    inspection.firm = p.firm  # the persona firm's account objects
    inspection.save(update_fields=["firm"])
    with time_machine.travel(at(dt.date(2025, 9, 22))):
        services.inspection_schedule(
            actor=p.head_a, inspection=inspection, scheduled_on=dt.date(2025, 9, 25)
        )
    with time_machine.travel(at(dt.date(2025, 9, 26))):
        inspection = record(p, inspection)
        version = services.inspection_publish(actor=p.head_a, inspection=inspection)
    with pytest.raises(DomainError) as e:
        services.objection_file(actor=p.outsider, result=version, text="结果有误请复核")
    assert e.value.code == "INSPECTIONS_NOT_YOUR_RESULT"
    objection = services.objection_file(
        actor=p.firm_user, result=version, text="健康证明已在检查前续办"
    )
    with pytest.raises(DomainError):
        services.objection_file(actor=p.firm_user, result=version, text="再次提出异议内容")
    services.objection_answer(actor=p.head_a, objection=objection, answer="经复核，维持原结果。")
    objection.refresh_from_db()
    assert objection.status == "answered"
    assert AuditEvent.objects.filter(action="inspections.object").exists()


def test_a_finding_opens_a_ledger_problem_once(drawn):
    from yingshang.supervision.models import Problem

    world, _plan, inspection = drawn
    with time_machine.travel(at(dt.date(2025, 9, 22))):
        services.inspection_schedule(
            actor=world.p.head_a, inspection=inspection, scheduled_on=dt.date(2025, 9, 25)
        )
    with time_machine.travel(at(dt.date(2025, 9, 26))):
        inspection = record(world.p, inspection)
    problem = services.inspection_open_problem(actor=world.p.head_a, inspection=inspection)
    again = services.inspection_open_problem(actor=world.p.head_a, inspection=inspection)
    assert problem.pk == again.pk and Problem.objects.count() == 1
    assert "健康证明过期" in problem.description and problem.owner_unit == world.p.unit_a


def test_a_firm_report_of_a_quiet_day_visit_becomes_a_work_order(personas):
    from yingshang.hotline.models import WorkOrder

    complaint = services.quiet_complaint_file(
        actor=personas.firm_user,
        inspected_on=timezone.localdate(),
        unit_name="某执法大队",
        text="宁静日未经报备入企检查两小时",
    )
    order = WorkOrder.objects.get(pk=complaint.work_order_id)
    assert order.category == "complaint" and order.firm_id == personas.firm.pk
    assert "宁静日" in order.content
    with pytest.raises(DomainError):
        services.quiet_complaint_file(
            actor=personas.handler_a,
            inspected_on=timezone.localdate(),
            unit_name="x",
            text="宁静日违规检查",
        )


def test_risk_grades_in_bulk_agree_with_the_credit_module(personas):
    from yingshang.credit import services as credit
    from yingshang.hotline.models import WorkOrder
    from yingshang.hotline.services import workorder_register
    from yingshang.inspections.tests.setup import make_firms

    firms = make_firms(4)
    credit.listing_add(actor=personas.supervisor, subject_of=firms[0], reason="严重违法失信")
    for i in range(3):
        workorder_register(
            actor=personas.operator,
            content=f"投诉该企业欺诈消费者{i}",
            caller_phone="13800000000",
            category=WorkOrder.Category.COMPLAINT,
            firm=firms[1],
        )
    workorder_register(
        actor=personas.operator,
        content="举报该企业无证经营",
        caller_phone="13800000000",
        category=WorkOrder.Category.REPORT,
        firm=firms[2],
    )
    bulk = risk.grades([f.pk for f in firms])
    assert [bulk[f.pk] for f in firms] == ["D", "C", "B", "A"]
    assert [risk.grade_of(f) for f in firms] == ["D", "C", "B", "A"]


def test_the_assessment_names_late_publication(drawn):
    """October 2025: one result published on time (day 20), one published a day late, one still
    unpublished past its due date — 1 of 3 on time for 市场监管局."""
    from yingshang.assessment.registry import get
    from yingshang.workcal import periods

    world, plan, _first = drawn
    on_time, late, missing = list(Inspection.objects.filter(plan=plan).order_by("pk")[:3])
    for inspection in (on_time, late, missing):
        with time_machine.travel(at(dt.date(2025, 9, 22))):
            services.inspection_schedule(
                actor=world.p.head_a, inspection=inspection, scheduled_on=dt.date(2025, 9, 25)
            )
        with time_machine.travel(at(dt.date(2025, 9, 25), 17)):
            record(world.p, inspection)
    with time_machine.travel(at(dt.date(2025, 10, 29), 16)):
        services.inspection_publish(actor=world.p.head_a, inspection=on_time)
    with time_machine.travel(at(dt.date(2025, 10, 30), 9)):
        services.inspection_publish(actor=world.p.head_a, inspection=late)
    with time_machine.travel(at(dt.date(2025, 11, 10))):
        figures = get("inspection_published_on_time").compute(periods.parse("2025-10"), {})
    figure = figures[world.p.unit_a.pk]
    assert (figure.num, figure.den) == (1, 3)


def test_the_sweep_marks_an_unpublished_result_overdue_and_tells_the_lead_unit(drawn):
    from yingshang.notify.models import Message
    from yingshang.workcal import clocks

    world, _plan, inspection = drawn
    with time_machine.travel(at(dt.date(2025, 9, 22))):
        services.inspection_schedule(
            actor=world.p.head_a, inspection=inspection, scheduled_on=dt.date(2025, 9, 25)
        )
    with time_machine.travel(at(dt.date(2025, 9, 25), 17)):
        record(world.p, inspection)
    clocks.sweep(now=at(dt.date(2025, 10, 30)))
    inspection.refresh_from_db()
    assert inspection.clock_state == "overdue"
    assert Message.objects.filter(recipient=world.p.head_a, subject="抽查结果逾期未公示").exists()


def test_a_case_finding_goes_into_the_firms_credit_file_once(drawn):
    """立案查处 → the penalty decision recorded from the inspection: public on 信用公示 for the
    rule's period, facts taken from the findings, and only once per inspection."""
    from yingshang.credit.models import Penalty

    world, _plan, inspection = drawn
    with time_machine.travel(at(dt.date(2025, 9, 22))):
        services.inspection_schedule(
            actor=world.p.head_a, inspection=inspection, scheduled_on=dt.date(2025, 9, 25)
        )
    with time_machine.travel(at(dt.date(2025, 9, 26))):
        inspection = record(world.p, inspection, result="case", findings="销售过期食品12件")
    penalty = services.inspection_record_penalty(
        actor=world.p.head_a,
        inspection=inspection,
        decision_number="市监罚〔2025〕31号",
        decided_on=dt.date(2025, 10, 15),
        types=["fine"],
        legal_basis="《食品安全法》第一百二十四条",
    )
    inspection.refresh_from_db()
    assert inspection.penalty_id == penalty.pk
    assert penalty.subject.firm_id == inspection.firm_id and penalty.status == "public"
    assert penalty.facts == "销售过期食品12件" and penalty.unit == world.p.unit_a
    # general penalty: 3 months before repair, public 3 years from the decision date
    assert penalty.repair_from == dt.date(2026, 1, 15)
    assert penalty.public_until == dt.date(2028, 10, 15)
    assert AuditEvent.objects.filter(action="inspections.record_penalty").count() == 1
    with pytest.raises(DomainError) as again:
        services.inspection_record_penalty(
            actor=world.p.head_a,
            inspection=inspection,
            decision_number="市监罚〔2025〕32号",
            decided_on=dt.date(2025, 10, 15),
            types=["fine"],
            legal_basis="x",
        )
    assert again.value.code == "INSPECTIONS_PENALTY_EXISTS"
    assert Penalty.objects.count() == 1


def test_only_a_case_result_records_a_penalty_and_bad_input_saves_nothing(drawn):
    from yingshang.credit.models import Penalty

    world, _plan, inspection = drawn
    with time_machine.travel(at(dt.date(2025, 9, 22))):
        services.inspection_schedule(
            actor=world.p.head_a, inspection=inspection, scheduled_on=dt.date(2025, 9, 25)
        )
    with time_machine.travel(at(dt.date(2025, 9, 26))):
        inspection = record(world.p, inspection)  # 责令整改, no 立案
    fields = {
        "actor": world.p.head_a,
        "decision_number": "市监罚〔2025〕33号",
        "decided_on": dt.date(2025, 10, 15),
        "types": ["fine"],
        "legal_basis": "x",
    }
    with pytest.raises(DomainError) as not_a_case:
        services.inspection_record_penalty(inspection=inspection, **fields)
    assert not_a_case.value.code == "INSPECTIONS_NOT_A_CASE"
    with time_machine.travel(at(dt.date(2025, 9, 26))):
        inspection = record(world.p, inspection, result="case")
    with pytest.raises(InvalidInput) as no_type:
        services.inspection_record_penalty(inspection=inspection, **{**fields, "types": []})
    assert no_type.value.code == "PENALTY_TYPES_REQUIRED"
    inspection.refresh_from_db()
    assert inspection.penalty_id is None and Penalty.objects.count() == 0
