"""Every API action of a work order, tried by every persona: the abilities decide, and the
answer says so — done (200), refused where the person sees the order (403 with the reason's
code), or 404 outside their scope. The order is unchanged after a refusal."""

import pytest

from yingshang.audit.models import AuditEvent
from yingshang.hotline import rules
from yingshang.hotline.actions import API_ACTIONS, ORDER_ACTIONS
from yingshang.hotline.models import Extension, ReturnRequest, WorkOrder
from yingshang.hotline.tests.factories import WorkOrderFactory
from yingshang.org import scope

pytestmark = pytest.mark.django_db

PERSONAS = ["operator", "handler_a", "head_a", "handler_b", "supervisor", "applicant", "outsider"]


def _run(p, actor, order, name, **data):
    ORDER_ACTIONS.execute(name, actor=p.by_role(actor), obj=order, data=data)
    return WorkOrder.objects.get(pk=order.pk)


def _registered(p):
    return WorkOrderFactory(actor=p.operator)


def _awaiting_sign(p):
    return _run(p, "operator", _registered(p), "dispatch", main_unit_id=p.unit_a.pk)


def _in_progress(p):
    return _run(p, "handler_a", _awaiting_sign(p), "sign")


def _awaiting_review(p):
    return _run(p, "handler_a", _in_progress(p), "reply", text="已到现场核查，督促商户整改到位。")


def _awaiting_callback(p):
    return _run(p, "operator", _awaiting_review(p), "approve_reply", note="答复规范")


def _unsatisfied(p):
    return _run(p, "operator", _awaiting_callback(p), "callback", resolved=False, satisfied=False)


def _returned(p):
    order = _run(p, "handler_a", _awaiting_sign(p), "return", reason="不属于本单位职责范围")
    return order, {"return_id": ReturnRequest.objects.get(order=order).pk, "justified": True}


def _extension_asked(p):
    order = _run(p, "handler_a", _in_progress(p), "ask_extension", days=3, reason="需现场勘查")
    return order, {"extension_id": Extension.objects.get(order=order).pk, "note": "同意"}


def _merge(p):
    target = _registered(p)
    return _registered(p), {"into_number": target.number, "reason": "重复诉求"}


# action → (the order in a state where the move is allowed, and the body)
SETUPS = {
    "dispatch": lambda p: (_registered(p), {"main_unit_id": p.unit_a.pk}),
    "answer_directly": lambda p: (_registered(p), {"reply": "您反映的问题已转市场监管部门核查。"}),
    "sign": lambda p: (_awaiting_sign(p), {}),
    "return": lambda p: (_awaiting_sign(p), {"reason": "不属于本单位职责范围"}),
    "rule_return": _returned,
    "ask_extension": lambda p: (_in_progress(p), {"days": 3, "reason": "需要现场勘查"}),
    "approve_extension": _extension_asked,
    "deny_extension": _extension_asked,
    "reply": lambda p: (_in_progress(p), {"text": "已处理完毕，商户已整改。"}),
    "approve_reply": lambda p: (_awaiting_review(p), {"note": "答复规范"}),
    "send_back": lambda p: (_awaiting_review(p), {"note": "答复过于简单"}),
    "callback": lambda p: (_awaiting_callback(p), {"resolved": True, "satisfied": True}),
    "redo": lambda p: (_unsatisfied(p), {"reason": "群众反映问题仍未解决"}),
    "callback_redo": lambda p: (_awaiting_callback(p), {"reason": "群众反映问题仍未解决"}),
    "close": lambda p: (_awaiting_callback(p), {"note": "回访满意"}),
    "merge": _merge,
    "reclassify": lambda p: (_registered(p), {"category": "help", "reason": "实为求助"}),
    "supervise": lambda p: (_in_progress(p), {"note": "请加快办理"}),
    "urge": lambda p: (_in_progress(p), {"note": "请今日内答复"}),
    "reassign": lambda p: (
        _in_progress(p),
        {"main_unit_id": p.unit_b.pk, "reason": "不属于本单位"},
    ),
}


def test_every_api_action_is_swept():
    assert set(SETUPS) == set(API_ACTIONS)


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("name", API_ACTIONS)
def test_each_action_follows_the_abilities(personas, api_client, name, who):
    order, body = SETUPS[name](personas)
    user = personas.by_role(who)
    sees = scope.visible_to(user, WorkOrder).filter(pk=order.pk).exists()
    may = bool(rules.abilities(scope.grants(user), order)[ORDER_ACTIONS.get(name).ability_key])
    client = api_client(user)  # (issuing its token is an audit event of its own)
    events = AuditEvent.objects.count()
    before = WorkOrder.objects.filter(pk=order.pk).values().get()
    r = client.post(
        f"/api/v1/hotline/orders/{order.pk}/{name}", body, content_type="application/json"
    )
    if may:
        assert r.status_code == 200, r.content.decode()[:300]
        assert AuditEvent.objects.count() > events  # the move is on the record
    else:
        assert r.status_code == (403 if sees else 404), r.content.decode()[:300]
        if r.status_code == 403:
            assert r.json()["code"].startswith("HOTLINE_")
        assert WorkOrder.objects.filter(pk=order.pk).values().get() == before
        assert AuditEvent.objects.count() == events
