"""明查暗访: a visit is planned, conducted, its findings recorded with evidence; confirming a
finding adds the penalty item and opens the ledger problem in one step; confirmed findings
count in the ranking as the `visit_findings` metric (hand-computed below); every step audited;
a voided finding leaves the ranking and takes its penalty item with it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yingshang.assessment import services
from yingshang.assessment.models import Adjustment, Finding, Visit
from yingshang.assessment.tests import factories as f
from yingshang.audit.models import AuditEvent as Event
from yingshang.demo.loaders.supervision import png
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.supervision.models import Problem

pytestmark = pytest.mark.django_db
NOV_20 = dt.date(2026, 11, 20)
VISIT_SCHEME = [
    {"code": "hotline_response", "weight": "50", "min_sample": 5},
    {"code": "hotline_satisfaction", "weight": "30", "min_sample": 5},
    {"code": "visit_findings", "weight": "20", "normalisation": "minmax", "direction": "lower"},
]


def _visit(x, units, mode="covert"):
    visit = services.visit_plan(
        actor=x.p.supervisor,
        title="11月窗口作风暗访",
        mode=mode,
        method="onsite",
        planned_on=NOV_20,
        unit_ids=[u.pk for u in units],
        focus="窗口人员在岗、一次性告知",
    )
    return services.visit_conduct(
        actor=x.p.supervisor,
        visit=visit,
        conducted_on=NOV_20,
        place="政务服务中心",
        team="督查一组",
    )


def _finding(x, visit, unit, text="窗口无人值守", **kw):
    return services.finding_add(
        actor=x.p.supervisor, visit=visit, unit_id=unit.pk, description=text, **kw
    )


def test_findings_count_in_the_ranking_with_penalty_and_ledger_problem(dataset, compute):
    x = dataset
    f.scheme(
        x.p.supervisor,
        code="visits",
        metrics=VISIT_SCHEME,
        effective_from=dt.date(2026, 11, 1),
    )
    visit = _visit(x, [x.a, x.b, x.c, x.e])
    evidence = SimpleUploadedFile("现场照片.png", png(), content_type="image/png")
    a1 = _finding(x, visit, x.a, evidence=evidence, place="3号窗口")
    a2 = _finding(x, visit, x.a, text="一次性告知单缺失")
    c1 = _finding(x, visit, x.c, text="叫号系统故障无人处理")
    _finding(x, visit, x.b, text="仅记录未确认：不计入")
    services.finding_confirm(
        actor=x.p.supervisor, finding=a1, points="-2", open_problem=True, deadline_days=10
    )
    services.finding_confirm(actor=x.p.supervisor, finding=a2)
    services.finding_confirm(actor=x.p.supervisor, finding=c1)

    a1.refresh_from_db()
    assert a1.evidence_name == "现场照片.png" and len(a1.evidence_sha256) == 64
    assert a1.adjustment.kind == Adjustment.Kind.SECRET_VISIT
    assert a1.adjustment.points == Decimal("-2.00")
    problem = Problem.objects.get(source_type="assessment.finding", source_id=str(a1.pk))
    assert problem.owner_unit == x.a and problem.source == Problem.Source.SUPERVISION_VISIT
    assert a1.problem == problem and "窗口无人值守" in problem.description

    snapshot = compute(x.p.supervisor)
    rows = {r["unit_id"]: r for r in snapshot.results["groups"][0]["rows"]}
    # findings (confirmed, November): A 2, B 0, C 1, E 0 → min-max, lower is better (lo 0, hi 2):
    #   A (2−2)/2×100 = 0, B 100, C (2−1)/2×100 = 50, E 100
    # A: 0.5×90 + 0.3×80  + 0.2×0   = 45 + 24 + 0  = 69.00, −2 (暗访发现) = 67.00
    # B: 0.5×80 + 0.3×100 + 0.2×100 = 40 + 30 + 20 = 90.00
    # C: 0.5×100 + 0.3×60 + 0.2×50  = 50 + 18 + 10 = 78.00
    # E: 0.5×70 + 0.3×50  + 0.2×100 = 35 + 15 + 20 = 70.00
    assert rows[x.a.pk]["metrics"]["visit_findings"]["value"] == "2"
    assert rows[x.a.pk]["metrics"]["visit_findings"]["sample"] == 1  # visited once
    assert {u: (rows[u.pk]["score"], rows[u.pk]["rank"]) for u in (x.a, x.b, x.c, x.e)} == {
        x.b: ("90.00", 1),
        x.c: ("78.00", 2),
        x.e: ("70.00", 3),
        x.a: ("67.00", 4),
    }
    # every step is in the audit trail
    actions = set(Event.objects.values_list("action", flat=True))
    assert {
        "assessment.visit_plan",
        "assessment.visit_conduct",
        "assessment.finding_add",
        "assessment.finding_confirm",
        "assessment.adjustment_add",
        "problem.create",
    } <= actions

    # voided: out of the metric and its penalty item voided; the problem stays in the ledger
    services.finding_void(actor=x.p.supervisor, finding=a1, reason="经核实当时为午休轮岗")
    a1.refresh_from_db()
    assert a1.status == Finding.Status.VOIDED and Finding.objects.filter(pk=a1.pk).exists()
    assert a1.adjustment.status == Adjustment.Status.VOIDED
    assert Problem.objects.filter(pk=problem.pk).exists()
    again = compute(x.p.supervisor, reason="暗访发现作废")
    rows = {r["unit_id"]: r for r in again.results["groups"][0]["rows"]}
    assert rows[x.a.pk]["metrics"]["visit_findings"]["value"] == "1"
    # A: values 1,0,1,0 → A and C both 0 points: 45 + 24 + 0 = 69.00 (no penalty now)
    assert rows[x.a.pk]["score"] == "69.00"


def test_bad_input_is_refused_with_clear_messages(dataset):
    x = dataset
    with pytest.raises(InvalidInput) as e:
        services.visit_plan(
            actor=x.p.supervisor,
            title="",
            mode="covert",
            method="onsite",
            planned_on=NOV_20,
            unit_ids=[x.a.pk],
        )
    assert e.value.code == "ASSESSMENT_VISIT_TITLE_REQUIRED"
    with pytest.raises(InvalidInput) as e:
        services.visit_plan(
            actor=x.p.supervisor,
            title="暗访",
            mode="covert",
            method="onsite",
            planned_on=NOV_20,
            unit_ids=[],
        )
    assert e.value.code == "ASSESSMENT_VISIT_BAD_UNITS"
    with pytest.raises(PermissionDeniedError):
        services.visit_plan(
            actor=x.p.leader,
            title="暗访",
            mode="covert",
            method="onsite",
            planned_on=NOV_20,
            unit_ids=[x.a.pk],
        )
    planned = services.visit_plan(
        actor=x.p.supervisor,
        title="暗访",
        mode="covert",
        method="test_call",
        planned_on=NOV_20,
        unit_ids=[x.a.pk],
    )
    with pytest.raises(DomainError) as e:
        _finding(x, planned, x.a)
    assert e.value.code == "ASSESSMENT_VISIT_NOT_CONDUCTED"
    visit = services.visit_conduct(
        actor=x.p.supervisor, visit=planned, conducted_on=NOV_20, place="", team="督查二组"
    )
    with pytest.raises(InvalidInput) as e:
        _finding(x, visit, x.b)
    assert e.value.code == "ASSESSMENT_FINDING_BAD_UNIT" and "不在本次察看范围" in e.value.message
    with pytest.raises(InvalidInput) as e:
        _finding(x, visit, x.a, evidence=SimpleUploadedFile("x.png", b"not an image"))
    assert e.value.code == "UPLOAD_TYPE_NOT_ALLOWED"
    assert not Finding.objects.exists()
    with pytest.raises(DomainError) as e:
        services.visit_cancel(actor=x.p.supervisor, visit=visit, reason="重复")
    assert e.value.code == "ASSESSMENT_VISIT_CANCEL_NOT_ALLOWED"


def test_pages_plan_conduct_record_confirm_and_drill(dataset, login):
    x = dataset
    c = login(x.p.supervisor)
    r = c.post(
        reverse("assessment:visits"),
        {
            "title": "电话暗访12345",
            "mode": "covert",
            "method": "test_call",
            "planned_on": "2026-11-18",
            "units": [x.a.pk],
        },
    )
    visit = Visit.objects.get()
    assert r.status_code == 302 and r.url == reverse("assessment:visit", args=[visit.pk])
    r = c.post(
        reverse("assessment:visit_action", args=[visit.pk, "conduct"]),
        {"conducted_on": "2026-11-18", "team": "督查一组"},
    )
    assert r.status_code == 302
    r = c.post(
        reverse("assessment:visit", args=[visit.pk]),
        {
            "unit": x.a.pk,
            "description": "电话无人接听",
            "evidence": SimpleUploadedFile("p.png", png()),
        },
    )
    assert r.status_code == 302
    finding = Finding.objects.get()
    r = c.post(
        reverse("assessment:finding_action", args=[finding.pk, "confirm"]),
        {"points": "-1", "open_problem": "true"},
    )
    finding.refresh_from_db()
    assert finding.status == "confirmed" and finding.problem and finding.adjustment
    page = c.get(reverse("assessment:visit", args=[visit.pk])).content.decode()
    assert finding.problem.number in page and "p.png" in page
    # an empty description: the message on the page, nothing saved
    r = c.post(reverse("assessment:visit", args=[visit.pk]), {"unit": x.a.pk, "description": ""})
    assert r.status_code == 400 and "请填写发现的问题" in r.content.decode()
    # the metric's drill-down lists the confirmed finding of the unit in the period
    r = c.get(
        reverse("assessment:findings"), {"unit": x.a.pk, "start": "2026-11-01", "end": "2026-11-30"}
    )
    assert "电话无人接听" in r.content.decode()
    # a covert visit is not for the unit's eyes; a confirmed finding is
    head = login(x.p.head_a)
    assert head.get(reverse("assessment:visit", args=[visit.pk])).status_code in (403, 404)
    assert "电话无人接听" in head.get(reverse("assessment:findings")).content.decode()


def test_visit_api(dataset, api_client):
    x = dataset
    c = api_client(x.p.supervisor)
    api = "/api/v1/assessment"
    r = c.post(
        f"{api}/visits",
        {
            "title": "明查",
            "mode": "open",
            "method": "onsite",
            "planned_on": "2026-11-19",
            "unit_ids": [x.b.pk],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    vid = r.json()["id"]
    assert set(r.json()["allowed_actions"]) == {"conduct", "cancel"}
    r = c.post(
        f"{api}/visits/{vid}/conduct",
        {"conducted_on": "2026-11-19", "team": "督查组"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "conducted"
    r = c.post(
        f"{api}/visits/{vid}/findings",
        {
            "unit_id": x.b.pk,
            "description": "材料要求超出清单",
            "evidence": SimpleUploadedFile("e.png", png()),
        },
    )
    assert r.status_code == 201, r.content
    fid = r.json()["id"]
    r = c.post(
        f"{api}/findings/{fid}/confirm",
        {"points": "-3", "open_problem": True},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "confirmed" and r.json()["problem_number"]
    r = c.post(f"{api}/findings/{fid}/void", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "ASSESSMENT_REASON_REQUIRED"
    r = c.get(f"{api}/findings", {"unit": x.b.pk})
    assert [f["id"] for f in r.json()] == [fid]
    # the leader reads visits but cannot plan
    r = api_client(x.p.leader).post(
        f"{api}/visits",
        {
            "title": "x",
            "mode": "open",
            "method": "onsite",
            "planned_on": "2026-11-19",
            "unit_ids": [x.b.pk],
        },
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json()["code"] == "ASSESSMENT_NOT_SUPERVISOR"
