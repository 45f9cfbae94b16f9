import pytest
from django.urls import reverse

from yingshang.indicators.tests.conftest import leaf, value_of
from yingshang.indicators.tests.factories import approved, evidence, workbook

pytestmark = pytest.mark.django_db

PAGES = [
    "indicators:home",
    "indicators:gap",
    "indicators:lead",
    "indicators:values",
    "indicators:tree",
]


@pytest.mark.parametrize("person", ["supervisor", "handler_a", "leader", "admin"])
def test_pages_open_for_staff(personas, period, login, person):
    approved(
        value_of(period, "开办企业费用"),
        lead=personas.handler_a,
        office=personas.supervisor,
        number="2",
    )
    client = login(getattr(personas, person))
    for name in PAGES:
        r = client.get(reverse(name))
        assert r.status_code == 200, name
    assert "开办企业费用" in client.get(reverse("indicators:gap")).content.decode()
    r = client.get(reverse("indicators:export") + "?period=2026Q3")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("person", ["applicant", "outsider"])
def test_pages_closed_to_the_public(personas, period, login, person):
    client = login(getattr(personas, person))
    for name in PAGES:
        assert client.get(reverse(name)).status_code in (302, 403), name


def test_home_shows_score_radar_and_flag(personas, period, login):
    approved(
        value_of(period, "开办企业费用"),
        lead=personas.handler_a,
        office=personas.supervisor,
        number="2",
    )
    html = login(personas.leader).get(reverse("indicators:home")).content.decode()
    assert 'data-testid="county-score">60.00' in html
    assert "radar-opt" in html and "echarts.min.js" in html
    assert "低于预警线" in html


def test_bad_value_keeps_what_was_typed_and_says_why(personas, period, login):
    v = value_of(period, "企业开办全程网办率")
    client = login(personas.handler_a)
    r = client.post(
        reverse("indicators:act", args=[v.pk, "enter"]),
        {"value": "150", "note": "统计口径：全程网办件数/总件数"},
    )
    html = r.content.decode()
    assert r.status_code == 400 and "百分比，数值应在0到100之间" in html
    assert 'value="150"' in html and "统计口径" in html
    r = client.post(
        reverse("indicators:act", args=[v.pk, "enter"]), {"value": "85", "files": [evidence()]}
    )
    assert r.status_code == 302
    v.refresh_from_db()
    assert v.evidence.count() == 1
    ev = v.evidence.get()
    r = client.get(reverse("indicators:evidence", args=[ev.pk]))
    assert r.status_code == 200 and r["X-Content-Type-Options"] == "nosniff"
    # another unit cannot download a draft's evidence
    assert (
        login(personas.handler_b).get(reverse("indicators:evidence", args=[ev.pk])).status_code
        == 404
    )


def test_tree_edit_form(personas, tree, login):
    ind = leaf(tree, "开办企业费用")
    client = login(personas.supervisor)
    r = client.post(
        reverse("indicators:indicator", args=[ind.pk]),
        {"name": ind.name, "best": "5", "worst": "5"},
    )
    assert r.status_code == 400 and "最优值与最差值相同" in r.content.decode()
    r = client.post(
        reverse("indicators:indicator", args=[ind.pk]),
        {
            "name": ind.name,
            "weight": "1.5",
            "best": "0",
            "worst": "6",
            "direction": "lower",
            "transform": "linear",
            "source": "entered",
        },
    )
    assert r.status_code == 302
    ind.refresh_from_db()
    assert str(ind.worst) == "6.0000"
    r = login(personas.handler_a).post(
        reverse("indicators:indicator", args=[ind.pk]), {"weight": "9"}
    )
    assert r.status_code == 403


def test_import_page_lists_row_errors(personas, period, login):
    client = login(personas.handler_a)
    url = reverse("indicators:import", args=["2026Q3"])
    r = client.post(url, {"file": workbook([["01.03", "开办企业费用", "", 0, 5, "abc", None, ""]])})
    html = r.content.decode()
    assert r.status_code == 400 and "第2行“指标值”" in html
    r = client.get(reverse("indicators:import_template", args=["2026Q3"]))
    assert r.status_code == 200


def test_period_open_page(personas, tree, login):
    client = login(personas.supervisor)
    r = client.post(
        reverse("indicators:period_new"),
        {
            "tree": tree.pk,
            "code": "Q4",
            "name": "四季度",
            "starts_on": "2026-12-31",
            "ends_on": "2026-10-01",
        },
    )
    assert r.status_code == 400 and "统计起始日不能晚于截止日" in r.content.decode()
    r = client.post(
        reverse("indicators:period_new"),
        {
            "tree": tree.pk,
            "code": "Q4",
            "name": "四季度",
            "starts_on": "2026-10-01",
            "ends_on": "2026-12-31",
        },
    )
    assert r.status_code == 302


def test_value_page_shows_last_year_comparisons_and_trend(personas, tree, period, login):
    import datetime as dt

    from yingshang.indicators import services

    q2 = services.period_open(
        actor=personas.supervisor,
        tree=tree,
        code="2026Q2",
        name="2026年第二季度",
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 6, 30),
    )
    approved(
        value_of(q2, "开办企业费用"),
        lead=personas.handler_a,
        office=personas.supervisor,
        number="4",
    )
    v = approved(
        value_of(period, "开办企业费用"),
        lead=personas.handler_a,
        office=personas.supervisor,
        number="2",
    )
    client = login(personas.supervisor)
    r = client.post(
        reverse("indicators:act", args=[v.pk, "compare"]),
        {"province_avg": "2.5", "best_county": "1"},
    )
    assert r.status_code == 302
    html = client.get(reverse("indicators:value", args=[v.pk])).content.decode()
    assert "全省最优县" in html and "trend-opt" in html and "2026年第二季度" in html


def test_tree_export_lists_every_indicator_with_bounds(personas, tree, login):
    import io

    import openpyxl

    r = login(personas.handler_a).get(reverse("indicators:tree_export", args=[2026]))
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "编码" and len(rows) - 1 == tree.indicators.count()
    cost = next(r for r in rows if r[3] == "开办企业费用")
    assert cost[4] == "scjg" and cost[9] == 0 and cost[10] == 5


def test_the_cached_overview_follows_every_change(
    personas, period, login, settings, django_capture_on_commit_callbacks
):
    """With the per-process cache on (as in production): the rendered tree is reused while
    nothing changes, and an approval (a value saved, committed) shows at once."""
    from yingshang import processcache
    from yingshang.indicators import scorecache

    settings.PROCESS_CACHE_SECONDS = 10
    processcache.clear_all()
    try:
        client = login(personas.leader)
        first = client.get(reverse("indicators:home")).content.decode()
        assert 'data-testid="county-score">—' in first
        again = client.get(reverse("indicators:home")).content.decode()
        tree = slice(first.index('data-testid="score-tree"'), first.index("</table>"))
        assert again[tree] == first[tree]
        assert len(scorecache.PAGES._entries) == 1
        with django_capture_on_commit_callbacks(execute=True):
            approved(
                value_of(period, "开办企业费用"),
                lead=personas.handler_a,
                office=personas.supervisor,
                number="2",
            )
        html = client.get(reverse("indicators:home")).content.decode()
        assert 'data-testid="county-score">60.00' in html and "低于预警线" in html
    finally:
        processcache.clear_all()
