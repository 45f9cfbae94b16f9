import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from yingshang.hotline import rules
from yingshang.hotline.actions import API_ACTIONS, ORDER_ACTIONS
from yingshang.hotline.models import WorkOrder
from yingshang.hotline.tests.factories import WorkOrderFactory
from yingshang.hotline.transitions import ORDER
from yingshang.org import scope

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def test_the_registry_offers_exactly_the_moves_of_the_state_table():
    assert ORDER_ACTIONS.moves() == set(ORDER.moves)


def test_every_api_action_has_its_own_endpoint_and_schema_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for name in API_ACTIONS:
        op = spec["paths"][f"/api/v1/hotline/orders/{{order_id}}/{name}"]["post"]
        schema = ORDER_ACTIONS.get(name).schema
        if schema.model_fields:
            assert schema.__name__ in schemas, name
            assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
                f"/{schema.__name__}"
            )


PERSONAS = ["operator", "handler_a", "head_a", "handler_b", "supervisor", "applicant", "outsider"]


@pytest.mark.parametrize("who", PERSONAS)
def test_sign_role_sweep_follows_the_abilities(personas, api_client, who):
    """Each persona either signs the dispatched order or is refused: 404 outside its scope,
    403 where it sees the order but the abilities refuse it."""
    from yingshang.hotline import services

    order = services.workorder_dispatch(
        actor=personas.operator,
        order=WorkOrderFactory(actor=personas.operator),
        main_unit=personas.unit_a,
    )
    user = personas.by_role(who)
    sees = scope.visible_to(user, WorkOrder).filter(pk=order.pk).exists()
    may = bool(rules.abilities(scope.grants(user), order)["sign"])
    r = api_client(user).post(
        f"/api/v1/hotline/orders/{order.pk}/sign", {}, content_type="application/json"
    )
    order.refresh_from_db()
    if may:
        assert r.status_code == 200 and order.status == "in_progress"
    else:
        assert r.status_code == (403 if sees else 404) and order.status == "awaiting_sign"
    if r.status_code == 403:
        assert r.json()["code"] == "HOTLINE_FORBIDDEN"


@pytest.mark.parametrize("who", PERSONAS)
def test_dispatch_role_sweep_follows_the_abilities(personas, login, who):
    order = WorkOrderFactory(actor=personas.operator)
    user = personas.by_role(who)
    sees = scope.visible_to(user, WorkOrder).filter(pk=order.pk).exists()
    may = bool(rules.abilities(scope.grants(user), order)["dispatch"])
    r = login(user).post(
        f"/staff/hotline/orders/{order.pk}/act/dispatch/", {"main_unit_id": personas.unit_a.pk}
    )
    order.refresh_from_db()
    if may:
        assert r.status_code == 302 and order.status == "awaiting_sign"
    else:
        assert r.status_code in ((403,) if sees else (403, 404))
        assert order.status == "registered"


def test_a_refused_ability_says_why(personas, dispatched_order):
    ab = rules.abilities(scope.grants(personas.handler_b), dispatched_order)
    assert not ab["sign"] and ab["sign"].code == "HOTLINE_FORBIDDEN"


@pytest.fixture
def dispatched_order(personas):
    from yingshang.hotline import services

    return services.workorder_dispatch(
        actor=personas.operator,
        order=WorkOrderFactory(actor=personas.operator),
        main_unit=personas.unit_a,
    )


def test_an_extension_that_names_no_request_is_404(personas, login, dispatched_order):
    client = login(personas.operator)
    r = client.post(
        f"/staff/hotline/orders/{dispatched_order.pk}/act/approve_extension/",
        {"extension_id": "999999"},
    )
    assert r.status_code == 404


def test_portal_limit_lasts_the_whole_hour(client, topic):
    """Bug: the cache counter's incr pushed the key's expiry forward, so "5 per hour" lasted
    only as long as the cache kept the key; the database's fixed window holds for the hour."""
    body = {
        "content": "小区门口路灯坏了很久，晚上很不安全，请尽快修理。",
        "category": "help",
        "topic": topic.pk,
        "caller_name": "王五",
        "confidential": "",
        "address": "人民路",
        "website": "",
    }
    start = dt.datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
    with time_machine.travel(start, tick=False) as traveller:
        for i in range(5):
            r = client.post("/hotline/submit/", {**body, "caller_phone": f"1390000000{i}"})
            assert r.status_code == 200, r.content.decode()[:500]
        traveller.move_to(start + dt.timedelta(minutes=10))
        sixth = client.post("/hotline/submit/", {**body, "caller_phone": "13900000009"})
    assert sixth.status_code == 429
    assert WorkOrder.objects.count() == 5
