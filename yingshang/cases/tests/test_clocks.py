import datetime as dt

import pytest
import time_machine

from yingshang.cases import selectors, services, tasks
from yingshang.cases.models import ApprovalTask, Case, Verification
from yingshang.cases.tests.conftest import all_files, form_for
from yingshang.cases.tests.test_services_decisions import _package_case
from yingshang.notify.models import Message
from yingshang.workcal import clocks
from yingshang.workcal.calendar import TZ

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=TZ)


def test_sweep_marks_the_case_overdue_and_sends_a_reminder_to_the_unit(personas, cat):
    with time_machine.travel(MONDAY, tick=False):
        case = services.case_submit(
            actor=personas.applicant,
            matter=cat.matter,
            form_data=form_for(personas.applicant),
            files=all_files(),
            channel="online",
            at=MONDAY,
        )
        case = services.case_accept(actor=personas.clerk, case=case, at=MONDAY)
    assert case.clock_state == "running"
    clocks.sweep(now=case.due_at - dt.timedelta(hours=30))
    assert Case.objects.get(pk=case.pk).clock_state == "warning"
    clocks.sweep(now=case.due_at + dt.timedelta(hours=1))
    assert Case.objects.get(pk=case.pk).clock_state == "overdue"
    reminders = Message.objects.filter(
        recipient=personas.handler_a, channel="inapp", related_id=str(case.pk)
    )
    assert (
        reminders.filter(body__contains="催办").exists()
        and reminders.filter(body__contains="提醒").exists()
    )
    assert selectors.queue(personas.handler_a, "overdue").filter(pk=case.pk).exists()


def test_a_late_parallel_task_reminds_its_own_unit_only(personas, cat):
    with time_machine.travel(MONDAY, tick=False):
        case = _package_case(personas, cat, at=MONDAY)
    task_c = case.tasks.get(unit=cat.unit_c)
    services.task_decide(
        actor=personas.handler_a,
        task=case.tasks.get(unit=personas.unit_a),
        decision="approved",
        at=MONDAY,
    )
    services.task_decide(
        actor=personas.handler_b,
        task=case.tasks.get(unit=personas.unit_b),
        decision="approved",
        at=MONDAY,
    )
    clocks.sweep(now=task_c.due_at + dt.timedelta(hours=1))
    assert ApprovalTask.objects.get(pk=task_c.pk).clock_state == "overdue"
    assert Message.objects.filter(
        recipient=cat.handler_c, related_type="cases.approvaltask", body__contains="催办"
    ).exists()
    assert not Message.objects.filter(
        recipient=personas.handler_b, related_type="cases.approvaltask"
    ).exists()


def test_overdue_verification_is_chased_once_a_day(personas, cat):
    case = services.case_submit(
        actor=personas.applicant,
        matter=cat.matter,
        form_data=form_for(personas.applicant),
        files=all_files(skip=("health_cert",)),
        channel="online",
        certificate_keys=["health_cert"],
        at=MONDAY,
    )
    services.case_accept(actor=personas.clerk, case=case, at=MONDAY)
    due = Verification.objects.get().due_at
    assert tasks.run_verification_reminders(now=due + dt.timedelta(hours=1)) == 1
    assert tasks.run_verification_reminders(now=due + dt.timedelta(hours=2)) == 0
    assert (
        Message.objects.filter(
            recipient=personas.handler_a, related_type="cases.verification"
        ).count()
        == 1
    )


def test_appointment_slots_are_kept_open_including_off_hours(personas):
    from yingshang.cases.models import AppointmentSlot

    made = tasks.run_appointment_slots()
    assert made == 60  # 10 working days × (4 regular + 2 off-hours)
    assert AppointmentSlot.objects.filter(off_hours=True).count() == 20
    assert tasks.run_appointment_slots() == 0
