"""The rounds' pages and API: dispatch, sites, a measured value's records, the tree's Excel
import and export, publication and the portal page."""

import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from yingshang.audit.models import AuditEvent
from yingshang.indicators import services
from yingshang.indicators.models import Site, UnitTask
from yingshang.indicators.services import tree_excel
from yingshang.indicators.tests.conftest import leaf, value_of
from yingshang.indicators.tests.factories import approved, evidence

pytestmark = pytest.mark.django_db
API = "/api/v1/indicators"
JSON = "application/json"


def _xlsx(response) -> list[list]:
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


def _upload(rows) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("指标体系.xlsx", buf.getvalue())


def test_dispatch_page_lists_each_lead_unit_with_its_task(personas, period, login):
    html = login(personas.supervisor).get(reverse("indicators:dispatch")).content.decode()
    assert 'data-testid="dispatch-table"' in html and personas.unit_a.display_name in html
    UnitTask.objects.filter(unit=personas.unit_a).update(overdue=True)
    html = login(personas.supervisor).get(reverse("indicators:dispatch")).content.decode()
    assert "逾期未报" in html
    # a unit's staff see their own row only
    html = login(personas.handler_b).get(reverse("indicators:dispatch")).content.decode()
    assert personas.unit_a.display_name not in html
    r = login(personas.supervisor).get(reverse("indicators:dispatch") + "?week=nonsense")
    assert r.status_code == 200


def test_dispatch_api(personas, api_client, period):
    rows = api_client(personas.supervisor).get(f"{API}/periods/2026Q3/dispatch").json()
    mine = next(r for r in rows if r["unit_id"] == personas.unit_a.pk)
    assert mine["due_at"] and mine["leaves"] > 1 and mine["counts"]["draft"] == mine["leaves"]
    own = api_client(personas.handler_a).get(f"{API}/periods/2026Q3/dispatch").json()
    assert [r["unit_id"] for r in own] == [personas.unit_a.pk]


def test_sites_page_and_site_values_on_the_value_page(personas, login, api_client, tree):
    office = login(personas.supervisor)
    r = office.post(reverse("indicators:sites"), {"code": "T1", "name": "城关镇", "weight": "0"})
    assert r.status_code == 400 and "必须大于0" in r.content.decode()
    office.post(reverse("indicators:sites"), {"code": "T1", "name": "城关镇", "weight": "30000"})
    office.post(reverse("indicators:sites"), {"code": "T2", "name": "江口镇", "weight": "10000"})
    assert Site.objects.count() == 2
    ind = leaf(tree, "开办企业费用")
    r = office.post(
        reverse("indicators:indicator", args=[ind.pk]), {"by_site_present": "1", "by_site": "1"}
    )
    assert r.status_code == 302
    ind.refresh_from_db()
    assert ind.by_site
    period = services.period_open(
        actor=personas.supervisor,
        tree=tree,
        code="2026Q3",
        name="2026年第三季度",
        starts_on=dt.date(2026, 7, 1),
        ends_on=dt.date(2026, 9, 30),
        today=dt.date(2026, 10, 9),
    )
    v = value_of(period, "开办企业费用")
    t1, t2 = Site.objects.order_by("code")
    lead = login(personas.handler_a)
    html = lead.get(reverse("indicators:value", args=[v.pk])).content.decode()
    assert 'data-testid="sites"' in html and 'name="site_%d"' % t1.pk in html
    r = lead.post(reverse("indicators:value_sites", args=[v.pk]), {f"site_{t1.pk}": "abc"})
    assert r.status_code == 400 and "城关镇" in r.content.decode()
    r = lead.post(
        reverse("indicators:value_sites", args=[v.pk]), {f"site_{t1.pk}": "2", f"site_{t2.pk}": "4"}
    )
    assert r.status_code == 302
    v.refresh_from_db()
    assert v.value == D("2.5")  # (30000 × 2 + 10000 × 4) / 40000
    html = lead.get(reverse("indicators:value", args=[v.pk])).content.decode()
    # site scores 100 × (5 − 2) / 5 = 60 and 100 × (5 − 4) / 5 = 20; leaf (3 × 60 + 20) / 4 = 50
    assert "60.00" in html and "20.00" in html and 'data-testid="score"><strong>50.00' in html
    body = api_client(personas.handler_a).get(f"{API}/values/{v.pk}").json()
    assert [(x["site"], D(x["value"]), D(x["score"])) for x in body["sites"]] == [
        ("T1", D(2), D(60)),
        ("T2", D(4), D(20)),
    ]
    # approved, the scored workbook explains the leaf by its sites
    v = services.value_enter(actor=personas.handler_a, value=v, files=[evidence()])
    v = services.value_submit(actor=personas.handler_a, value=v)
    services.value_approve(actor=personas.supervisor, value=v)
    rows = _xlsx(office.get(reverse("indicators:export") + "?period=2026Q3"))
    row = next(r for r in rows if r[1] == "开办企业费用")
    assert row[12] == 50 and row[-1] == "城关镇 30000 2 60.00；江口镇 10000 4 20.00"


def test_sites_api(personas, api_client, period):
    sup = api_client(personas.supervisor)
    r = sup.post(
        f"{API}/sites",
        {"code": "C1", "name": "政务服务中心", "weight": "1", "kind": "centre"},
        content_type=JSON,
    )
    assert r.status_code == 201 and r.json()["kind"] == "centre"
    r = sup.post(f"{API}/sites", {"code": "C1", "name": "重复", "weight": "1"}, content_type=JSON)
    assert r.status_code == 409 and r.json()["code"] == "INDICATOR_SITE_EXISTS"
    v = value_of(period, "开办企业费用")  # not a site leaf in this tree
    r = api_client(personas.handler_a).post(
        f"{API}/values/{v.pk}/sites", {"numbers": {"C1": "1"}}, content_type=JSON
    )
    assert r.status_code == 409 and r.json()["code"] == "INDICATOR_NOT_BY_SITE"


def test_measured_value_links_to_its_records(personas, period, login, api_client):
    from yingshang.ratings.tests.factories import RatingFactory

    inside = dt.datetime(2026, 8, 3, 10, tzinfo=dt.UTC)
    made = [RatingFactory(level=lv, created_at=inside) for lv in (5, 4, 3)]
    RatingFactory(level=5, created_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))  # outside
    v = value_of(period, "政务服务好差评满意率")
    services.value_measure(actor=personas.supervisor, value=v)
    office = login(personas.supervisor)
    html = office.get(reverse("indicators:value", args=[v.pk])).content.decode()
    assert reverse("indicators:records", args=[v.pk]) in html
    html = office.get(reverse("indicators:records", args=[v.pk])).content.decode()
    for rating in made:
        assert reverse("ratings:detail", args=[rating.pk]) in html
    assert "3条" in html
    body = api_client(personas.supervisor).get(f"{API}/values/{v.pk}/records").json()
    assert body["model"] == "ratings.rating" and sorted(body["ids"]) == sorted(r.pk for r in made)
    assert body["counted"] == 3
    # an entered leaf has no records page
    other = value_of(period, "开办企业费用")
    assert office.get(reverse("indicators:records", args=[other.pk])).status_code == 404


def test_tree_export_and_import_pages(personas, tree, login):
    office = login(personas.supervisor)
    r = office.get(reverse("indicators:tree_export", args=[2026]))
    rows = _xlsx(r)
    assert rows[0] == tree_excel.HEADERS
    i = next(k for k, row in enumerate(rows) if row[3] == "开办企业费用")
    rows[i][tree_excel.HEADERS.index("最差值")] = "abc"
    r = office.post(reverse("indicators:tree_import", args=[2026]), {"file": _upload(rows)})
    html = r.content.decode()
    assert r.status_code == 400 and f"第{i + 1}行“最差值”" in html
    rows[i][tree_excel.HEADERS.index("最差值")] = 7
    r = office.post(reverse("indicators:tree_import", args=[2026]), {"file": _upload(rows)})
    assert r.status_code == 302
    assert leaf(tree, "开办企业费用").worst == D(7)
    assert login(personas.handler_a).get(
        reverse("indicators:tree_import", args=[2026])
    ).status_code in (302, 403)


def test_tree_import_and_export_api(personas, api_client, tree):
    sup = api_client(personas.supervisor)
    r = sup.get(f"{API}/trees/2026/export.xlsx")
    rows = _xlsx(r)
    rows[1][tree_excel.HEADERS.index("权重")] = -1
    r = sup.post(f"{API}/trees/2026/import", {"file": _upload(rows)})
    assert r.status_code == 400 and r.json()["code"] == "INDICATOR_IMPORT_ROWS"
    assert r.json()["details"]["errors"][0] == {
        "row": 2,
        "field": "权重",
        "message": "权重不能为负数",
    }
    rows[1][tree_excel.HEADERS.index("权重")] = 3
    r = sup.post(f"{API}/trees/2026/import", {"file": _upload(rows)})
    assert r.status_code == 200 and r.json()["version"] == 1
    assert tree.indicators.get(code=rows[1][0]).weight == D(3)


def test_publish_unpublish_and_the_portal_page(personas, period, login, api_client):
    anon = Client()
    assert "暂无公布的评价结果" in anon.get(reverse("indicators:public")).content.decode()
    approved(
        value_of(period, "开办企业费用"),
        lead=personas.handler_a,
        office=personas.supervisor,
        number="2",
    )
    office = login(personas.supervisor)
    assert office.post(reverse("indicators:publish", args=["2026Q3"])).status_code == 302
    html = anon.get(reverse("indicators:public")).content.decode()
    assert 'data-testid="public-score">60.00' in html and "开办企业" in html
    body = anon.get(f"{API}/public").json()
    assert body[0]["code"] == "2026Q3" and body[0]["score"].startswith("60")
    # a unit may not publish
    r = api_client(personas.handler_a).post(
        f"{API}/periods/2026Q3/unpublish", {"reason": "x"}, content_type=JSON
    )
    assert r.status_code == 403
    r = api_client(personas.supervisor).post(
        f"{API}/periods/2026Q3/unpublish", {"reason": ""}, content_type=JSON
    )
    assert r.status_code == 400 and r.json()["code"] == "REASON_REQUIRED"
    office.post(reverse("indicators:publish", args=["2026Q3"]), {"undo": "1", "reason": "数据复核"})
    assert "暂无公布的评价结果" in anon.get(reverse("indicators:public")).content.decode()
    assert anon.get(f"{API}/public").json() == []
    assert (
        AuditEvent.objects.filter(action__in=["indicator.publish", "indicator.unpublish"]).count()
        == 2
    )
