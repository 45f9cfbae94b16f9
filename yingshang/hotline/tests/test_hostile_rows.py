"""A coordinate out of range is refused at the edge; one already stored (SQLite keeps whatever it
was given) does not break the pages and feeds that list its order."""

from decimal import Decimal

import pytest
from django.db import connection

from yingshang.hotline.models import WorkOrder

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "coords",
    [{"lat": 1e300, "lng": 1}, {"lat": 91, "lng": 120}, {"lat": 30, "lng": -181}, {"lat": "NaN"}],
)
def test_coordinates_out_of_range_are_refused_by_the_api(personas, api_client, topic, coords):
    response = api_client(personas.operator).post(
        "/api/v1/hotline/orders",
        {"content": "小区门口路灯不亮已经三天了", "caller_phone": "13700001111", **coords},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["code"] == "VALIDATION_ERROR"
    assert not WorkOrder.objects.exists()


def test_an_applicant_cannot_claim_the_city_platform_as_source(personas, api_client):
    response = api_client(personas.applicant).post(
        "/api/v1/hotline/orders",
        {"content": "小区门口路灯不亮已经三天了", "source_system": "city", "channel": "city"},
        content_type="application/json",
    )
    assert response.status_code == 201
    order = WorkOrder.objects.get()
    assert (order.source_system, order.channel) == ("", "app_api")


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL refuses such a value on insert"
)
@pytest.mark.parametrize(
    "url",
    [
        "/staff/hotline/orders/",
        "/staff/hotline/console/",
        "/api/v1/hotline/orders",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
    ],
)
def test_a_bad_row_already_stored_does_not_break_the_lists(personas, login, make_order, topic, url):
    good = make_order()
    bad = make_order()
    WorkOrder.objects.filter(pk=bad.pk).update(lat=Decimal("1e300"), lng=Decimal("1e300"))
    WorkOrder.objects.filter(pk__in=[good.pk, bad.pk]).update(topic=topic)
    response = login(personas.operator).get(url)
    assert response.status_code == 200
    assert bad.number in response.content.decode()
    assert WorkOrder.objects.get(pk=bad.pk).lat is None  # read as empty, not as a 500


def test_the_portals_five_per_hour_lasts_the_hour(client, personas, time_machine):
    """Five submissions at 10:55 from one address: the sixth is still refused at 11:00 and at
    11:50 (a window aligned to the clock let it through at 11:00), and accepted an hour later."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")

    def submit(i):
        return client.post(
            "/hotline/submit/",
            {
                "caller_name": "孙七",
                "caller_phone": f"139111100{i:02d}",
                "category": "help",
                "content": "小区门口路灯坏了一个月了，晚上很不安全。",
            },
        )

    time_machine.move_to(dt.datetime(2026, 11, 23, 10, 55, tzinfo=tz), tick=False)
    assert [submit(i).status_code for i in range(5)] == [200] * 5
    for i, (hour, minute) in enumerate([(11, 0), (11, 50)]):
        time_machine.move_to(dt.datetime(2026, 11, 23, hour, minute, tzinfo=tz), tick=False)
        assert submit(10 + i).status_code == 429
    time_machine.move_to(dt.datetime(2026, 11, 23, 12, 5, tzinfo=tz), tick=False)
    assert submit(20).status_code == 200
    assert WorkOrder.objects.count() == 6
