"""The REST API: schemes, items, snapshots (request, read, publish, documents), lists; the
role sweep driven by the abilities; stable error codes, never a 500."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from yingshang.assessment.actions import (
    ADJUSTMENT_ACTIONS,
    LISTING_ACTIONS,
    SCHEME_ACTIONS,
    SNAPSHOT_ACTIONS,
)
from yingshang.assessment.models import Snapshot
from yingshang.assessment.transitions import ADJUSTMENT, LISTING, SCHEME, SNAPSHOT

pytestmark = pytest.mark.django_db
API = "/api/v1/assessment"


def test_action_registries_cover_the_tables():
    assert SNAPSHOT_ACTIONS.moves() == set(SNAPSHOT.moves)
    assert LISTING_ACTIONS.moves() == set(LISTING.moves)
    assert SCHEME_ACTIONS.moves() == set(SCHEME.moves)
    assert ADJUSTMENT_ACTIONS.moves() == set(ADJUSTMENT.moves)


SCHEME_BODY = {
    "code": "api-monthly",
    "name": "月度考核",
    "period_kind": "month",
    "effective_from": "2026-01-01",
    "metrics": [
        {"code": "hotline_response", "weight": 60, "min_sample": 5},
        {"code": "hotline_satisfaction", "weight": 30, "min_sample": 5},
    ],
    "groups": [{"unit_kind": "department", "name": "县直部门"}],
}


def test_scheme_weights_refused_then_created_and_activated(personas, api_client):
    c = api_client(personas.supervisor)
    r = c.post(f"{API}/schemes", SCHEME_BODY, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["code"] == "ASSESSMENT_WEIGHTS_NOT_100" and "当前为90" in r.json()["message"]
    body = {
        **SCHEME_BODY,
        "metrics": [*SCHEME_BODY["metrics"][:1], {**SCHEME_BODY["metrics"][1], "weight": 40}],
    }
    r = c.post(f"{API}/schemes", body, content_type="application/json")
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    assert r.json()["allowed_actions"] == ["activate"]
    r = c.post(f"{API}/schemes/{sid}/activate", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "active"
    r = c.post(f"{API}/schemes/{sid}/activate", {}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "ASSESSMENT_SCHEME_ACTIVATE_NOT_ALLOWED"
    # a leader may read but not write
    leader = api_client(personas.leader)
    assert leader.get(f"{API}/schemes/{sid}").status_code == 200
    r = leader.post(f"{API}/schemes", {**body, "code": "x"}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "ASSESSMENT_NOT_SUPERVISOR"


def test_snapshot_round_trip(dataset, api_client, django_capture_on_commit_callbacks):
    x = dataset
    c = api_client(x.p.supervisor)
    r = c.post(f"{API}/snapshots", {"period": "2026/11"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "ASSESSMENT_BAD_PERIOD"
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"{API}/snapshots", {"period": "2026-11"}, content_type="application/json")
    assert r.status_code == 202
    sid = r.json()["id"]
    body = c.get(f"{API}/snapshots/{sid}").json()
    assert body["status"] == "draft" and body["allowed_actions"] == ["publish", "discard"]
    rows = {r["unit_name"]: r for r in body["results"]["groups"][0]["rows"]}
    assert rows[x.b.name]["rank"] == 1 and rows[x.b.name]["score"] == "88.00"
    assert rows[x.a.name]["metrics"]["hotline_response"] == {
        "value": "90.00",
        "sample": 10,
        "num": 9,
        "den": 10,
        "insufficient": False,
        "points": "90.00",
    }
    r = c.patch(
        f"{API}/snapshots/{sid}",
        {"document_number": "营商办〔2026〕12号"},
        content_type="application/json",
    )
    assert r.json()["document_number"] == "营商办〔2026〕12号"
    doc = Document(io.BytesIO(c.get(f"{API}/snapshots/{sid}/bulletin.docx").content))
    assert doc.paragraphs[1].text == "营商办〔2026〕12号"
    wb = load_workbook(io.BytesIO(c.get(f"{API}/snapshots/{sid}/workbook.xlsx").content))
    assert "名单" in wb.sheetnames
    r = c.post(f"{API}/snapshots/{sid}/publish", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert {(row["unit"], row["kind"]) for row in r.json()["listings"]} == {
        (x.b.name, "praise"),
        (x.e.name, "statement"),
    }
    r = c.post(f"{API}/snapshots/{sid}/publish", {}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "ASSESSMENT_SNAPSHOT_PUBLISH_NOT_ALLOWED"
    r = c.patch(f"{API}/snapshots/{sid}", {"document_number": "x"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "ASSESSMENT_SNAPSHOT_FROZEN"
    # lists and their follow-up
    listings = c.get(f"{API}/listings?kind=statement").json()
    (statement,) = listings
    r = c.post(
        f"{API}/listings/{statement['id']}/followup",
        {"note": "已在12月调度会上作表态发言"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "held"


def test_adjustments_api(personas, api_client):
    c = api_client(personas.supervisor)
    body = {
        "unit_id": personas.unit_a.pk,
        "kind": "secret_visit",
        "occurred_on": "2026-11-20",
        "points": -1.5,
        "reason": "暗访发现窗口人员脱岗",
    }
    r = c.post(f"{API}/adjustments", body, content_type="application/json")
    assert r.status_code == 201, r.content
    aid = r.json()["id"]
    r = c.post(f"{API}/adjustments", {**body, "points": 0}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "ASSESSMENT_BAD_POINTS"
    r = c.post(f"{API}/adjustments/{aid}/void", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "ASSESSMENT_REASON_REQUIRED"
    # the unit sees its own item, another unit does not
    assert len(api_client(personas.handler_a).get(f"{API}/adjustments").json()) == 1
    assert api_client(personas.handler_b).get(f"{API}/adjustments").json() == []


ROLES = ["supervisor", "leader", "admin", "head_a", "handler_a", "clerk", "operator", "applicant"]


@pytest.mark.parametrize("who", ROLES)
def test_role_sweep(dataset, api_client, compute, who):
    """Who may do what, from the abilities: supervisors and admins publish and discard; leaders
    and supervisors record follow-ups; units see only published rankings."""
    x = dataset
    user = x.p.by_role(who)
    draft = compute(x.p.supervisor)
    c = api_client(user)
    sees_all = who in ("supervisor", "leader", "admin")
    r = c.get(f"{API}/snapshots/{draft.pk}")
    assert r.status_code == (200 if sees_all else 404)
    r = c.post(f"{API}/snapshots/{draft.pk}/publish", {}, content_type="application/json")
    if who in ("supervisor", "admin"):
        assert r.status_code == 200
    else:
        assert r.status_code in (403, 404)
        assert Snapshot.objects.get(pk=draft.pk).status == "draft"
        from yingshang.assessment import services

        services.snapshot_publish(actor=x.p.supervisor, snapshot=draft)
    staff = who not in ("applicant",)
    r = c.get(f"{API}/snapshots/{draft.pk}")
    assert r.status_code == (200 if staff else 404)
    listings = c.get(f"{API}/listings").json()
    if sees_all:
        assert len(listings) == 2
        (statement,) = [row for row in listings if row["kind"] == "statement"]
        r = c.post(
            f"{API}/listings/{statement['id']}/followup",
            {"note": "已表态"},
            content_type="application/json",
        )
        assert r.status_code == 200
    else:
        assert listings == []  # unit A is on no list


def test_a_talk_is_followed_up_with_its_minutes(dataset, api_client, compute):
    from yingshang.assessment import services
    from yingshang.assessment.models import Listing
    from yingshang.assessment.tests import factories as f

    x = dataset
    for unit in (x.a, x.b, x.c):
        f.orders(unit, 5, on_time=5, satisfied=5, at=f.OCT_DAY)
    f.orders(x.e, 5, on_time=0, satisfied=0, at=f.OCT_DAY)
    services.snapshot_publish(actor=x.p.supervisor, snapshot=compute(x.p.supervisor, "2026-10"))
    services.snapshot_publish(actor=x.p.supervisor, snapshot=compute(x.p.supervisor))
    talk = Listing.objects.get(kind="talk")
    c = api_client(x.p.leader)
    r = c.post(
        f"{API}/listings/{talk.pk}/followup", {"note": "已约谈"}, content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["code"] == "ASSESSMENT_MINUTES_REQUIRED"
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("约谈纪要.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    r = c.post(
        f"{API}/listings/{talk.pk}/followup-with-minutes", {"note": "12月5日已约谈", "minutes": pdf}
    )
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["minutes_name"]) == ("held", "约谈纪要.pdf")
    # a unit head may not record it
    r = api_client(x.p.head_a).post(
        f"{API}/listings/{talk.pk}/followup", {"note": "x"}, content_type="application/json"
    )
    assert r.status_code == 404
