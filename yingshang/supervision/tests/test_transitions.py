import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yingshang import workflow
from yingshang.audit.models import AuditEvent
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.supervision import services
from yingshang.supervision.models import Problem
from yingshang.supervision.tests.sample import png

pytestmark = pytest.mark.django_db


def events(problem):
    return list(
        AuditEvent.objects.filter(object_type="supervision.problem", object_id=str(problem.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def photo(name="现场整改.png"):
    return SimpleUploadedFile(name, png(), content_type="image/png")


def test_full_lifecycle_each_move_writes_its_audit_event(personas, problem_factory):
    p = problem_factory()
    assert p.number.startswith("WT") and p.status == "assigned" and p.deadline_at is not None
    services.problem_claim(
        actor=personas.handler_a, problem=p, leader_name="李明副局长", measures="逐项细化清单"
    )
    services.problem_report_progress(
        actor=personas.handler_a, problem=p, text="已完成清单修订", percent=60, files=[photo()]
    )
    services.problem_request_closure(actor=personas.handler_a, problem=p, text="全部整改完成")
    p = services.problem_close(actor=personas.supervisor, problem=p, reason="核验属实")
    p.refresh_from_db()
    assert p.status == "closed" and p.closed_at is not None and p.leader_name == "李明副局长"
    assert events(p) == [
        "problem.create",
        "problem.claim",
        "problem.progress",
        "problem.request_closure",
        "problem.close",
    ]
    ev = AuditEvent.objects.get(object_id=str(p.pk), action="problem.close")
    assert (
        ev.changes["status"] == ["closure_requested", "closed"] and ev.actor == personas.supervisor
    )


def test_closing_an_unclaimed_problem_is_refused_and_not_recorded(personas, problem_factory):
    p = problem_factory()
    with pytest.raises(DomainError) as exc:
        services.problem_close(actor=personas.supervisor, problem=p)
    assert exc.value.code == "PROBLEM_CLOSE_NOT_ALLOWED"
    p.refresh_from_db()
    assert p.status == "assigned"
    assert events(p) == ["problem.create"]


def test_a_unit_may_not_close_its_own_problem(personas, problem_factory):
    p = problem_factory()
    services.problem_claim(actor=personas.handler_a, problem=p)
    services.problem_request_closure(
        actor=personas.handler_a, problem=p, text="完成", files=[photo()]
    )
    with pytest.raises(PermissionDeniedError):
        services.problem_close(actor=personas.handler_a, problem=p)
    p.refresh_from_db()
    assert p.status == "closure_requested"


def test_another_unit_may_not_claim(personas, problem_factory):
    p = problem_factory()
    with pytest.raises(PermissionDeniedError):
        services.problem_claim(actor=personas.handler_b, problem=p)
    assert Problem.objects.get(pk=p.pk).status == "assigned"


def test_closure_request_without_evidence_is_refused(personas, problem_factory):
    p = problem_factory()
    services.problem_claim(actor=personas.handler_a, problem=p)
    with pytest.raises(InvalidInput) as exc:
        services.problem_request_closure(actor=personas.handler_a, problem=p, text="已整改")
    assert exc.value.code == "CLOSURE_EVIDENCE_REQUIRED"
    assert Problem.objects.get(pk=p.pk).status == "claimed"


def test_reopen_sends_back_with_reason_and_progress_resumes_rectifying(personas, problem_factory):
    from yingshang.audit.models import ReturnRecord

    p = problem_factory()
    services.problem_claim(actor=personas.handler_a, problem=p)
    services.problem_request_closure(
        actor=personas.handler_a, problem=p, text="完成", files=[photo()]
    )
    with pytest.raises(InvalidInput):
        services.problem_reopen(actor=personas.supervisor, problem=p, reason=" ")
    services.problem_reopen(actor=personas.supervisor, problem=p, reason="佐证材料不能说明整改到位")
    p.refresh_from_db()
    assert p.status == "reopened"
    assert ReturnRecord.objects.filter(object_id=str(p.pk), kind="return").count() == 1
    services.problem_report_progress(
        actor=personas.handler_a, problem=p, text="补充整改", percent=80
    )
    p.refresh_from_db()
    assert p.status == "rectifying"
    assert events(p)[-2:] == ["problem.reopen", "problem.progress"]


def test_void_keeps_the_problem_with_its_reason(personas, problem_factory):
    p = problem_factory()
    services.problem_void(actor=personas.supervisor, problem=p, reason="重复登记")
    p.refresh_from_db()
    assert p.status == "voided" and p.void_reason == "重复登记"
    assert Problem.objects.filter(pk=p.pk).exists()
    with pytest.raises(DomainError):
        services.problem_claim(actor=personas.handler_a, problem=p)


def test_flags_need_a_reason_and_are_recorded(personas, problem_factory):
    p = problem_factory()
    with pytest.raises(InvalidInput):
        services.problem_flag(
            actor=personas.supervisor, problem=p, flag="exposure", on=True, reason=""
        )
    services.problem_flag(
        actor=personas.leader, problem=p, flag="accountability", on=True, reason="整改不力"
    )
    p.refresh_from_db()
    assert p.accountability and p.accountability_reason == "整改不力"
    assert events(p)[-1] == "problem.accountability"


def test_fake_image_is_refused_by_content_sniffing(personas, problem_factory):
    p = problem_factory()
    services.problem_claim(actor=personas.handler_a, problem=p)
    fake = SimpleUploadedFile("photo.png", b"this is not an image at all", content_type="image/png")
    with pytest.raises(InvalidInput) as exc:
        services.problem_report_progress(
            actor=personas.handler_a, problem=p, text="进展", files=[fake]
        )
    assert exc.value.code == "UPLOAD_TYPE_NOT_ALLOWED"
    assert p.progress_reports.count() == 0


def test_oversized_file_is_refused(personas, problem_factory, settings):
    settings.UPLOAD_MAX_BYTES = 10
    p = problem_factory()
    services.problem_claim(actor=personas.handler_a, problem=p)
    with pytest.raises(InvalidInput) as exc:
        services.problem_report_progress(
            actor=personas.handler_a, problem=p, text="进展", files=[photo()]
        )
    assert exc.value.code == "UPLOAD_TOO_LARGE"


def test_create_from_source_is_idempotent(personas):
    kw = {
        "actor": workflow.SYSTEM,
        "source": "bad_rating",
        "source_type": "ratings.rating",
        "source_id": 42,
        "unit": personas.unit_b,
        "description": "差评：办理不动产登记多次跑腿",
        "category": "不规范",
        "deadline_days": 10,
    }
    first = services.problem_create_from_source(**kw)
    second = services.problem_create_from_source(**kw)
    assert first.pk == second.pk
    assert Problem.objects.filter(source_type="ratings.rating").count() == 1
    assert first.category.name == "不规范" and first.owner_unit == personas.unit_b


def test_milestones_get_their_own_clocks(personas, problem_factory):
    import datetime as dt

    from django.utils import timezone

    from yingshang.workcal import clocks

    due = timezone.localdate() + dt.timedelta(days=20)
    p = problem_factory(milestones=[("修订办事指南", due)])
    ms = p.milestones.get()
    assert clocks.clocks_of(ms, services.MILESTONE).count() == 1
    services.problem_claim(actor=personas.handler_a, problem=p)
    services.problem_complete_milestone(actor=personas.handler_a, milestone=ms, note="已修订")
    ms.refresh_from_db()
    assert ms.done_at is not None
    assert clocks.clocks_of(ms, services.MILESTONE).get().state == "stopped"


def test_indicator_below_threshold_becomes_one_problem_per_period(personas):
    from yingshang.supervision import patterns

    kw = {
        "actor": workflow.SYSTEM,
        "unit": personas.unit_a,
        "indicator": "开办企业",
        "period": "2026年第三季度",
        "value": 61.5,
        "threshold": 80,
    }
    first = patterns.problem_from_indicator(**kw)
    assert patterns.problem_from_indicator(**kw).pk == first.pk
    assert first.source == "indicator_shortfall" and "开办企业" in first.description
    assert patterns.problem_from_indicator(**{**kw, "period": "2026年第四季度"}).pk != first.pk


def test_deadlines_outside_the_calendar_are_refused_not_crashing(personas):
    import datetime as dt

    with pytest.raises(InvalidInput) as exc:
        services.problem_create(
            actor=personas.supervisor,
            unit=personas.unit_a,
            description="x",
            deadline=dt.date(1900, 1, 1),
        )
    assert exc.value.code == "DATE_OUT_OF_RANGE"
    with pytest.raises(InvalidInput) as exc:
        services.problem_create(
            actor=personas.supervisor, unit=personas.unit_a, description="x", deadline_days=-3
        )
    assert exc.value.code == "PROBLEM_DEADLINE_INVALID"
    assert Problem.objects.count() == 0
