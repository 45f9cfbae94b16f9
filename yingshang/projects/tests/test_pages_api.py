"""The owner's portal pages, the staff pages, statistics and the API: bad input answered with
the field named, never a 500; the same rules as the services."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from yingshang.audit.models import ReturnRecord
from yingshang.cases.models import ApprovalTask
from yingshang.projects import services, stats
from yingshang.projects.models import Project
from yingshang.projects.tests.conftest import CODE, accept, finish_stage, make_project, submit

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(month, day):
    return dt.datetime(2026, month, day, 10, tzinfo=TZ)


def test_portal_registration_with_an_unknown_uscc_says_so_and_keeps_the_input(
    personas, world, login
):
    client = login(personas.firm_user)
    resp = client.post(
        reverse("projects:portal_new"),
        {
            "code": CODE,
            "name": "城东厂房",
            "uscc": "91110000600037341L",
            "project_type": world.ptype.pk,
            "location": "城东",
            "investment": "100",
            "area": "10",
        },
    )
    assert resp.status_code == 400
    body = resp.content.decode()
    assert "未在企业档案中登记" in body and 'value="城东厂房"' in body
    assert Project.objects.count() == 0


def test_portal_registration_and_the_project_page_show_the_clock(personas, world, login):
    client = login(personas.firm_user)
    resp = client.post(
        reverse("projects:portal_new"),
        {
            "code": CODE,
            "name": "城东厂房",
            "uscc": personas.firm.uscc,
            "project_type": world.ptype.pk,
            "location": "城东",
            "investment": "100",
            "area": "10",
        },
    )
    project = Project.objects.get()
    assert resp.status_code == 302 and project.stages.count() == 4
    page = client.get(reverse("projects:portal_project", args=[project.pk])).content.decode()
    assert (
        "<strong>0</strong> / 120" in page
        and "提交本阶段申请" in page
        and "立项用地规划许可" in page
    )


def test_other_firms_and_outsiders_do_not_see_a_project(personas, world, login):
    project = make_project(personas, world)
    client = login(personas.applicant)
    assert client.get(reverse("projects:portal_project", args=[project.pk])).status_code == 404


def test_staff_page_return_and_statistics_count_it(personas, world, login):
    p = personas
    project = make_project(p, world)
    finish_stage(p, world, project, 1, at=at(9, 14), done=at(9, 16))
    s2 = submit(p, project, 2, at=at(9, 21))
    accept(p, s2, at=at(9, 21))
    task = ApprovalTask.objects.get(case=s2.case, unit=p.unit_a)
    client = login(p.handler_a)
    resp = client.post(
        reverse("projects:staff_stage_action", args=[project.pk, 2, "task_return"]),
        {"task": task.pk, "items": "噪声专章\n总平面图"},
    )
    assert resp.status_code == 302
    s2.refresh_from_db()
    assert s2.status == "correcting" and s2.returns == 1
    data = stats.project_statistics(p.supervisor)
    stage_rows = {r["order"]: r for r in data["per_stage"]}
    assert (
        stage_rows[1]["approved"] == 1
        and stage_rows[1]["avg_days"] == 2
        and stage_rows[1]["limit"] == 10
    )
    assert {r["order"]: r["returns"] for r in data["returns_per_stage"]}[2] == 1
    by_unit = {r["name"]: r for r in data["overdue_by_unit"]}
    assert by_unit[p.unit_a.name]["returns"] == 1
    assert ReturnRecord.objects.filter(unit=p.unit_a).count() == 1
    page = login(p.supervisor).get(reverse("projects:statistics")).content.decode()
    assert "各阶段退回补正" in page
    # the project page names what was reused, never by its key
    page = (
        login(p.handler_a)
        .get(reverse("projects:staff_project", args=[project.pk]))
        .content.decode()
    )
    assert (
        "复用前序阶段证照（无需再次提交）：建设用地规划许可证" in page
        and "land_use_permit" not in page
    )


def test_api_create_refuses_bad_code_and_unknown_uscc_with_codes(personas, world, api_client):
    client = api_client(personas.firm_user)
    base = {
        "name": "城东厂房",
        "project_type": world.ptype.code,
        "location": "城东",
        "investment": "100",
    }
    resp = client.post(
        "/api/v1/projects/",
        {**base, "code": "2026-1", "uscc": personas.firm.uscc},
        content_type="application/json",
    )
    assert resp.status_code == 400 and resp.json()["code"] == "PROJECT_CODE_INVALID"
    resp = client.post(
        "/api/v1/projects/",
        {**base, "code": CODE, "uscc": "91110000600037341L"},
        content_type="application/json",
    )
    assert resp.status_code == 400 and resp.json()["code"] == "PROJECT_FIRM_UNKNOWN"
    assert resp.json()["details"]["field"] == "uscc"
    resp = client.post(
        "/api/v1/projects/",
        {**base, "code": CODE, "uscc": personas.firm.uscc},
        content_type="application/json",
    )
    assert resp.status_code == 201
    body = resp.json()
    assert [s["order"] for s in body["stages"]] == [1, 2, 3, 4] and body["clock"]["limit"] == 120
    # stage ③ before ①: refused with the stable code
    resp = client.post(f"/api/v1/projects/{body['id']}/stages/3/submit", {"form_data": "{}"})
    assert resp.status_code == 409 and resp.json()["code"] == "PROJECT_STAGE_OUT_OF_ORDER"


def test_api_parallel_approval_and_approval_with_licence(personas, world, api_client):
    p = personas
    project = make_project(p, world)
    s1 = submit(p, project, 1, at=at(9, 14))
    accept(p, s1)
    detail = api_client(world.handler_c).get(f"/api/v1/projects/{project.pk}").json()
    tasks = {t["unit"]: t["id"] for t in detail["stages"][0]["tasks"]}
    resp = api_client(world.handler_c).post(
        f"/api/v1/projects/{project.pk}/stages/1/tasks/{tasks[world.unit_c.name]}/approve",
        {},
        content_type="application/json",
    )
    assert resp.status_code == 200
    resp = api_client(p.handler_a).post(
        f"/api/v1/projects/{project.pk}/stages/1/tasks/{tasks[p.unit_a.name]}/approve",
        {},
        content_type="application/json",
    )
    assert resp.status_code == 200
    url = f"/api/v1/projects/stages/{detail['stages'][0]['id']}/approve"
    resp = api_client(world.handler_c).post(url, {}, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["code"] == "STAGE_LICENCE_REQUIRED"
    resp = api_client(p.handler_a).post(
        url, {"licences": {"land_use_permit": "地字1号"}}, content_type="application/json"
    )
    assert resp.status_code == 403  # not the lead unit
    resp = api_client(world.handler_c).post(
        url, {"licences": {"land_use_permit": "地字1号"}}, content_type="application/json"
    )
    assert resp.status_code == 200
    stage = resp.json()["stages"][0]
    assert stage["status"] == "approved" and stage["licences"] == {"land_use_permit": "地字1号"}
    stats_resp = api_client(p.supervisor).get("/api/v1/projects/statistics")
    assert stats_resp.status_code == 200 and stats_resp.json()["per_stage"][0]["approved"] == 1


def test_api_key_project_problem(personas, api_client):
    p = personas
    kp = services.keyproject_create(
        actor=p.supervisor,
        year=2026,
        name="县医院迁建",
        investment="50000",
        year_plan="8000",
        leader=p.leader,
        lead_unit=p.unit_b,
    )
    resp = api_client(p.handler_b).post(
        f"/api/v1/projects/key/{kp.pk}/problems",
        {"description": "施工图审查排队", "unit": p.unit_b.pk},
        content_type="application/json",
    )
    assert resp.status_code == 201 and resp.json()["number"]
    resp = api_client(p.handler_b).post(
        f"/api/v1/projects/key/{kp.pk}/progress",
        {"month": "2026-05-01", "amount": "-3"},
        content_type="application/json",
    )
    assert resp.status_code in (400, 422)


def test_the_action_registry_offers_every_move_of_the_table():
    from yingshang.projects.actions import STAGE_ACTIONS
    from yingshang.projects.transitions import STAGE

    assert STAGE_ACTIONS.moves() == set(STAGE.moves)


def test_api_return_through_the_registry_pauses_the_stage(personas, world, api_client):
    p = personas
    project = make_project(p, world)
    s1 = submit(p, project, 1, at=at(9, 14))
    accept(p, s1)
    task = ApprovalTask.objects.get(case=s1.case, unit=p.unit_a)
    url = f"/api/v1/projects/stages/{s1.pk}/return"
    resp = api_client(p.handler_a).post(
        url, {"task": task.pk, "items": []}, content_type="application/json"
    )
    assert resp.status_code == 400 and resp.json()["code"] == "CORRECTION_ITEMS_REQUIRED"
    resp = api_client(p.handler_a).post(
        url, {"task": task.pk, "items": ["备案证明过期"]}, content_type="application/json"
    )
    assert resp.status_code == 200 and resp.json()["stages"][0]["status"] == "correcting"
    assert resp.json()["clock"]["state"] == "paused"


def test_api_lists_a_key_project_with_its_helpers(personas, api_client):
    p = personas
    body = {
        "year": 2026,
        "name": "县人民医院迁建",
        "investment": "68000",
        "year_plan": "15000",
        "leader": p.leader.pk,
        "lead_unit": p.unit_b.pk,
        "helpers": [[p.unit_a.pk, "食品经营许可帮办"]],
    }
    resp = api_client(p.handler_a).post(
        "/api/v1/projects/key/", body, content_type="application/json"
    )
    assert resp.status_code == 403 and resp.json()["code"] == "KEYPROJECT_NOT_MANAGER"
    resp = api_client(p.supervisor).post(
        "/api/v1/projects/key/", body, content_type="application/json"
    )
    assert resp.status_code == 201 and "食品经营许可帮办" in resp.json()["helpers"]
    listed = api_client(p.handler_a).get("/api/v1/projects/key/list?year=2026").json()
    assert [k["name"] for k in listed] == ["县人民医院迁建"]  # unit a sees it as a helper
