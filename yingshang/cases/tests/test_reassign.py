"""改派 of a parallel task: who may, with what, what it does to the clock, the audit and the
new unit's queue (cases/services/reassign.py)."""

import json

import pytest

from yingshang.audit.models import AuditEvent
from yingshang.cases import services
from yingshang.cases.models import ApprovalTask
from yingshang.cases.tests.test_services import MONDAY
from yingshang.cases.tests.test_services_decisions import _package_case
from yingshang.notify.models import Message

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _url(case):
    return f"/api/v1/cases/{case.number}/transitions/reassign_task"


@pytest.fixture
def stuck(personas, cat):
    """A 开办餐饮店 case whose unit_c task should have gone to unit_b."""
    case = _package_case(personas, cat)
    return case, case.tasks.get(unit=cat.unit_c)


def test_lead_unit_head_reassigns_by_api_and_the_clock_carries_over(
    personas, cat, stuck, api_client
):
    case, task = stuck
    due = task.due_at
    body = {"task_id": task.pk, "unit_id": personas.unit_b.pk, "reason": "原单位无人办理"}
    response = _post(api_client(personas.head_a), _url(case), body)
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert task.unit_id == personas.unit_b.pk and task.status == ApprovalTask.Status.PENDING
    assert task.due_at == due  # the working-day clock continues, not restarted
    event = AuditEvent.objects.get(
        action="case.task_reassign", object_type="cases.case", object_id=str(case.pk)
    )
    assert event.reason == "原单位无人办理"
    assert event.changes["unit"] == [cat.unit_c.pk, personas.unit_b.pk]
    assert event.role == "dept_head"
    assert AuditEvent.objects.filter(
        action="case.task_reassign", object_type="cases.approvaltask", object_id=str(task.pk)
    ).exists()
    assert Message.objects.filter(recipient=personas.handler_b, body__contains="改派").exists()


def test_the_new_unit_decides_the_reassigned_task_and_the_case_can_be_decided(personas, cat, stuck):
    case, task = stuck
    services.task_reassign(
        actor=personas.admin, task=task, unit=personas.unit_b, reason="生态环境分局无账号"
    )
    for t in case.tasks.all():
        actor = personas.handler_a if t.unit_id == personas.unit_a.pk else personas.handler_b
        services.task_decide(actor=actor, task=t, decision="approved", at=MONDAY)
    case = services.case_decide(actor=personas.handler_a, case=case, decision="approved")
    assert case.status == "decided"


@pytest.mark.parametrize("who", ["handler_a", "handler_b", "applicant", "leader"])
def test_other_roles_are_refused_with_the_reason_code(personas, cat, stuck, api_client, who):
    case, task = stuck
    body = {"task_id": task.pk, "unit_id": personas.unit_b.pk, "reason": "原单位无人办理"}
    response = _post(api_client(getattr(personas, who)), _url(case), body)
    assert response.status_code in (403, 404)
    if response.status_code == 403:
        assert response.json()["code"] == "CASE_REASSIGN_TASK_FORBIDDEN"
    task.refresh_from_db()
    assert task.unit_id == cat.unit_c.pk
    assert not AuditEvent.objects.filter(action="case.task_reassign").exists()


def test_a_handler_of_the_lead_unit_gets_403_with_the_code(personas, cat, stuck, api_client):
    case, task = stuck
    body = {"task_id": task.pk, "unit_id": personas.unit_b.pk, "reason": "原单位无人办理"}
    response = _post(api_client(personas.handler_a), _url(case), body)
    assert response.status_code == 403
    assert response.json()["code"] == "CASE_REASSIGN_TASK_FORBIDDEN"


def test_reassigning_a_decided_case_is_409(personas, cat, stuck, api_client):
    case, task = stuck
    for t in case.tasks.all():
        actor = {personas.unit_a.pk: personas.handler_a, personas.unit_b.pk: personas.handler_b}
        services.task_decide(
            actor=actor.get(t.unit_id, cat.handler_c), task=t, decision="approved", at=MONDAY
        )
    services.case_decide(actor=personas.handler_a, case=case, decision="approved")
    body = {"task_id": task.pk, "unit_id": personas.unit_b.pk, "reason": "原单位无人办理"}
    response = _post(api_client(personas.head_a), _url(case), body)
    assert response.status_code == 409
    assert response.json()["code"] == "CASE_REASSIGN_TASK_NOT_ALLOWED"


def test_a_done_task_is_not_reassigned(personas, cat, stuck, api_client):
    case, task = stuck
    services.task_decide(actor=cat.handler_c, task=task, decision="approved", at=MONDAY)
    body = {"task_id": task.pk, "unit_id": personas.unit_b.pk, "reason": "原单位无人办理"}
    response = _post(api_client(personas.head_a), _url(case), body)
    assert response.status_code == 409 and response.json()["code"] == "TASK_ALREADY_DONE"


def test_a_reason_is_required(personas, cat, stuck, api_client):
    case, task = stuck
    body = {"task_id": task.pk, "unit_id": personas.unit_b.pk, "reason": " "}
    response = _post(api_client(personas.head_a), _url(case), body)
    assert response.status_code == 400 and response.json()["code"] == "REASSIGN_REASON_REQUIRED"


def test_the_centre_clerk_reassigns_from_the_case_page(personas, cat, stuck, login):
    case, task = stuck
    client = login(personas.admin)
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert f'data-testid="reassign-form-{task.pk}"' in page
    assert f'data-testid="unattended-{task.pk}"' not in page  # unit_c has a handler
    cat.handler_c.is_active = False
    cat.handler_c.save(update_fields=["is_active"])
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert f'data-testid="unattended-{task.pk}"' in page
    response = client.post(
        f"/staff/cases/{case.pk}/reassign_task/",
        {"task_id": task.pk, "unit_id": personas.unit_b.pk, "reason": "原单位无人办理"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.unit_id == personas.unit_b.pk
