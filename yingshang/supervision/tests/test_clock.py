import datetime as dt

import pytest
import time_machine

from yingshang.audit.models import AuditEvent
from yingshang.notify.models import Message
from yingshang.supervision import services
from yingshang.supervision.models import Reminder
from yingshang.workcal import calendar, clocks

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=calendar.TZ)  # a Monday


def test_reminder_fires_once_three_working_days_before_the_deadline(personas):
    with time_machine.travel(START, tick=False):
        p = services.problem_create(
            actor=personas.supervisor,
            unit=personas.unit_a,
            description="证照办理时限过长",
            deadline_days=10,
        )
    due_day = calendar.local_date(p.deadline_at)
    too_early = calendar.end_of_day(calendar.add_working_days(due_day, -5))
    assert services.problem_send_reminders(now=too_early) == 0
    in_window = calendar.end_of_day(calendar.add_working_days(due_day, -3)) - dt.timedelta(hours=10)
    assert services.problem_send_reminders(now=in_window) == 1
    assert services.problem_send_reminders(now=in_window + dt.timedelta(hours=1)) == 0
    assert Reminder.objects.filter(problem=p, kind="deadline").count() == 1
    reminded = Message.objects.filter(related_id=str(p.pk), subject="整改到期提醒")
    assert set(reminded.values_list("recipient__username", flat=True)) == {"handler_a", "head_a"}
    assert AuditEvent.objects.filter(object_id=str(p.pk), action="problem.remind").count() == 1


def test_milestone_reminder_fires_once(personas):
    with time_machine.travel(START, tick=False):
        p = services.problem_create(
            actor=personas.supervisor,
            unit=personas.unit_a,
            description="问题",
            deadline_days=30,
            milestones=[("制定方案", dt.date(2026, 11, 16))],
        )
    now = dt.datetime(2026, 11, 12, 9, 0, tzinfo=calendar.TZ)
    assert services.problem_send_reminders(now=now) == 1
    assert services.problem_send_reminders(now=now) == 0
    assert Reminder.objects.get(problem=p).milestone.title == "制定方案"


def test_overdue_is_a_clock_state_escalated_to_the_head_and_supervisors(personas):
    with time_machine.travel(START, tick=False):
        p = services.problem_create(
            actor=personas.supervisor,
            unit=personas.unit_a,
            description="中梗阻问题",
            deadline_days=5,
        )
        services.problem_claim(actor=personas.handler_a, problem=p)
    later = p.deadline_at + dt.timedelta(hours=1)
    clocks.sweep(now=later)
    p.refresh_from_db()
    assert p.overdue is True and p.status == "claimed"  # overdue is not a status
    sms = Message.objects.filter(related_id=str(p.pk), channel="sms", body__contains="超过整改时限")
    assert set(sms.values_list("recipient__username", flat=True)) == {"head_a", "supervisor"}
    assert AuditEvent.objects.filter(object_id=str(p.pk), action="problem.overdue").count() == 1
    clocks.sweep(now=later + dt.timedelta(hours=1))
    assert AuditEvent.objects.filter(object_id=str(p.pk), action="problem.overdue").count() == 1


def test_closure_request_pauses_the_deadline_clock(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yingshang.supervision.tests.sample import png

    with time_machine.travel(START, tick=False):
        p = services.problem_create(
            actor=personas.supervisor, unit=personas.unit_a, description="问题", deadline_days=5
        )
        services.problem_claim(actor=personas.handler_a, problem=p)
        services.problem_request_closure(
            actor=personas.handler_a,
            problem=p,
            text="完成",
            files=[SimpleUploadedFile("a.png", png())],
        )
    clocks.sweep(now=p.deadline_at + dt.timedelta(days=3))
    p.refresh_from_db()
    assert p.overdue is False
    assert clocks.clocks_of(p, services.DEADLINE).get().state == "paused"


def test_supervisor_extends_the_deadline_on_its_clock_and_overdue_clears(personas):
    from yingshang.errors import InvalidInput, PermissionDeniedError

    with time_machine.travel(START, tick=False):
        p = services.problem_create(
            actor=personas.supervisor, unit=personas.unit_a, description="问题", deadline_days=5
        )
    clocks.sweep(now=p.deadline_at + dt.timedelta(hours=1))
    p.refresh_from_db()
    assert p.overdue
    with pytest.raises(PermissionDeniedError):
        services.problem_extend(
            actor=personas.handler_a, problem=p, deadline=dt.date(2026, 12, 31), reason="申请延期"
        )
    with pytest.raises(InvalidInput):
        services.problem_extend(
            actor=personas.supervisor, problem=p, deadline=dt.date(2026, 11, 3), reason="x"
        )
    at = p.deadline_at + dt.timedelta(hours=2)
    services.problem_extend(
        actor=personas.supervisor,
        problem=p,
        deadline=dt.date(2026, 12, 31),
        reason="涉及跨部门协调，经县领导同意延期",
        at=at,
    )
    p.refresh_from_db()
    assert calendar.local_date(p.deadline_at) == dt.date(2026, 12, 31) and p.overdue is False
    assert clocks.clocks_of(p, services.DEADLINE).get().due_at == p.deadline_at
    assert AuditEvent.objects.filter(object_id=str(p.pk), action="problem.extend").count() == 1
