"""The window staff ranking (hand-computed, scoped), the leaders' dashboard (heat map and radar,
every cell a link to the records behind it) and the rankings the county makes public."""

import io
import json
import re

import pytest
from django.urls import reverse
from docx import Document

from yingshang.assessment import services
from yingshang.assessment.tests.factories import NOV_DAY
from yingshang.audit.models import AuditEvent as Event
from yingshang.cases.models import Case
from yingshang.errors import DomainError, InvalidInput
from yingshang.org.models import Unit, Window
from yingshang.org.roles import Role
from yingshang.ratings.tests.factories import RatingFactory
from yingshang.testing.personas import _unit, _user

pytestmark = pytest.mark.django_db


def _ratings(window, good: int, bad: int):
    for i in range(good + bad):
        RatingFactory(
            level=5 if i < good else 1,
            problems=[] if i < good else ["attitude"],
            created_at=NOV_DAY,
            visit__window=window,
            visit__started_at=NOV_DAY,
        )


def _cases(clerk, n: int, on_time: int, centre, applicant, unit):
    for i in range(n):
        Case.objects.create(
            number=f"S{clerk.pk}-{i}",
            title="食品经营许可",
            applicant=applicant,
            applicant_name="某公司",
            unit=unit,
            channel="window",
            status="decided",
            centre=centre,
            received_by=clerk,
            decided_at=NOV_DAY,
            late=i >= on_time,
        )


@pytest.fixture
def windows(personas, december):
    p = personas
    clerk2 = _user("clerk2", "窗口二", role=Role.WINDOW_CLERK, unit=p.centre)
    w2 = Window.objects.create(hall=p.centre, number="02", name="社保窗口", clerk=clerk2)
    town_centre = _unit("town-centre", "城关镇便民服务中心", Unit.Kind.CENTRE, p.county)
    clerk3 = _user("clerk3", "窗口三", role=Role.WINDOW_CLERK, unit=town_centre)
    w3 = Window.objects.create(hall=town_centre, number="01", name="综合窗口", clerk=clerk3)
    head = _user("centre_head", "中心主任", role=Role.DEPT_HEAD, unit=p.centre)
    _ratings(p.window, good=9, bad=1)
    _ratings(w2, good=4, bad=2)
    _ratings(w3, good=3, bad=0)
    _cases(p.clerk, 4, 3, p.centre, p.applicant, p.unit_a)
    _cases(clerk2, 2, 2, p.centre, p.applicant, p.unit_a)
    return p, clerk2, clerk3, head


def test_staff_ranking_by_hand_and_scoped(windows, login, api_client):
    p, clerk2, _clerk3, head = windows
    # clerk : 满意率 9/10 = 90.00, 按时 3/4 = 75.00 → 0.6×90 + 0.4×75 = 54 + 30 = 84.00
    # clerk2: 满意率 4/6 = 66.67, 按时 2/2 = 100   → (60×66.67 + 40×100)/100 = 80.002 → 80.00,
    #         2 差评 → 不宜评优
    # clerk3: 3 ratings < 5 → 样本不足 (another centre)
    r = api_client(p.supervisor).get("/api/v1/assessment/staff-ranking", {"period": "2026-11"})
    assert r.status_code == 200
    groups = {g["centre"]: g["rows"] for g in r.json()}
    rows = {row["name"]: row for row in groups[p.centre.name]}
    assert (rows["窗口员"]["rank"], rows["窗口员"]["score"]) == (1, "84.00")
    assert rows["窗口员"]["satisfaction"] == {"value": "90.00", "num": 9, "den": 10}
    assert rows["窗口员"]["on_time"] == {"value": "75.00", "num": 3, "den": 4}
    assert rows["窗口员"]["visits"] == 10 and rows["窗口员"]["no_praise"] is False
    assert (rows["窗口二"]["rank"], rows["窗口二"]["score"]) == (2, "80.00")
    assert rows["窗口二"]["bad"] == 2 and rows["窗口二"]["no_praise"] is True
    other = groups["城关镇便民服务中心"][0]
    assert other["insufficient"] and other["rank"] is None
    # the centre head sees their centre only; a clerk their own row
    page = login(head).get(reverse("assessment:staff_ranking"), {"period": "2026-11"})
    text = page.content.decode()
    assert page.status_code == 200 and "窗口二" in text and "窗口三" not in text
    assert "不宜评优" in text
    assert f"staff={clerk2.pk}" in text  # the satisfaction links to the ratings behind it
    r = api_client(clerk2).get("/api/v1/assessment/staff-ranking", {"period": "2026-11"})
    assert [row["name"] for g in r.json() for row in g["rows"]] == ["窗口二"]
    r = api_client(p.supervisor).get("/api/v1/assessment/staff-ranking", {"period": "11月"})
    assert r.status_code == 400 and r.json()["code"] == "ASSESSMENT_BAD_PERIOD"
    r = login(p.supervisor).get(reverse("assessment:staff_ranking"), {"period": "2026-W48"})
    assert r.status_code == 400 and "期间格式" in r.content.decode()


@pytest.fixture
def published(dataset, compute):
    x = dataset
    snapshot = compute(x.p.supervisor)
    services.snapshot_publish(
        actor=x.p.supervisor, snapshot=snapshot, document_number="营商办〔2026〕12号"
    )
    snapshot.refresh_from_db()
    return x, snapshot


def test_dashboard_cells_link_to_the_records(published, login, api_client):
    x, _snapshot = published
    page = login(x.p.leader).get(reverse("assessment:dashboard")).content.decode()
    kpi = reverse("hotline:kpi_orders")
    # the table's cell of unit A's response rate, and the same link in the heat map's data
    assert (
        f'href="{kpi}?metric=response&amp;part=denominator&amp;unit={x.a.pk}&amp;period=2026-11"'
        in page
    )
    heat = json.loads(
        re.search(
            r'<script id="heat-opt" type="application/json">(.*?)</script>', page, re.S
        ).group(1)
    )
    assert heat["series"][0]["type"] == "heatmap"
    assert heat["yAxis"]["data"][-1] == x.b.name  # best on top
    cells = {tuple(d["value"][:2]): d for d in heat["series"][0]["data"]}
    top_response = cells[(0, len(heat["yAxis"]["data"]) - 1)]
    assert top_response["value"][2] == 80.0 and f"unit={x.b.pk}" in top_response["url"]
    assert "drilldown" in heat  # site.js follows the cell's url on click
    radar = json.loads(
        re.search(
            r'<script id="radar-opt" type="application/json">(.*?)</script>', page, re.S
        ).group(1)
    )
    assert radar["series"][0]["data"][0]["name"] == x.b.name  # the first ranked unit by default
    # radar of another unit: its points against the group's average
    page = login(x.p.leader).get(reverse("assessment:dashboard"), {"unit": x.e.pk}).content.decode()
    radar = json.loads(
        re.search(
            r'<script id="radar-opt" type="application/json">(.*?)</script>', page, re.S
        ).group(1)
    )
    # E: response 70, satisfaction 50; average of A, B, C, E: (90+80+100+70)/4 = 85, (80+100+60+50)/4 = 72.5
    assert radar["series"][0]["data"][0]["value"] == [70.0, 50.0]
    assert radar["series"][0]["data"][1]["value"] == [85.0, 72.5]
    r = api_client(x.p.leader).get("/api/v1/assessment/dashboard")
    rows = {row["unit"]: row for row in r.json()["rows"]}
    assert rows[x.a.name]["cells"][0]["url"].endswith(f"unit={x.a.pk}&period=2026-11")
    assert rows[x.d.name]["rank"] is None and rows[x.d.name]["cells"][0]["insufficient"]


def test_dashboard_follows_a_new_publication(published, login, compute):
    """The rendered charts are kept per process; a new published version shows at once."""
    x, _snapshot = published
    c = login(x.p.leader)
    assert "v1" in c.get(reverse("assessment:dashboard")).content.decode()
    again = compute(x.p.supervisor, reason="数据更正")
    services.snapshot_publish(actor=x.p.supervisor, snapshot=again)
    page = c.get(reverse("assessment:dashboard")).content.decode()
    assert f'href="/staff/assessment/snapshots/{again.pk}/"' in page and "v2" in page


def test_dashboard_without_a_published_ranking(dataset, login):
    page = login(dataset.p.leader).get(reverse("assessment:dashboard"))
    assert page.status_code == 200 and "尚无已发布的排名" in page.content.decode()


def test_public_ranking_when_the_county_chooses(published, login, client, api_client):
    x, snapshot = published
    assert x.b.name not in client.get(reverse("assessment:public_rankings")).content.decode()
    assert client.get(reverse("assessment:public_ranking", args=[snapshot.pk])).status_code == 404
    r = login(x.p.supervisor).post(
        reverse("assessment:snapshot_public", args=[snapshot.pk]), {"public": "1"}
    )
    assert r.status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.public
    assert Event.objects.filter(
        action="assessment.snapshot_public", object_id=str(snapshot.pk)
    ).exists()
    listing = client.get(reverse("assessment:public_rankings")).content.decode()
    assert "2026年11月" in listing
    page = client.get(reverse("assessment:public_ranking", args=[snapshot.pk])).content.decode()
    assert x.b.name in page and "样本不足" in page and "/staff/" not in page.split("<main", 1)[1]
    docx = client.get(reverse("assessment:public_bulletin", args=[snapshot.pk]))
    assert (
        Document(io.BytesIO(docx.content)).paragraphs[0].text == "关于2026年11月考核排名情况的通报"
    )
    r = client.get("/api/v1/assessment/public/rankings")
    assert r.status_code == 200 and r.json()[0]["groups"][0]["rows"][0]["unit_name"] == x.b.name
    # twice, or taking it off without a reason: refused
    with pytest.raises(DomainError) as e:
        services.snapshot_set_public(actor=x.p.supervisor, snapshot=snapshot, public=True)
    assert e.value.code == "ASSESSMENT_PUBLIC_UNCHANGED"
    with pytest.raises(InvalidInput):
        services.snapshot_set_public(actor=x.p.supervisor, snapshot=snapshot, public=False)
    r = api_client(x.p.supervisor).post(
        f"/api/v1/assessment/snapshots/{snapshot.pk}/public",
        {"public": False, "reason": "数据复核中"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json() == {"id": snapshot.pk, "public": False}
    assert client.get("/api/v1/assessment/public/rankings").json() == []


def test_a_draft_cannot_be_made_public(dataset, compute):
    x = dataset
    draft = compute(x.p.supervisor)
    with pytest.raises(DomainError) as e:
        services.snapshot_set_public(actor=x.p.supervisor, snapshot=draft, public=True)
    assert e.value.code == "ASSESSMENT_NOT_PUBLISHED"


def test_the_dashboards_counts_are_kept_briefly_and_cleared_by_a_save(published, login, settings):
    """With the per-process caches on: the three counts are read once per reader, and
    publishing an exposure in this process shows on the next request."""
    import datetime as dt

    from yingshang import processcache
    from yingshang.assessment import dashboard

    x, _snapshot = published
    settings.PROCESS_CACHE_SECONDS = 10
    processcache.clear_all()
    try:
        c = login(x.p.leader)

        def shown() -> str:
            page = c.get(reverse("assessment:dashboard")).content.decode()
            block = page[page.index('data-testid="dash-counts"') :]
            return re.findall(r'<div class="fs-4">(\d+)</div>', block)[2]

        assert shown() == "0" and len(dashboard.COUNTS) == 1
        item = services.exposure_create(
            actor=x.p.supervisor,
            title="某局窗口推诿扯皮问题",
            kind="negative",
            unit_id=x.a.pk,
            occurred_on=dt.date(2026, 11, 5),
            body="窗口三次退件，未一次性告知。",
        )
        services.exposure_submit(actor=x.p.supervisor, exposure=item)
        services.exposure_approve(actor=x.p.leader, exposure=item)
        assert shown() == "1"
    finally:
        processcache.clear_all()
