"""The action registry drives the detail page and the API: it offers exactly the table's moves,
every action's input is in the OpenAPI document, and who may do what is what the abilities say
(403 for a person who sees the problem but may not, 404 for one who does not see it)."""

import datetime as dt

import pytest
from django.utils import timezone

from yingshang.audit.models import AuditEvent
from yingshang.org import scope
from yingshang.supervision import transitions as t
from yingshang.supervision.actions import PROBLEM_ACTIONS
from yingshang.supervision.models import Problem
from yingshang.supervision.tests.factories import ProblemFactory
from yingshang.testing.personas import PEOPLE

pytestmark = pytest.mark.django_db

PERSONAS = list(PEOPLE)


def test_the_registry_offers_exactly_the_moves_of_the_table():
    assert PROBLEM_ACTIONS.moves() == set(t.problem_table.moves)


def test_every_action_has_its_endpoint_and_input_in_openapi(client):
    doc = client.get("/api/v1/openapi.json").json()
    schemas = doc["components"]["schemas"]
    for action in PROBLEM_ACTIONS.actions:
        assert f"/api/v1/supervision/problems/{{pk}}/{action.name}" in doc["paths"], action.name
        assert action.schema.__name__ in schemas, action.name


def _later(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


# action → (state of the problem, body of the request)
CASES = {
    "claim": ("assigned", {"leader_name": "李局"}),
    "report": ("claimed", {"text": "已召开专题会", "percent": 40}),
    "request_closure": ("claimed", {"text": "整改完成"}),
    "close": ("closure_requested", {"reason": "核验属实"}),
    "reopen": ("closure_requested", {"reason": "佐证材料不足"}),
    "void": ("assigned", {"reason": "重复登记"}),
    "extend": ("assigned", {"deadline": _later(120), "reason": "跨部门协调"}),
    "flag": ("claimed", {"flag": "exposure", "on": True, "reason": "典型问题"}),
    "milestone_add": ("claimed", {"title": "窗口公示", "due_date": _later(30)}),
    "milestone_done": ("claimed", {"note": "按时完成"}),
}


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_role_may_do_what_the_abilities_say(name, who, personas, api_client):
    state, body = CASES[name]
    p = ProblemFactory(unit=personas.unit_a, state=state)
    if name == "milestone_done":
        body = {**body, "milestone": p.milestones.get().pk}
    user = personas.by_role(who)
    action = PROBLEM_ACTIONS.get(name)
    sees = scope.visible_to(user, Problem).filter(pk=p.pk).exists()
    may = bool(scope.abilities(user, p).get(action.ability_key)) if sees else False
    events = AuditEvent.objects.filter(object_type="supervision.problem", object_id=str(p.pk))
    before = events.count()

    r = api_client(user).post(
        f"/api/v1/supervision/problems/{p.pk}/{name}", body, content_type="application/json"
    )

    if not sees:
        assert r.status_code == 404, r.content
    elif may:
        assert r.status_code == 200, r.content
        assert events.count() == before + 1
    else:
        assert r.status_code == 403, r.content
        assert events.count() == before


def test_the_sweep_agrees_with_the_ledger_rules(personas):
    """The abilities the sweep relies on: the owner unit works, the supervisor verifies."""
    p = ProblemFactory(unit=personas.unit_a, state="closure_requested")
    assert scope.abilities(personas.supervisor, p)["close"]
    refused = scope.abilities(personas.handler_a, p)["close"]
    assert not refused and "督查人员" in str(refused)
    assert not scope.abilities(personas.handler_b, p)["claim"]


def test_a_refused_action_says_why(personas, api_client):
    p = ProblemFactory(unit=personas.unit_a, state="closure_requested")
    r = api_client(personas.handler_a).post(
        f"/api/v1/supervision/problems/{p.pk}/close", {}, content_type="application/json"
    )
    assert r.status_code == 403 and r.json()["code"] == "PROBLEM_SUPERVISOR_ONLY"
    assert "督查人员" in r.json()["message"]


def test_an_unknown_action_is_404_naming_the_actions(personas, api_client):
    p = ProblemFactory(unit=personas.unit_a)
    r = api_client(personas.supervisor).post(
        f"/api/v1/supervision/problems/{p.pk}/approve", {}, content_type="application/json"
    )
    assert r.status_code == 404 and "claim" in r.json()["details"]["allowed"]


def test_completing_a_milestone_of_another_problem_is_404_not_a_crash(personas, login):
    p = ProblemFactory(unit=personas.unit_a, state="claimed")
    other = ProblemFactory(unit=personas.unit_a, state="claimed")
    resp = login(personas.handler_a).post(
        f"/staff/supervision/p/{p.pk}/milestone_done/",
        {"milestone": other.milestones.get().pk, "note": "x"},
    )
    assert resp.status_code == 404
    assert other.milestones.get().done_at is None
