"""Staff and portal pages: every page renders for the people who use it, bad input shows a
Chinese message (never a 500), other units get 404, the firm page shows the panel, the menu
lists the module, the assessment finds the metric and the API documents every route."""

import pytest

from yingshang.inspections import services
from yingshang.inspections.models import Inspection, Plan
from yingshang.inspections.tests.setup import joint_plan, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(personas):
    w = make_world(personas, firms=6)
    plan = joint_plan(w, ratio_bp=10000, units=[], matters=[w.matter_a])
    services.plan_commit(actor=personas.head_a, plan=plan)
    d = services.plan_draw(actor=personas.head_a, plan=plan)
    return w, plan, d


def test_staff_pages_render(drawn, login):
    w, plan, d = drawn
    client = login(w.p.head_a)
    inspection = Inspection.objects.filter(plan=plan).first()
    for url in (
        "/staff/inspections/",
        "/staff/inspections/plans/new/",
        f"/staff/inspections/plans/{plan.pk}/",
        f"/staff/inspections/i/{inspection.pk}/",
        "/staff/inspections/registers/",
        "/staff/inspections/exceptions/",
        "/staff/inspections/objections/",
    ):
        r = client.get(url)
        assert r.status_code == 200, url
    assert d.seed in client.get(f"/staff/inspections/plans/{plan.pk}/").content.decode()


def test_other_unit_gets_404(drawn, login):
    w, plan, _d = drawn
    client = login(w.p.handler_b)
    assert client.get(f"/staff/inspections/plans/{plan.pk}/").status_code == 404
    inspection = Inspection.objects.filter(plan=plan).first()
    assert client.get(f"/staff/inspections/i/{inspection.pk}/").status_code == 404


def test_plan_form_shows_the_minimum_ratio_message(personas, login):
    w = make_world(personas, firms=2)
    r = login(personas.head_a).post(
        "/staff/inspections/plans/new/",
        {
            "title": "比例过低的计划",
            "lead_unit": personas.unit_a.pk,
            "matters": [w.matter_a.pk],
            "ratio": "2",
            "window_start": "2026-12-01",
            "window_end": "2026-12-31",
        },
    )
    assert r.status_code == 400 and "低于规定的最低比例5%" in r.content.decode()
    r = login(personas.head_a).post(
        "/staff/inspections/plans/new/",
        {
            "title": "日期错误",
            "lead_unit": personas.unit_a.pk,
            "matters": [w.matter_a.pk],
            "ratio": "5",
            "window_start": "明天",
            "window_end": "2026-12-31",
        },
    )
    assert r.status_code == 400 and "检查开始日期不是有效日期" in r.content.decode()
    assert not Plan.objects.exists()


def test_redraw_without_reason_on_the_page_is_refused(drawn, login):
    w, plan, _d = drawn
    r = login(w.p.head_a).post(f"/staff/inspections/plans/{plan.pk}/redraw/", {"reason": ""})
    assert r.status_code == 400 and "必须写明原因" in r.content.decode()


def test_quiet_day_schedule_on_the_page_is_refused(drawn, login):
    w, plan, _d = drawn
    inspection = Inspection.objects.filter(plan=plan).first()
    r = login(w.p.head_a).post(
        f"/staff/inspections/i/{inspection.pk}/schedule/", {"scheduled_on": "2026-12-10"}
    )
    assert r.status_code == 409 and "企业宁静日" in r.content.decode()
    inspection.refresh_from_db()
    assert inspection.scheduled_on is None


def test_portal_pages_render_for_the_public(drawn, client):
    _w, _plan, d = drawn
    for url in (
        "/inspections/",
        f"/inspections/draws/{d.pk}/",
        "/inspections/results/",
        "/inspections/results/?q=抽查",
        "/inspections/quiet-days/",
        "/inspections/quiet-days/?month=2026-13",
    ):
        assert client.get(url).status_code == 200, url
    assert d.seed in client.get(f"/inspections/draws/{d.pk}/").content.decode()
    export = client.get(f"/inspections/draws/{d.pk}/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/json")
    assert "分页参数无效" in client.get("/inspections/results/?after=xx").content.decode()


def test_the_commitment_page_hides_the_seed_before_the_draw(personas, client):
    w = make_world(personas, firms=3)
    plan = joint_plan(w, units=[], matters=[w.matter_a])
    d = services.plan_commit(actor=personas.head_a, plan=plan)
    page = client.get(f"/inspections/draws/{d.pk}/").content.decode()
    assert d.seed_hash in page and d.seed not in page


def test_firm_panel_for_staff_and_for_the_firm(drawn):
    from yingshang.enterprises.panels import panels_for

    w, _plan, _d = drawn
    staff = [p for p in panels_for(w.p.firm, w.p.head_a) if p.key == "inspections"]
    assert staff and staff[0].total == 1
    assert not [
        p for p in panels_for(w.p.firm, w.p.firm_user, public=True) if p.key == "inspections"
    ]


def test_menu_metric_and_openapi(personas, client):
    from yingshang.assessment import registry
    from yingshang.workcal import periods

    assert "inspection_published_on_time" in registry.discover()
    period = periods.parse_or_current("", "month")
    assert registry.get("inspection_published_on_time").compute(period, {}) == {}
    spec = client.get("/api/v1/openapi.json").json()
    paths = [p for p in spec["paths"] if p.startswith("/api/v1/inspections/")]
    for expected in (
        "/api/v1/inspections/plans/{pk}/draw",
        "/api/v1/inspections/draws/{pk}/export",
        "/api/v1/inspections/results",
        "/api/v1/inspections/matters",
        "/api/v1/inspections/inspections/{pk}/record",
        "/api/v1/inspections/quiet-complaints",
    ):
        assert expected in paths


def test_the_inspection_page_records_the_penalty_of_a_case(drawn, login):
    from yingshang.credit.models import Penalty

    w, plan, _d = drawn
    inspection = Inspection.objects.filter(plan=plan).first()
    Inspection.objects.filter(pk=inspection.pk).update(
        status="recorded", result="case", findings="无证经营"
    )
    client = login(w.p.head_a)
    page = client.get(f"/staff/inspections/i/{inspection.pk}/").content.decode()
    assert 'data-testid="action-record_penalty"' in page
    url = f"/staff/inspections/i/{inspection.pk}/record_penalty/"
    bad = client.post(url, {"decision_number": "市监罚〔2026〕5号", "legal_basis": "x"})
    assert bad.status_code == 400 and "请填写处罚决定日期" in bad.content.decode()
    ok = client.post(
        url,
        {
            "decision_number": "市监罚〔2026〕5号",
            "decided_on": "2026-11-02",
            "types": ["fine", "licence"],
            "legal_basis": "《行政处罚法》",
            "severity": "heavy",
        },
    )
    assert ok.status_code == 302
    penalty = Penalty.objects.get()
    assert penalty.types == ["fine", "licence"] and penalty.facts == "无证经营"
    page = client.get(f"/staff/inspections/i/{inspection.pk}/").content.decode()
    assert f'href="/staff/credit/penalties/{penalty.pk}/"' in page
    assert 'data-testid="action-record_penalty"' not in page  # once per inspection


def test_an_inspector_leaves_the_register_from_the_page(drawn, login):
    from yingshang.inspections.models import Inspector

    w, _plan, _d = drawn
    inspector = Inspector.objects.filter(unit=w.p.unit_a, active=True).first()
    client = login(w.p.head_a)
    missing = client.post(
        "/staff/inspections/registers/", {"form": "withdraw", "inspector": inspector.pk}
    )
    assert missing.status_code == 400 and "出库原因" in missing.content.decode()
    inspector.refresh_from_db()
    assert inspector.active
    r = client.post(
        "/staff/inspections/registers/",
        {"form": "withdraw", "inspector": inspector.pk, "reason": "调离执法岗位"},
    )
    assert r.status_code == 302
    inspector.refresh_from_db()
    assert not inspector.active
    assert "已出库" in client.get("/staff/inspections/registers/").content.decode()
