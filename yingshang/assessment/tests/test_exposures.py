"""曝光台: drafted, submitted, reviewed by someone other than the author, published with the
personal data masked on the portal and inside (with its 曝光 penalty item), withdrawn with a
reason and never deleted; the API and the portal page."""

import datetime as dt

import pytest
from django.urls import reverse

from yingshang.assessment import services
from yingshang.assessment.models import Adjustment, Exposure
from yingshang.audit.models import AuditEvent as Event
from yingshang.errors import InvalidInput, PermissionDeniedError
from yingshang.org.roles import Role
from yingshang.testing.personas import _user

pytestmark = pytest.mark.django_db
BODY = "11月5日，企业反映窗口工作人员张三（电话13812345678）以材料不全为由三次退件，未一次性告知。"


def _draft(p, **kw):
    return services.exposure_create(
        actor=p.supervisor,
        title="某局窗口推诿扯皮问题",
        kind=kw.pop("kind", "negative"),
        unit_id=kw.pop("unit_id", p.unit_a.pk),
        occurred_on=dt.date(2026, 11, 5),
        body=BODY,
        persons="张三",
        **kw,
    )


def test_review_publish_and_withdraw(personas, client):
    p = personas
    item = _draft(p, points="-3")
    services.exposure_submit(actor=p.supervisor, exposure=item)
    # the author may not approve their own case
    with pytest.raises(PermissionDeniedError) as e:
        services.exposure_approve(actor=p.supervisor, exposure=item)
    assert e.value.code == "ASSESSMENT_EXPOSURE_REVIEWER"
    # not on the portal before publication
    assert item.title not in client.get(reverse("assessment:public_exposures")).content.decode()
    item = services.exposure_approve(actor=p.leader, exposure=item, note="同意曝光")
    assert item.status == Exposure.Status.PUBLISHED and item.reviewed_by == p.leader
    assert "张三" not in item.public_body and "13812345678" not in item.public_body
    assert "张*" in item.public_body and "138****5678" in item.public_body
    assert (
        item.adjustment.kind == Adjustment.Kind.EXPOSURE and str(item.adjustment.points) == "-3.00"
    )
    portal = client.get(reverse("assessment:public_exposures")).content.decode()
    assert item.title in portal and "13812345678" not in portal and "张三" not in portal
    item = services.exposure_withdraw(actor=p.supervisor, exposure=item, reason="当事企业撤回投诉")
    assert item.status == Exposure.Status.WITHDRAWN and Exposure.objects.filter(pk=item.pk).exists()
    assert item.adjustment.status == Adjustment.Status.VOIDED
    assert item.title not in client.get(reverse("assessment:public_exposures")).content.decode()
    actions = list(
        Event.objects.filter(object_id=str(item.pk), action__startswith="assessment.exposure")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "assessment.exposure_create",
        "assessment.exposure_submit",
        "assessment.exposure_approve",
        "assessment.exposure_withdraw",
    ]


def test_another_supervisor_reviews_and_sends_back(personas):
    p = personas
    other = _user("supervisor2", "督查二", role=Role.SUPERVISOR, unit=p.supervision_unit)
    item = _draft(p, kind="positive")
    services.exposure_submit(actor=p.supervisor, exposure=item)
    with pytest.raises(InvalidInput):
        services.exposure_send_back(actor=other, exposure=item, reason="")
    item = services.exposure_send_back(actor=other, exposure=item, reason="请补充整改情况")
    assert item.status == Exposure.Status.DRAFT and item.review_note == "请补充整改情况"
    services.exposure_submit(actor=p.supervisor, exposure=item)
    item = services.exposure_approve(actor=other, exposure=item)
    assert item.status == Exposure.Status.PUBLISHED and item.adjustment is None


def test_bad_input(personas):
    p = personas
    with pytest.raises(InvalidInput) as e:
        _draft(p, kind="positive", points="-2")
    assert e.value.code == "ASSESSMENT_BAD_POINTS"
    with pytest.raises(InvalidInput) as e:
        _draft(p, points="abc")
    assert e.value.code == "ASSESSMENT_BAD_POINTS"
    with pytest.raises(InvalidInput) as e:
        _draft(p, unit_id=999999)
    assert e.value.code == "ASSESSMENT_BAD_UNIT"
    with pytest.raises(PermissionDeniedError):
        services.exposure_create(
            actor=p.head_a,
            title="t",
            kind="negative",
            unit_id=p.unit_a.pk,
            occurred_on=dt.date(2026, 11, 5),
            body="x",
        )
    assert not Exposure.objects.exists()


def test_pages(personas, login):
    p = personas
    c = login(p.supervisor)
    r = c.post(
        reverse("assessment:exposures"),
        {
            "title": "窗口推诿",
            "kind": "negative",
            "unit": p.unit_a.pk,
            "occurred_on": "2026-11-05",
            "body": BODY,
            "persons": "张三",
        },
    )
    item = Exposure.objects.get()
    assert r.status_code == 302
    page = c.get(reverse("assessment:exposure", args=[item.pk])).content.decode()
    assert "张*" in page  # the preview of the public text
    c.post(reverse("assessment:exposure_action", args=[item.pk, "submit"]))
    r = c.post(reverse("assessment:exposure_action", args=[item.pk, "approve"]), {"note": ""})
    assert r.status_code == 403 and "撰写人以外" in r.content.decode()
    r = c.post(
        reverse("assessment:exposures"), {"title": "", "kind": "negative", "unit": p.unit_a.pk}
    )
    assert r.status_code == 400 and "请填写案例标题" in r.content.decode()
    leader = login(p.leader)
    r = leader.post(
        reverse("assessment:exposure_action", args=[item.pk, "approve"]), {"note": "同意"}
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.status == "published"
    # a department head sees the published case inside
    assert "窗口推诿" in login(p.head_a).get(reverse("assessment:exposures")).content.decode()


def test_api(personas, api_client, client):
    p = personas
    api = "/api/v1/assessment"
    sup = api_client(p.supervisor)
    r = sup.post(
        f"{api}/exposures",
        {
            "title": "先进典型：容缺受理",
            "kind": "positive",
            "unit_id": p.unit_b.pk,
            "occurred_on": "2026-11-06",
            "body": "窗口主动提供容缺受理服务，当天办结。",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    eid = r.json()["id"]
    assert r.json()["allowed_actions"] == ["submit", "withdraw"]
    assert (
        sup.post(f"{api}/exposures/{eid}/submit", {}, content_type="application/json").status_code
        == 200
    )
    r = sup.post(f"{api}/exposures/{eid}/approve", {}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "ASSESSMENT_EXPOSURE_REVIEWER"
    r = api_client(p.leader).post(
        f"{api}/exposures/{eid}/approve", {}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "published"
    r = api_client(p.leader).post(
        f"{api}/exposures/{eid}/approve", {}, content_type="application/json"
    )
    assert r.status_code == 409 and r.json()["code"] == "ASSESSMENT_EXPOSURE_APPROVE_NOT_ALLOWED"
    r = client.get(f"{api}/public/exposures")
    assert r.status_code == 200 and [e["title"] for e in r.json()] == ["先进典型：容缺受理"]
    assert "body" not in r.json()[0]
    r = sup.post(
        f"{api}/exposures/{eid}/withdraw", {"reason": "信息有误"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert client.get(f"{api}/public/exposures").json() == []
