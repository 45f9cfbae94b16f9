"""The action registry: one definition gives a page's form handling and an API endpoint with
its own input schema in OpenAPI."""

import pytest
from django.http import QueryDict
from ninja import NinjaAPI, Router, Schema
from ninja.testing import TestClient

from yingshang.errors import DomainError, InvalidInput
from yingshang.org.models import Unit
from yingshang.workflow.actions import Action, ActionSet


class ReturnIn(Schema):
    reason: str
    days: int | None = None
    co_unit_ids: list[int] = []
    approve: bool | None = None


def _set(calls):
    return ActionSet(
        Unit,
        prefix="THING",
        actions=[
            Action("sign", "签收", run=lambda **kw: calls.append(kw) or "signed"),
            Action("return", "退回", ReturnIn, run=lambda **kw: calls.append(kw) or kw["data"]),
        ],
    )


def test_unknown_action_is_404_with_the_allowed_names():
    with pytest.raises(DomainError) as unknown:
        _set([]).execute("teleport", actor=None, obj=None)
    assert unknown.value.status == 404 and unknown.value.code == "THING_UNKNOWN_ACTION"
    assert unknown.value.details["allowed"] == ["sign", "return"]


def test_bad_input_is_400_naming_the_field():
    with pytest.raises(InvalidInput) as bad:
        _set([]).execute("return", actor=None, obj=None, data={"reason": "x", "days": "三"})
    assert bad.value.status == 400 and bad.value.code == "THING_INVALID_INPUT"
    assert bad.value.details["errors"] == [{"field": "days", "type": "int_parsing"}]


def test_a_posted_form_becomes_the_actions_input():
    calls = []
    actions = _set(calls)
    post = QueryDict("reason=材料不全&days=&co_unit_ids=3&co_unit_ids=4&approve=1&extra=x")
    data = actions.form_data("return", post)
    assert data == {"reason": "材料不全", "co_unit_ids": ["3", "4"], "approve": True}
    result = actions.execute("return", actor="u", obj="o", data=data)
    assert result.co_unit_ids == [3, 4] and result.days is None
    assert calls[0]["actor"] == "u" and calls[0]["obj"] == "o"


def test_each_action_is_an_endpoint_with_its_own_schema():
    calls = []
    router = Router()
    _set(calls).add_routes(
        router,
        "/things/{thing_id}",
        fetch=lambda request, pk: f"thing {pk}",
        respond=lambda request, obj, result: {"obj": obj, "result": str(result)},
        response=dict,
        key=("thing_id", int),
    )
    client = TestClient(router)
    assert client.post("/things/5/sign").json() == {"obj": "thing 5", "result": "signed"}
    assert client.post("/things/5/return", json={"reason": "重复"}).status_code == 200
    assert client.post("/things/5/return", json={}).status_code == 422  # reason is required

    api = NinjaAPI(urls_namespace="actions-test")
    api.add_router("/", router)
    paths = api.get_openapi_schema(path_prefix="")["paths"]
    body = paths["/things/{thing_id}/return"]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"]["$ref"].endswith("/ReturnIn")
    assert "/things/{thing_id}/sign" in paths


def test_two_actions_may_not_share_a_name():
    sign = Action("sign", "签收", run=print)
    with pytest.raises(ValueError):
        ActionSet(Unit, actions=[sign, Action("sign", "再签收", run=print)])
    with pytest.raises(ValueError):  # an action must say what it runs
        ActionSet(Unit, actions=[Action("sign", "签收")])


def test_a_service_is_called_with_the_schema_fields_as_its_keywords():
    calls = []

    def unit_return(*, actor, unit, reason, days=None, co_unit_ids=(), approve=None):
        calls.append((actor, unit, reason, days, list(co_unit_ids), approve))
        return "returned"

    actions = ActionSet(Unit, actions=[Action("return", "退回", ReturnIn, service=unit_return)])
    assert actions.execute("return", actor="u", obj="o", data={"reason": "重复"}) == "returned"
    assert calls == [("u", "o", "重复", None, [], None)]
