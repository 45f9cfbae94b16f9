import datetime as dt
from decimal import Decimal

import pytest

from yingshang.hotline import kpis
from yingshang.hotline.models import KpiConfig, ReturnRequest, WorkOrder
from yingshang.hotline.tests.conftest import TZ
from yingshang.org import scope

pytestmark = pytest.mark.django_db
NOV = kpis.month_bounds("2026-11")
NOW = dt.datetime(2026, 12, 5, 12, 0, tzinfo=TZ)
D = dt.datetime(2026, 11, 10, 10, 0, tzinfo=TZ)


def _order(unit, i, **kw):
    data = {
        "number": f"T{unit.pk}-{i}",
        "content": "测试诉求内容",
        "caller_phone": "13800000000",
        "registered_at": D,
        "dispatched_at": D,
        "main_unit": unit,
        "status": "closed",
        "sign_due_at": D + dt.timedelta(hours=2),
        "handle_due_at": D + dt.timedelta(days=20),
    }
    data.update(kw)
    return WorkOrder(**data)


@pytest.fixture
def dataset(personas):
    a, b = personas.unit_a, personas.unit_b
    rows = []
    # unit A: 10 orders in November
    for i in range(8):
        rows.append(
            _order(
                a,
                i,
                signed_at=D,
                signed_on_time=True,
                replied_at=D,
                replied_on_time=i < 7,
                resolved=i < 6,
                satisfied=i < 5,
                redo_count=1 if i == 0 else 0,
            )
        )
    rows.append(
        _order(
            a,
            8,
            signed_at=D,
            signed_on_time=False,
            status="in_progress",
            handle_due_at=D + dt.timedelta(days=40),
        )
    )  # late sign, not replied, not late yet
    rows.append(
        _order(a, 9, status="awaiting_sign", handle_due_at=D + dt.timedelta(days=40))
    )  # never signed, sign deadline long passed
    # unit B: 3 orders (under the minimum sample of 10)
    for i in range(3):
        rows.append(
            _order(
                b,
                i,
                signed_at=D,
                signed_on_time=True,
                replied_at=D,
                replied_on_time=True,
                resolved=True,
                satisfied=True,
            )
        )
    # outside the period and merged duplicates do not count
    rows.append(
        _order(a, 20, dispatched_at=dt.datetime(2026, 10, 30, tzinfo=TZ), signed_on_time=True)
    )
    rows.append(_order(a, 21, close_kind="merged"))
    # direct answers by the centre (no unit)
    rows.append(_order(a, 30, main_unit=None, dispatched_at=None, close_kind="direct"))
    WorkOrder.objects.bulk_create(rows)
    # unit A returned one order (unjustified) that now belongs to unit B; one justified return
    ret_order = WorkOrder.objects.get(number=f"T{b.pk}-0")
    ReturnRequest.objects.create(
        order=ret_order,
        unit=a,
        reason="不属于本单位",
        returned_by=personas.handler_a,
        returned_at=D,
        ruling="unjustified",
    )
    ok_order = WorkOrder.objects.get(number=f"T{b.pk}-1")
    ReturnRequest.objects.create(
        order=ok_order,
        unit=a,
        reason="不属于本单位",
        returned_by=personas.handler_a,
        returned_at=D,
        ruling="justified",
    )
    return personas


def _row(result, unit):
    return next(r for r in result["rows"] if r.unit_id == unit.pk)


def test_unit_rates_follow_the_written_definitions(dataset):
    qs = scope.visible_to(dataset.supervisor, WorkOrder)
    result = kpis.compute(qs, *NOV, now=NOW)
    a = _row(result, dataset.unit_a)
    assert a.sample == 10
    assert a.counts["sign_timely"] == (8, 10)  # 9 signed + 1 unsigned past its sign deadline
    assert a.counts["response"] == (8, 10)
    assert a.counts["on_time"] == (7, 8)  # the in-progress one is not yet due
    assert a.counts["resolution"] == (6, 8)
    assert a.counts["satisfaction"] == (5, 8)
    assert a.counts["redo"] == (1, 8)
    assert a.counts["return"] == (
        1,
        12,
    )  # 10 received + 2 returned elsewhere; the justified one not counted
    assert a.rates["satisfaction"] == Decimal("62.50")
    # score = 30% × 80 + 35% × 75 + 35% × 62.5 = 72.125
    assert a.score == Decimal("72.13") and a.rank == 1
    assert result["direct"][0] == 1


def test_units_under_the_minimum_sample_are_not_ranked(dataset):
    result = kpis.compute(scope.visible_to(dataset.supervisor, WorkOrder), *NOV, now=NOW)
    b = _row(result, dataset.unit_b)
    assert b.insufficient is True and b.rank is None and b.score is None
    config = KpiConfig.get()
    config.min_sample = 3
    config.save()
    b = _row(
        kpis.compute(scope.visible_to(dataset.supervisor, WorkOrder), *NOV, now=NOW), dataset.unit_b
    )
    assert b.insufficient is False and b.score == Decimal("100.00") and b.rank == 1


def test_custom_weights_change_the_score(dataset):
    config = KpiConfig(
        pk=1, weight_response=10, weight_resolution=45, weight_satisfaction=45, min_sample=10
    )
    a = _row(
        kpis.compute(scope.visible_to(dataset.supervisor, WorkOrder), *NOV, now=NOW, config=config),
        dataset.unit_a,
    )
    assert a.score == Decimal("69.88")  # 8 + 33.75 + 28.125 = 69.875


@pytest.mark.parametrize(
    "metric", ["sign_timely", "on_time", "response", "resolution", "satisfaction", "redo", "return"]
)
def test_drilldown_counts_equal_the_figure(dataset, metric):
    qs = scope.visible_to(dataset.supervisor, WorkOrder)
    a = _row(kpis.compute(qs, *NOV, now=NOW), dataset.unit_a)
    num = kpis.drilldown(
        qs,
        unit_id=dataset.unit_a.pk,
        metric=metric,
        part="numerator",
        start=NOV[0],
        end=NOV[1],
        now=NOW,
    )
    den = kpis.drilldown(
        qs,
        unit_id=dataset.unit_a.pk,
        metric=metric,
        part="denominator",
        start=NOV[0],
        end=NOV[1],
        now=NOW,
    )
    assert (num.count(), den.count()) == a.counts[metric]


def test_kpi_page_shows_insufficient_sample_and_links_to_drilldown(dataset, login):
    client = login(dataset.supervisor)
    response = client.get("/staff/hotline/kpis/?period=2026-11")
    assert response.status_code == 200
    html = response.content.decode()
    assert "样本不足" in html and "72.13" in html
    assert f"unit={dataset.unit_a.pk}" in html and "part=numerator" in html
    drill = client.get(
        f"/staff/hotline/kpis/orders/?period=2026-11&unit={dataset.unit_a.pk}&metric=satisfaction&part=numerator"
    )
    assert drill.status_code == 200
    assert drill.content.decode().count("data-order-row") == 5


def test_kpi_page_is_for_supervisors_only(dataset, login):
    assert login(dataset.handler_a).get("/staff/hotline/kpis/?period=2026-11").status_code == 403


def test_direct_answer_rate_drills_down_to_its_orders(dataset):
    qs = scope.visible_to(dataset.supervisor, WorkOrder)
    n, d, _rate = kpis.compute(qs, *NOV, now=NOW)["direct"]
    num = kpis.drilldown(
        qs, unit_id=None, metric="direct", part="numerator", start=NOV[0], end=NOV[1], now=NOW
    )
    den = kpis.drilldown(
        qs, unit_id=None, metric="direct", part="denominator", start=NOV[0], end=NOV[1], now=NOW
    )
    assert (num.count(), den.count()) == (n, d) == (1, 15)


def test_a_handler_sees_only_the_kpis_of_orders_in_scope(dataset, login):
    assert (
        login(dataset.head_a)
        .get("/staff/hotline/kpis/orders/?period=2026-11&metric=response&part=numerator")
        .status_code
        == 403
    )


def test_city_figures_are_recorded_per_period_with_an_audit_event(dataset, login):
    from yingshang.audit.models import AuditEvent
    from yingshang.hotline.models import CityFigure

    client = login(dataset.supervisor)
    r = client.post(
        "/staff/hotline/city-figures/",
        {"period": "2026-10", "metric": "满意率", "value": "96.5", "rank": "3"},
    )
    assert r.status_code == 302
    assert CityFigure.objects.get(period="2026-10", metric="满意率").rank == 3
    assert AuditEvent.objects.filter(action="hotline.city_figure").exists()
    bad = client.post(
        "/staff/hotline/city-figures/", {"period": "十月", "metric": "满意率", "value": "x"}
    )
    assert bad.status_code == 400 and "请填写正确的周期" in bad.content.decode()
