"""改派 of a work order (hotline/services/reassign.py): the centre or an admin moves it to
another main unit with a reason; the handling clock runs on, the new unit signs anew."""

import json

import pytest

from yingshang.audit.models import AuditEvent
from yingshang.hotline import services
from yingshang.hotline.tests.conftest import at
from yingshang.notify.models import Message

pytestmark = pytest.mark.django_db


def _post(client, order, body):
    return client.post(
        f"/api/v1/hotline/orders/{order.pk}/reassign",
        json.dumps(body),
        content_type="application/json",
    )


def test_operator_reassigns_a_signed_order_and_the_handling_clock_runs_on(
    personas, in_progress, clock, api_client
):
    order = in_progress()
    handle_due = order.handle_due_at
    clock(at(24, 9, 30))
    body = {"main_unit_id": personas.unit_b.pk, "reason": "不属于本单位职责"}
    response = _post(api_client(personas.operator), order, body)
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.main_unit_id == personas.unit_b.pk and order.status == "awaiting_sign"
    assert order.handle_due_at == handle_due  # the caller's deadline does not move
    assert order.sign_due_at > at(24, 9, 30)  # the new unit has its own signing clock
    event = AuditEvent.objects.get(action="hotline.reassign", object_id=str(order.pk))
    assert event.reason == "不属于本单位职责"
    assert event.changes["main_unit_id"] == [personas.unit_a.pk, personas.unit_b.pk]
    assert event.role == "hotline_operator"
    assert Message.objects.filter(recipient=personas.handler_b, body__contains="改派").exists()
    # the new unit signs it
    order = services.workorder_sign(actor=personas.handler_b, order=order)
    assert order.status == "in_progress"


@pytest.mark.parametrize("who", ["handler_a", "head_a", "handler_b", "leader"])
def test_units_and_leaders_are_refused(personas, dispatched, api_client, who):
    order = dispatched()
    body = {"main_unit_id": personas.unit_b.pk, "reason": "不属于本单位职责"}
    response = _post(api_client(getattr(personas, who)), order, body)
    assert response.status_code in (403, 404)
    if response.status_code == 403:
        assert response.json()["code"] == "HOTLINE_FORBIDDEN"
    order.refresh_from_db()
    assert order.main_unit_id == personas.unit_a.pk
    assert not AuditEvent.objects.filter(action="hotline.reassign").exists()


def test_the_main_units_handler_gets_403_with_the_code(personas, dispatched, api_client):
    order = dispatched()
    body = {"main_unit_id": personas.unit_b.pk, "reason": "不属于本单位职责"}
    response = _post(api_client(personas.handler_a), order, body)
    assert response.status_code == 403 and response.json()["code"] == "HOTLINE_FORBIDDEN"


def test_a_registered_order_is_dispatched_not_reassigned(personas, make_order, api_client):
    order = make_order()
    body = {"main_unit_id": personas.unit_b.pk, "reason": "不属于本单位职责"}
    response = _post(api_client(personas.admin), order, body)
    assert response.status_code == 409
    assert response.json()["code"] == "HOTLINE_REASSIGN_NOT_ALLOWED"


def test_reason_and_unit_are_required(personas, dispatched, api_client):
    order = dispatched()
    client = api_client(personas.admin)
    r = _post(client, order, {"main_unit_id": personas.unit_b.pk, "reason": ""})
    assert r.status_code == 400 and r.json()["code"] == "REASSIGN_REASON_REQUIRED"
    r = _post(client, order, {"main_unit_id": personas.unit_a.pk, "reason": "不属于本单位"})
    assert r.status_code == 400 and r.json()["code"] == "REASSIGN_SAME_UNIT"


def test_the_order_page_offers_reassignment_to_the_centre(personas, dispatched, login):
    order = dispatched()
    client = login(personas.operator)
    assert (
        'data-testid="reassign-form"'
        in client.get(f"/staff/hotline/orders/{order.pk}/").content.decode()
    )
    r = client.post(
        f"/staff/hotline/orders/{order.pk}/act/reassign/",
        {"main_unit_id": personas.unit_b.pk, "reason": "不属于本单位职责"},
    )
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.main_unit_id == personas.unit_b.pk
    page = login(personas.handler_a).get(f"/staff/hotline/orders/{order.pk}/")
    assert page.status_code == 404 or 'data-testid="reassign-form"' not in page.content.decode()
