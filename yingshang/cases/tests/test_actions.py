"""The action registry (cases/actions.py): it offers every move of the case table a person makes,
each action's input is in the API document, and every persona either does the action or is
refused exactly as the abilities say (403 in scope, 404 out of it)."""

import json

import pytest
from django.http import Http404
from django.utils.datastructures import MultiValueDict

from yingshang.audit.models import AuditEvent
from yingshang.cases import services
from yingshang.cases.actions import API_ACTIONS, CASE_ACTIONS, NOT_ACTIONS
from yingshang.cases.models import ApprovalTask, Case
from yingshang.cases.tests.conftest import all_files, pdf
from yingshang.cases.tests.factories import CaseFactory
from yingshang.cases.transitions import CASE
from yingshang.errors import PermissionDeniedError
from yingshang.org import scope

pytestmark = pytest.mark.django_db


def test_the_registry_offers_every_move_a_person_makes():
    assert CASE_ACTIONS.moves() == set(CASE.moves) - NOT_ACTIONS
    assert set(CASE.moves) >= NOT_ACTIONS


def test_every_api_action_has_its_endpoint_and_input_in_openapi(client):
    doc = client.get("/api/v1/openapi.json").json()
    schemas = doc["components"]["schemas"]
    for name in API_ACTIONS:
        action = CASE_ACTIONS.get(name)
        path = f"/api/v1/cases/{{number}}/transitions/{name}"
        assert "post" in doc["paths"][path], name
        if action.schema.model_fields:
            assert action.schema.__name__ in schemas, name


def test_an_api_action_takes_the_body_it_always_took(personas, cat, api_client):
    case = CaseFactory(personas=personas, matter=cat.matter)
    response = api_client(personas.clerk).post(
        f"/api/v1/cases/{case.number}/transitions/request_correction",
        json.dumps({"items": ["申请书缺少签名", "身份证明不清晰"], "reason": "请一次补齐"}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "awaiting_correction"
    correction = case.corrections.get()
    assert correction.items == ["申请书缺少签名", "身份证明不清晰"]
    assert correction.note == "请一次补齐"


def test_an_unknown_task_is_a_404_not_a_500(personas, cat, api_client):
    case = CaseFactory(personas=personas, matter=cat.matter, state="in_review")
    response = api_client(personas.handler_a).post(
        f"/api/v1/cases/{case.number}/transitions/task_decide",
        json.dumps({"task_id": 999999, "decision": "approved"}),
        content_type="application/json",
    )
    assert response.status_code == 404 and response.json()["code"] == "TASK_NOT_FOUND"


def test_an_unknown_api_action_is_refused_by_name(personas, cat, api_client):
    case = CaseFactory(personas=personas, matter=cat.matter)
    response = api_client(personas.clerk).post(
        f"/api/v1/cases/{case.number}/transitions/approve_everything",
        "{}",
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "CASE_ACTION_UNKNOWN"


# (action, state the move is allowed in, case options, input)
SWEEP = [
    ("accept", "submitted", {}, {}),
    ("accept_with_deficit", "submitted", {"skip": ("floor_plan",), "deficit_sign": True}, {}),
    ("request_correction", "submitted", {}, {"items": ["申请书缺少签名"]}),
    ("reject_intake", "submitted", {}, {"reason": "不属于本事项"}),
    ("resubmit", "awaiting_correction", {}, {}),
    ("supply", "accepted", {}, {}),
    ("start_review", "accepted", {}, {}),
    ("add_opinion_task", "in_review", {}, "opinion"),
    ("special_procedure_start", "in_review", {}, {"name": "现场踏勘"}),
    ("decide", "in_review", {}, {"decision": "approved"}),
    ("deliver", "decided", {}, {"method": "window_pickup"}),
    ("close", "delivered", {}, {}),
    ("withdraw", "in_review", {}, {"reason": "不再需要"}),
    ("terminate", "in_review", {}, {"reason": "申请人失联"}),
    ("assign_assistant", "in_review", {}, "assistant"),
]


def _paused(personas, case):
    services.case_special_procedure(
        actor=personas.handler_a, case=case, start=True, name="专家评审"
    )
    return {}


def _second_correction(personas, case):
    services.case_request_correction(actor=personas.clerk, case=case, items=["申请书缺少签名"])
    services.case_resubmit(actor=personas.applicant, case=case)
    second = services.case_request_correction(
        actor=personas.clerk, case=case, items=["身份证明不清晰"]
    )
    return {"correction_id": second.pk, "approve": True}


def _supplied(personas, case):
    services.case_accept_with_deficit(actor=personas.clerk, case=case)
    services.case_supply_documents(
        actor=personas.applicant, case=case, files={"floor_plan": [pdf("plan.pdf")]}
    )
    return {"material_key": "floor_plan", "accept": True}


def _verification(personas, case):
    return {"verification_id": case.verifications.get().pk, "truthful": True}


SWEEP += [
    ("special_procedure_end", "in_review", {}, _paused),
    ("approve_correction", "submitted", {}, _second_correction),
    (
        "review_supplement",
        "submitted",  # _supplied accepts it with 容缺 and supplies the file
        {"skip": ("floor_plan",), "deficit_sign": True},
        _supplied,
    ),
    (
        "verify",
        "accepted",
        {"certificate_keys": ("health_cert",), "skip": ("health_cert",)},
        _verification,
    ),
]
PERSONAS = ["applicant", "clerk", "handler_a", "head_a", "handler_b", "supervisor", "outsider"]


def _input(personas, case, data):
    if callable(data):
        return data(personas, case)
    if data == "opinion":
        return {"unit_id": personas.unit_b.pk, "days": 3}
    if data == "assistant":
        return {"assistant": personas.clerk.username}
    return data


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize(("action", "state", "options", "data"), SWEEP)
def test_each_persona_does_or_is_refused_as_the_abilities_say(
    personas, cat, action, state, options, data, who
):
    case = CaseFactory(personas=personas, matter=cat.matter, state=state, **options)
    data = _input(personas, case, data)
    case.refresh_from_db()
    actor = personas.by_role(who)
    files = MultiValueDict({"material_id_card": [pdf("id_card.pdf")]})
    events = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).count
    before = events()
    visible = scope.visible_to(actor, Case).filter(pk=case.pk).exists()

    def run():
        CASE_ACTIONS.execute(action, actor=actor, obj=case, data=data, files=files)

    if not visible:
        with pytest.raises(Http404):
            run()
        assert events() == before
        return
    allowed = scope.abilities(actor, case)[CASE_ACTIONS.get(action).ability_key]
    if allowed:
        run()
        assert events() > before
    else:
        with pytest.raises(PermissionDeniedError) as exc:
            run()
        assert exc.value.status == 403 and exc.value.code == allowed.code
        assert events() == before


@pytest.mark.parametrize("who", [*PERSONAS, "handler_c"])
def test_a_parallel_task_is_decided_by_its_own_unit_as_the_task_abilities_say(personas, cat, who):
    case = services.case_submit(
        actor=personas.applicant,
        package=cat.package,
        form_data={
            "applicant.name": "张三",
            "applicant.mobile": "13800138000",
            "shop.name": "老街小馆",
            "shop.area": "50",
        },
        files=all_files(),
        channel="online",
    )
    case = services.case_accept(actor=personas.clerk, case=case)
    task = case.tasks.get(unit=cat.unit_c)
    actor = cat.handler_c if who == "handler_c" else personas.by_role(who)

    def run():
        CASE_ACTIONS.execute(
            "task_decide",
            actor=actor,
            obj=case,
            data={"task_id": task.pk, "decision": "approved"},
        )

    if not scope.visible_to(actor, ApprovalTask).filter(pk=task.pk).exists():
        with pytest.raises(Http404):
            run()
        return
    allowed = scope.abilities(actor, task)["decide"]
    if allowed:
        run()
        assert ApprovalTask.objects.get(pk=task.pk).status == "done"
    else:
        with pytest.raises(PermissionDeniedError) as exc:
            run()
        assert exc.value.code == allowed.code == "TASK_FORBIDDEN"
        assert ApprovalTask.objects.get(pk=task.pk).status == "pending"
