"""The action registry drives the pages and the API; abilities decide who gets what."""

import json

import pytest

from yingshang import workflow
from yingshang.audit.models import AuditEvent
from yingshang.org import scope
from yingshang.ratings import services
from yingshang.ratings.actions import APPEAL_ACTIONS, RECTIFICATION_ACTIONS
from yingshang.ratings.models import Appeal, Rectification
from yingshang.ratings.tests.factories import RatingFactory
from yingshang.ratings.transitions import RECTIFICATION

pytestmark = pytest.mark.django_db

PERSONAS = [
    "handler_a",
    "head_a",
    "handler_b",
    "clerk",
    "operator",
    "supervisor",
    "leader",
    "admin",
    "applicant",
    "outsider",
]
BODIES = {
    "verify": {"note": "属实"},
    "reply": {"outcome": "fixed_now", "reply": "已整改"},
    "callback": {"result": "satisfied", "note": "电话回访满意"},
    "close": {"note": "同意办结"},
    "send_back": {"reason": "整改不到位"},
}


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def _rect_ready_for(action: str, personas) -> Rectification:
    """A real-name 差评 of unit A whose rectification is where `action` is the next step."""
    rating = RatingFactory(bad=True, unit=personas.unit_a, rater=personas.applicant)
    rect = rating.rectification
    unit = personas.handler_a
    if action in ("reply", "callback", "close", "send_back"):
        rect = services.rectification_verify(actor=unit, rectification=rect, note="属实")
    if action in ("close", "send_back"):
        rect = services.rectification_callback(
            actor=personas.supervisor, rectification=rect, result="satisfied", note="回访满意"
        )
        rect = services.rectification_reply(
            actor=unit, rectification=rect, outcome="explained", reply="已解释"
        )
    return rect


def _expected(user, model, obj, ability: str) -> int:
    if not scope.visible_to(user, model).filter(pk=obj.pk).exists():
        return 404
    return 200 if scope.abilities(user, obj)[ability] else 403


def test_the_registries_offer_every_move_of_the_table():
    # the appeal decision makes the last one: an upheld appeal cancels the rectification
    assert RECTIFICATION_ACTIONS.moves() == set(RECTIFICATION.moves) - {"cancel"}
    assert RECTIFICATION_ACTIONS.moves() | APPEAL_ACTIONS.moves() == set(RECTIFICATION.moves)


def test_every_action_and_its_input_is_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").json()
    for actions, prefix in (
        (RECTIFICATION_ACTIONS, "/api/v1/ratings/rectifications/{rect_id}"),
        (APPEAL_ACTIONS, "/api/v1/ratings/appeals/{appeal_id}"),
    ):
        for action in actions.actions:
            operation = spec["paths"][f"{prefix}/{action.name}"]["post"]
            body = json.dumps(operation["requestBody"])
            assert action.schema.__name__ in body, action.name
            assert action.schema.__name__ in spec["components"]["schemas"]


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("action", list(BODIES))
def test_rectification_action_sweep(api_client, personas, action, name):
    rect = _rect_ready_for(action, personas)
    user = personas.by_role(name)
    expected = _expected(user, Rectification, rect, action)
    before = rect.status
    response = _post(
        api_client(user), f"/api/v1/ratings/rectifications/{rect.pk}/{action}", BODIES[action]
    )
    assert response.status_code == expected, response.content
    rect.refresh_from_db()
    event = AuditEvent.objects.filter(
        object_type="ratings.rectification",
        object_id=str(rect.pk),
        action=f"rectification.{action}",
    ).last()
    if expected == 200:
        assert response.json()["status"] == rect.status
        assert event is not None and event.actor_id == user.pk
    else:
        assert rect.status == before
        if expected == 403:
            assert response.json()["code"] == scope.abilities(user, rect)[action].code


def test_the_sweep_has_someone_on_each_side(personas):
    """The abilities the sweep follows: the unit does the unit's steps, a supervisor reviews."""
    for action, doer in (
        ("verify", "handler_a"),
        ("reply", "head_a"),
        ("callback", "supervisor"),
        ("close", "supervisor"),
        ("send_back", "supervisor"),
    ):
        rect = _rect_ready_for(action, personas)
        assert scope.abilities(personas.by_role(doer), rect)[action]
        assert not scope.abilities(personas.handler_b, rect)[action]


@pytest.mark.parametrize("name", PERSONAS)
def test_appeal_decision_sweep(api_client, personas, name):
    rating = RatingFactory(bad=True, unit=personas.unit_a)
    appeal = services.appeal_submit(
        actor=personas.head_a, rating=rating, kind="mistaken", reason="误评"
    )
    user = personas.by_role(name)
    expected = _expected(user, Appeal, appeal, "decide")
    response = _post(
        api_client(user),
        f"/api/v1/ratings/appeals/{appeal.pk}/decision",
        {"upheld": True, "reason": "属实"},
    )
    assert response.status_code == expected, response.content
    appeal.refresh_from_db()
    rating.refresh_from_db()
    assert (appeal.status == "upheld") == (expected == 200) == rating.excluded


def test_a_refused_button_says_why(personas):
    rect = _rect_ready_for("close", personas)
    can = scope.abilities(personas.handler_a, rect)
    assert not can["close"] and workflow.reason(can, "close") == "只有督查人员可以复核办结"
    anonymous = RatingFactory(bad=True, unit=personas.unit_a).rectification
    can = scope.abilities(personas.supervisor, anonymous)
    assert workflow.reason(can, "verify") == "只有责任单位可以核实差评"
    assert workflow.reason(scope.abilities(personas.supervisor, anonymous), "callback") == (
        "匿名差评无法回访"
    )


def test_the_rated_unit_cannot_record_its_own_callback(personas, api_client):
    """Separation of duty: the satisfaction callback checks the unit's own work."""
    rect = _rect_ready_for("callback", personas)
    for who in ("handler_a", "head_a"):
        can = scope.abilities(personas.by_role(who), rect)
        assert not can["callback"]
        assert can["callback"].code == "RECTIFICATION_SELF_CALLBACK_FORBIDDEN"
        assert "被评价单位不能自行记录满意度回访" in workflow.reason(can, "callback")
    r = _post(
        api_client(personas.handler_a),
        f"/api/v1/ratings/rectifications/{rect.pk}/callback",
        BODIES["callback"],
    )
    assert r.status_code == 403 and r.json()["code"] == "RECTIFICATION_SELF_CALLBACK_FORBIDDEN"
    rect.refresh_from_db()
    assert rect.callback_at is None
    assert scope.abilities(personas.supervisor, rect)["callback"]


def test_the_rectification_page_runs_the_registry(login, personas):
    rect = _rect_ready_for("verify", personas)
    client = login(personas.handler_a)
    url = f"/staff/ratings/rectifications/{rect.pk}/"
    assert client.post(url, {"action": "verify", "note": "已核实"}).status_code == 302
    rect.refresh_from_db()
    assert rect.status == "rectifying" and rect.verify_note == "已核实"
    # a button the person does not have is refused, and nothing moves
    assert client.post(url, {"action": "close", "note": "x"}).status_code == 403
    assert client.post(url, {"action": "nonsense"}).status_code == 403


def test_an_action_by_the_system_needs_no_person(personas):
    rating = RatingFactory(bad=True, unit=personas.unit_a)
    event = AuditEvent.objects.get(
        object_type="ratings.rectification",
        object_id=str(rating.rectification.pk),
        action="rectification.open",
    )
    assert event.actor_id is None and event.unit_id == personas.unit_a.pk
