"""回访不满意 → 重办 in one step, and the redo's clock rule (approved extensions carry over)."""

import pytest

from yingshang.audit.models import AuditEvent
from yingshang.errors import InvalidInput
from yingshang.hotline import services
from yingshang.hotline.models import WorkOrder
from yingshang.workcal import calendar
from yingshang.workcal.models import Clock


def _events(order):
    return list(
        AuditEvent.objects.filter(object_id=str(order.pk), action__startswith="hotline.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_unsatisfied_callback_sends_the_order_back_in_one_step(awaiting_callback, personas, clock):
    order = awaiting_callback()
    order = services.workorder_callback_redo(
        actor=personas.operator, order=order, reason="来电人反映问题仍未解决"
    )
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.status == "in_progress" and order.redo_count == 1
    assert order.callback_note == "来电人反映问题仍未解决"
    assert _events(order)[-2:] == ["hotline.callback", "hotline.redo"]
    callback = AuditEvent.objects.filter(object_id=str(order.pk), action="hotline.callback").last()
    assert callback.changes["satisfied"] == [None, False]
    assert order.redos.get().reason == "来电人反映问题仍未解决"


def test_one_step_redo_needs_a_reason_and_changes_nothing_without_it(awaiting_callback, personas):
    order = awaiting_callback()
    with pytest.raises(InvalidInput) as exc:
        services.workorder_callback_redo(actor=personas.operator, order=order, reason="  ")
    assert exc.value.code == "HOTLINE_REDO_REASON"
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.status == "awaiting_callback" and order.satisfied is None


def test_the_unit_cannot_send_its_own_order_back(awaiting_callback, personas, api_client):
    order = awaiting_callback()
    r = api_client(personas.handler_a).post(
        f"/api/v1/hotline/orders/{order.pk}/callback_redo",
        {"reason": "自己要求重办"},
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json()["code"] == "HOTLINE_FORBIDDEN"


def test_api_one_step(awaiting_callback, personas, api_client):
    order = awaiting_callback()
    r = api_client(personas.operator).post(
        f"/api/v1/hotline/orders/{order.pk}/callback_redo",
        {"reason": "商户仍在违规经营", "resolved": False},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.status == "in_progress" and order.redo_count == 1
    assert order.resolved is None and order.satisfied is None  # asked again at the next callback
    changes = AuditEvent.objects.filter(object_id=str(order.pk), action="hotline.callback").last()
    assert changes.changes["resolved"] == [None, False]


def test_redo_carries_the_approved_extension_over(in_progress, personas, clock):
    order = in_progress()
    ext = services.workorder_ask_extension(
        actor=personas.handler_a, order=order, days=5, reason="需要联合检测"
    )
    services.workorder_decide_extension(actor=personas.operator, extension=ext, approve=True)
    order = services.workorder_reply(
        actor=personas.handler_a, order=WorkOrder.objects.get(pk=order.pk), text="已处理完毕。"
    )
    order = services.workorder_review_reply(actor=personas.operator, order=order, approve=True)
    order = services.workorder_callback_redo(
        actor=personas.operator, order=order, reason="仍未解决"
    )
    handle = Clock.objects.filter(owner_id=str(order.pk), purpose="handle").order_by("-id")[0]
    # a complaint is handled in 13 working days; the redo gets them afresh plus the 5 approved
    start = calendar.local_date(handle.started_at)
    assert calendar.local_date(order.handle_due_at) == calendar.add_working_days(start, 13 + 5)
    assert handle.extended_amount == 5
    redo = AuditEvent.objects.filter(object_id=str(order.pk), action="hotline.redo").last()
    assert redo.changes["extension_days_carried"][1] == 5
