"""The REST API: plan → commit → draw → inspections, public commitment/reveal/export, results
with keyset pagination, objections, quiet-day rules, and the stable error codes."""

import datetime as dt
import json

import pytest
import time_machine

from yingshang.inspections import draw
from yingshang.inspections import transitions as t
from yingshang.inspections.actions import INSPECTION_ACTIONS, PLAN_ACTIONS
from yingshang.inspections.models import Inspection, PublishedResult
from yingshang.inspections.tests.setup import make_world
from yingshang.workcal import calendar

pytestmark = pytest.mark.django_db
API = "/api/v1/inspections"


def test_the_action_registries_cover_the_state_tables():
    assert PLAN_ACTIONS.moves() == set(t.PLAN.moves)
    assert INSPECTION_ACTIONS.moves() == set(t.INSPECTION.moves)


def _plan_body(w, **over):
    body = {
        "title": "联合抽查（接口）",
        "lead_unit_id": w.p.unit_a.pk,
        "unit_ids": [w.p.unit_b.pk],
        "matter_ids": [w.matter_a.pk, w.matter_b.pk],
        "ratio_bp": 1000,
        "window_start": "2025-09-01",
        "window_end": "2025-12-31",
    }
    body.update(over)
    return body


def test_full_journey_over_the_api(personas, api_client, client):
    w = make_world(personas)
    head = api_client(personas.head_a)
    bad = head.post(f"{API}/plans", _plan_body(w, ratio_bp=200), content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "INSPECTIONS_RATIO_TOO_LOW"
    r = head.post(f"{API}/plans", _plan_body(w), content_type="application/json")
    assert r.status_code == 201, r.content
    plan = r.json()
    assert plan["joint"] is True and plan["status"] == "draft"
    r = head.post(f"{API}/plans/{plan['id']}/commit", content_type="application/json")
    assert r.status_code == 200, r.content
    d = r.json()["draws"][0]
    assert d["seed"] == "" and len(d["seed_hash"]) == 64
    # the public sees the commitment, not the seed, and cannot export yet
    assert client.get(f"{API}/draws/{d['id']}").json()["seed"] == ""
    assert client.get(f"{API}/draws/{d['id']}/export").status_code == 409
    # handler_b is in a participating unit but not the lead: the draw is refused with the reason
    r = api_client(personas.handler_b).post(
        f"{API}/plans/{plan['id']}/draw", content_type="application/json"
    )
    assert r.status_code == 403 and r.json()["code"] == "INSPECTIONS_NOT_LEAD_UNIT"
    r = head.post(f"{API}/plans/{plan['id']}/draw", content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "drawn"
    revealed = client.get(f"{API}/draws/{d['id']}").json()
    assert draw.seed_hash(revealed["seed"]) == d["seed_hash"]
    exported = client.get(f"{API}/draws/{d['id']}/export")
    assert exported.status_code == 200 and draw.verify(json.loads(exported.content)) == []
    r = head.post(
        f"{API}/plans/{plan['id']}/redraw", {"reason": ""}, content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["code"] == "INSPECTIONS_REDRAW_REASON_REQUIRED"

    items = head.get(f"{API}/inspections?plan_id={plan['id']}").json()
    assert items and all(len(i["inspectors"]) == 2 for i in items)
    pk = items[0]["id"]
    with time_machine.travel(dt.datetime(2025, 9, 10, 10, tzinfo=calendar.TZ)):
        r = head.post(
            f"{API}/inspections/{pk}/schedule",
            {"scheduled_on": "2025-09-15"},
            content_type="application/json",
        )
        assert r.status_code == 409 and r.json()["code"] == "INSPECTIONS_QUIET_DAY"
        r = head.post(
            f"{API}/inspections/{pk}/file_exception",
            {"planned_on": "2025-09-15", "category": "complaint", "reason": "核查群众投诉举报"},
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
        r = head.post(
            f"{API}/inspections/{pk}/schedule",
            {"scheduled_on": "2025-09-15"},
            content_type="application/json",
        )
        assert r.status_code == 200 and r.json()["scheduled_on"] == "2025-09-15"
    with time_machine.travel(dt.datetime(2025, 9, 15, 17, tzinfo=calendar.TZ)):
        r = head.post(
            f"{API}/inspections/{pk}/record",
            {"result": "no_problem", "signature": "refused"},
            content_type="application/json",
        )
        assert r.status_code == 200 and r.json()["status"] == "recorded", r.content
        # 20 working days after Mon 9-15: 16–19, 22–26, Sun 28 (调休), 29, 30, [National Day], 10-9,
        # 10-10, Sat 10-11 (调休), 13–17 → end of Fri 2025-10-17 (Asia/Shanghai) = 15:59:59 UTC
        assert r.json()["due_at"].startswith("2025-10-17T15:59:59")
        assert (
            head.post(
                f"{API}/inspections/{pk}/publish",
                {"summary": "未发现问题"},
                content_type="application/json",
            ).status_code
            == 200
        )
        r = head.post(
            f"{API}/inspections/{pk}/record",
            {"result": "rectify", "signature": "refused", "findings": "x"},
            content_type="application/json",
        )
    assert r.status_code == 409 and r.json()["code"] == "INSPECTIONS_RESULT_PUBLISHED"
    page = client.get(f"{API}/results").json()
    assert [i["inspection_id"] for i in page["items"]] == [pk] and page["next"] is None


def test_results_are_keyset_paginated_and_searchable(personas, client):
    w = make_world(personas, firms=5)
    from django.utils import timezone

    from yingshang.inspections.tests.test_api_helpers import published_results

    published_results(w, 45)
    first = client.get(f"{API}/results?limit=20").json()
    second = client.get(f"{API}/results?limit=20&after={first['next']}").json()
    third = client.get(f"{API}/results?limit=20&after={second['next']}").json()
    ids = [i["id"] for p in (first, second, third) for i in p["items"]]
    assert len(ids) == 45 == len(set(ids)) and third["next"] is None
    assert ids == sorted(ids, reverse=True)
    name = w.firms[0].name
    found = client.get(f"{API}/results", {"q": name[:8]}).json()["items"]
    assert found and all(i["firm_name"].startswith(name[:8]) for i in found)
    by_code = client.get(f"{API}/results", {"q": w.firms[1].uscc.lower()}).json()["items"]
    assert by_code and {i["uscc"] for i in by_code} == {w.firms[1].uscc}
    assert client.get(f"{API}/results?after=garbage").json()["code"] == "INSPECTIONS_CURSOR_INVALID"
    del timezone


def test_firm_objects_over_the_api_only_to_its_own_result(personas, api_client):
    w = make_world(personas, firms=3)
    from yingshang.inspections.tests.test_api_helpers import published_results

    published_results(w, 2, firm=personas.firm)
    result = PublishedResult.objects.filter(firm=personas.firm).first()
    other = published_results(w, 1)[0]
    firm = api_client(personas.firm_user)
    r = firm.post(
        f"{API}/results/{other.pk}/objections",
        {"text": "结果与事实不符"},
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json()["code"] == "INSPECTIONS_NOT_YOUR_RESULT"
    r = firm.post(
        f"{API}/results/{result.pk}/objections",
        {"text": "结果与事实不符"},
        content_type="application/json",
    )
    assert r.status_code == 201
    mine = firm.get(f"{API}/results/mine").json()
    assert {m["id"] for m in mine} == set(
        PublishedResult.objects.filter(firm=personas.firm).values_list("pk", flat=True)
    )


def test_a_quiet_complaint_becomes_a_work_order(personas, api_client):
    r = api_client(personas.firm_user).post(
        f"{API}/quiet-complaints",
        {"inspected_on": "2025-09-10", "unit_name": "某局", "text": "宁静日未报备入企检查"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["work_order"].startswith("GD")


def test_other_units_do_not_see_a_plan(personas, api_client):
    w = make_world(personas)
    from yingshang.inspections.tests.setup import joint_plan

    plan = joint_plan(w, units=[], matters=[w.matter_a])
    assert api_client(personas.handler_b).get(f"{API}/plans/{plan.pk}").status_code == 404
    assert api_client(personas.head_a).get(f"{API}/plans/{plan.pk}").status_code == 200
    assert Inspection.objects.count() == 0
