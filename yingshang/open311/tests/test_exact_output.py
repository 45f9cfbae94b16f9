"""The exact bytes of a service-request list for known orders (JSON and XML), so that a change
in how the rows are read or written (values, dates, media URLs, masking, escaping) shows."""

import datetime as dt
import json

import pytest

from yingshang.hotline import services as hotline
from yingshang.hotline.models import WorkOrder, WorkOrderAttachment

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _at(day, hour, minute, second=0, micro=0):
    return dt.datetime(2026, 11, day, hour, minute, second, micro, tzinfo=UTC)


@pytest.fixture
def known(personas, topics):
    def make(content, **fields):
        o = hotline.workorder_register(
            actor=personas.operator,
            content=content,
            topic=topics["food"],
            caller_name="王小明",
            caller_phone="13912345678",
            address="城关镇人民路88号",
        )
        WorkOrder.objects.filter(pk=o.pk).update(**fields)
        return WorkOrder.objects.get(pk=o.pk)

    base = {"main_unit": personas.unit_a, "due_at": _at(20, 9, 0)}
    a = make(
        "王小明反映：餐馆<后厨>卫生差 & 有老鼠，电话13912345678。",
        registered_at=_at(2, 1, 2, 3, 456789),
        updated_at=_at(3, 4, 5, 6, 999999),
        handle_due_at=_at(10, 8, 30),
        lat="27.123456",
        lng="117.500000",
        **base,
    )
    for url in ("", "https://media.example/1.jpg", "https://media.example/2.jpg"):
        WorkOrderAttachment.objects.create(order=a, file="x.pdf", name="x.pdf", media_url=url)
    b = make(
        "人民路噪音扰民。",
        status=WorkOrder.Status.CLOSED,
        reply="已核实，王小明所反映问题已整改，回访电话13912345678。",
        registered_at=_at(1, 0, 0),
        updated_at=_at(6, 0, 0),
        closed_at=_at(5, 16, 59, 59, 500000),
        attributes={"media_url": "https://media.example/attr.jpg", "place": "restaurant"},
        **base,
    )
    WorkOrderAttachment.objects.create(
        order=b, file="y.pdf", name="y.pdf", media_url="https://media.example/3.jpg"
    )
    c = make(
        "举报某局长吃拿卡要。",
        confidential=True,
        registered_at=_at(4, 2, 0),
        updated_at=_at(4, 3, 0),
        attributes={"media_url": "https://media.example/secret.jpg"},
        lat="27.100000",
        lng="117.400000",
        **base,
    )
    return a, b, c


def test_json_and_xml_of_known_orders(client, known):
    a, b, c = known
    ids = f"{a.number},{b.number},{c.number}"
    rows = [
        {
            "service_request_id": c.number,
            "status": "open",
            "status_notes": "已登记",
            "service_name": "食品安全",
            "service_code": "food-safety",
            "description": "（保密工单，内容不公开）",
            "agency_responsible": "测试县市场监督管理局",
            "service_notice": "",
            "requested_datetime": "2026-11-04T10:00:00+08:00",
            "updated_datetime": "2026-11-04T11:00:00+08:00",
            "expected_datetime": "2026-11-20T17:00:00+08:00",
            "address": "",
            "address_id": "",
            "zipcode": "",
            "lat": None,
            "long": None,
            "media_url": "",
        },
        {
            "service_request_id": a.number,
            "status": "open",
            "status_notes": "已登记",
            "service_name": "食品安全",
            "service_code": "food-safety",
            "description": "王**反映：餐馆<后厨>卫生差 & 有老鼠，电话139****5678。",
            "agency_responsible": "测试县市场监督管理局",
            "service_notice": "",
            "requested_datetime": "2026-11-02T09:02:03+08:00",
            "updated_datetime": "2026-11-03T12:05:06+08:00",
            "expected_datetime": "2026-11-10T16:30:00+08:00",
            "address": "城关镇人民路88号",
            "address_id": "",
            "zipcode": "",
            "lat": 27.123456,
            "long": 117.5,
            "media_url": "https://media.example/1.jpg",
        },
        {
            "service_request_id": b.number,
            "status": "closed",
            "status_notes": "已办结：已核实，王**所反映问题已整改，回访电话139****5678。",
            "service_name": "食品安全",
            "service_code": "food-safety",
            "description": "人民路噪音扰民。",
            "agency_responsible": "测试县市场监督管理局",
            "service_notice": "",
            "requested_datetime": "2026-11-01T08:00:00+08:00",
            "updated_datetime": "2026-11-06T00:59:59+08:00",
            "expected_datetime": "2026-11-20T17:00:00+08:00",
            "address": "城关镇人民路88号",
            "address_id": "",
            "zipcode": "",
            "lat": None,
            "long": None,
            "media_url": "https://media.example/attr.jpg",
        },
    ]
    resp = client.get(f"/open311/v2/requests.json?service_request_id={ids}")
    assert resp.status_code == 200
    assert resp.content.decode() == json.dumps(rows, ensure_ascii=False, separators=(",", ":"))

    def element(name, value):
        if value is None:
            text = ""
        elif isinstance(value, str):
            text = value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
        else:
            text = str(value)
        return f"<{name}>{text}</{name}>"

    expected = (
        '<?xml version="1.0" encoding="utf-8"?><service_requests>'
        + "".join(
            "<request>" + "".join(element(k, v) for k, v in row.items()) + "</request>"
            for row in rows
        )
        + "</service_requests>"
    )
    resp = client.get(f"/open311/v2/requests.xml?service_request_id={ids}")
    assert resp.content.decode() == expected
    # spot checks of the XML text written by hand, not by the helper above
    text = resp.content.decode()
    assert "<description>王**反映：餐馆&lt;后厨&gt;卫生差 &amp; 有老鼠" in text
    assert "<lat>27.123456</lat><long>117.5</long>" in text
    assert "<lat></lat><long></long><media_url>https://media.example/attr.jpg</media_url>" in text


def test_times_read_in_postgresql_form_are_written_like_w3c():
    """PostgreSQL hands _when the local time and the zone's offset in seconds
    (views._ShownTime); the text must be what formats.w3c writes for the datetime."""
    from zoneinfo import ZoneInfo

    from yingshang.open311.formats import w3c
    from yingshang.open311.views import _when

    at = dt.datetime(2026, 3, 8, 7, 30, 59, 999999, tzinfo=UTC)
    for name, shown, offset in [
        ("Asia/Shanghai", "2026-03-08T15:30:59", 28800),
        ("America/New_York", "2026-03-08T03:30:59", -14400),
        ("Asia/Kathmandu", "2026-03-08T13:15:59", 20700),
        ("UTC", "2026-03-08T07:30:59", 0),
    ]:
        tz = ZoneInfo(name)
        assert _when(f"{shown}|{offset}", tz) == w3c(at, tz), name
        # the plain text forms (other databases): PostgreSQL's and SQLite's
        assert _when("2026-03-08 07:30:59.999999+00", tz) == w3c(at, tz)
        assert _when("2026-03-08 07:30:59.999999", tz) == w3c(at, tz)
    assert _when(None, ZoneInfo("UTC")) is None
