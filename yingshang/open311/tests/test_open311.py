import datetime as dt
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import xmltodict
from django.utils import timezone

from yingshang.apiaccess import services as token_services
from yingshang.apiaccess.models import ApiToken
from yingshang.audit.models import AuditEvent
from yingshang.hotline import services as hotline
from yingshang.hotline.models import WorkOrder

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
BASE = "/open311/v2"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def post_form(client, path, data, query=""):
    return client.post(f"{BASE}/{path}{query}", urlencode(data, doseq=True), content_type=FORM)


def good(api_key, **extra):
    data = {
        "api_key": api_key,
        "service_code": "food-safety",
        "lat": "27.1234561",
        "long": "117.5",
        "attribute[place]": "restaurant",
        "description": "城关镇人民路一家餐馆后厨卫生很差，有老鼠。",
        "first_name": "四",
        "last_name": "李",
        "phone": "13812345678",
    }
    data.update(extra)
    return data


def xml(resp):
    text = resp.content.decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert resp["Content-Type"] == "text/xml; charset=utf-8"
    return xmltodict.parse(text)


def as_json(resp):
    assert resp["Content-Type"] == "application/json; charset=utf-8"
    return resp.json()


@pytest.fixture
def order(personas, topics):
    def _make(
        content="餐馆卫生差，请查处。", registered_at=None, confidential=False, topic="food", **kw
    ):
        o = hotline.workorder_register(
            actor=personas.operator,
            content=content,
            topic=topics[topic] if topic else None,
            caller_name="王小明",
            caller_phone="13912345678",
            address="城关镇人民路88号",
            confidential=confidential,
            **kw,
        )
        if registered_at:
            WorkOrder.objects.filter(pk=o.pk).update(registered_at=registered_at)
            o.refresh_from_db()
        return o

    return _make


# --- services -------------------------------------------------------------------------------
def test_service_list_json_is_an_array_of_public_leaf_topics(client, topics):
    body = as_json(client.get(f"{BASE}/services.json"))
    assert [s["service_code"] for s in body] == [
        "food-safety",
        "noise",
    ]  # parent and retired topics are not services
    food = body[0]
    assert food == {
        "service_code": "food-safety",
        "service_name": "食品安全",
        "description": "餐饮、食品销售中的安全问题",
        "metadata": True,
        "type": "realtime",
        "keywords": "食品,餐饮,卫生",
        "group": "市场监管",
    }
    assert body[1]["metadata"] is False


def test_service_list_xml_has_services_root_and_service_elements(client, topics):
    doc = xml(client.get(f"{BASE}/services.xml"))
    services = doc["services"]["service"]
    assert [s["service_code"] for s in services] == ["food-safety", "noise"]
    assert services[0]["metadata"] == "true" and services[1]["metadata"] == "false"
    assert services[0]["type"] == "realtime"


def test_service_definition_json_and_xml(client, topics):
    body = as_json(client.get(f"{BASE}/services/food-safety.json"))
    assert body["service_code"] == "food-safety"
    attrs = body["attributes"]
    assert [a["code"] for a in attrs] == ["place", "issues", "people", "when"]
    assert attrs[0] == {
        "variable": True,
        "code": "place",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": None,
        "order": 1,
        "description": "场所类型",
        "values": [{"key": "restaurant", "name": "餐馆"}, {"key": "market", "name": "农贸市场"}],
    }
    assert "values" not in attrs[2]
    doc = xml(client.get(f"{BASE}/services/food-safety.xml"))["service_definition"]
    first = doc["attributes"]["attribute"][0]
    assert (
        doc["service_code"] == "food-safety"
        and first["required"] == "true"
        and first["order"] == "1"
    )
    assert first["datatype_description"] is None
    assert [v["key"] for v in first["values"]["value"]] == ["restaurant", "market"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_definition_is_404_with_error_body(client, topics, fmt):
    resp = client.get(f"{BASE}/services/nope.{fmt}")
    assert resp.status_code == 404
    if fmt == "json":
        assert as_json(resp) == [{"code": 404, "description": "服务代码不存在：nope"}]
    else:
        assert xml(resp)["errors"]["error"]["code"] == "404"


def test_unsupported_format_is_400_in_xml(client, topics):
    resp = client.get(f"{BASE}/services.csv")
    assert resp.status_code == 400 and "errors" in xml(resp)


# --- POST requests --------------------------------------------------------------------------
def test_post_urlencoded_with_key_in_body_creates_an_open311_work_order(client, topics, api_key):
    resp = post_form(
        client,
        "requests.json",
        good(
            api_key,
            **{
                "attribute[issues][]": ["dirty", "expired"],
                "attribute[people]": "12",
                "email": "li@example.com",
            },
        ),
    )
    assert resp.status_code == 201
    body = as_json(resp)
    assert isinstance(body, list) and len(body) == 1 and "token" not in body[0]
    order = WorkOrder.objects.get(number=body[0]["service_request_id"])
    assert (
        order.channel == "open311"
        and order.topic == topics["food"]
        and order.status == "registered"
    )
    assert (
        order.caller_name == "李四" and order.caller_phone == "13812345678" and not order.anonymous
    )
    assert order.attributes["place"] == "restaurant" and order.attributes["issues"] == [
        "dirty",
        "expired",
    ]
    assert order.attributes["_open311"]["email"] == "li@example.com"
    assert float(order.lat) == pytest.approx(27.123456) and float(order.lng) == 117.5
    event = AuditEvent.objects.get(action="hotline.register", object_id=str(order.pk))
    assert event.actor_id == ApiToken.objects.get(kind="integration").user_id


def test_post_with_key_in_query_string_answers_xml(client, topics, api_key):
    data = good(api_key)
    del data["api_key"]
    resp = post_form(client, "requests.xml", data, query=f"?api_key={api_key}")
    assert resp.status_code == 201
    req = xml(resp)["service_requests"]["request"]
    assert WorkOrder.objects.filter(number=req["service_request_id"], channel="open311").exists()


def test_post_multipart_is_accepted(client, topics, api_key):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = good(api_key, address_string="城关镇人民路88号")
    del data["lat"], data["long"]
    data["media"] = SimpleUploadedFile(
        "photo.jpg", b"\xff\xd8\xff", content_type="image/jpeg"
    )  # as `three` sends it
    resp = client.post(f"{BASE}/requests.json", data)  # the test client sends multipart/form-data
    assert resp.status_code == 201
    order = WorkOrder.objects.get(number=resp.json()[0]["service_request_id"])
    assert order.address == "城关镇人民路88号"


def test_post_without_phone_is_registered_anonymous(client, topics, api_key):
    data = good(api_key)
    del data["phone"]
    resp = post_form(client, "requests.json", data)
    assert resp.status_code == 201
    assert WorkOrder.objects.get().anonymous is True


@pytest.mark.parametrize("key", [None, "", "ys_wrong", "not-a-key"])
def test_missing_or_invalid_api_key_is_403(client, topics, api_key, key):
    data = good(api_key)
    if key is None:
        del data["api_key"]
    else:
        data["api_key"] = key
    resp = post_form(client, "requests.json", data)
    assert resp.status_code == 403
    assert as_json(resp)[0]["code"] == 403
    assert not WorkOrder.objects.exists()


def test_personal_token_is_not_an_api_key(client, topics, personas):
    _token, secret = token_services.token_create(actor=personas.operator, name="个人")
    resp = post_form(client, "requests.json", good(secret))
    assert resp.status_code == 403
    assert not WorkOrder.objects.exists()


def test_revoked_key_is_403(client, topics, api_key, personas):
    token_services.token_revoke(
        actor=personas.admin, token=ApiToken.objects.get(kind="integration"), reason="泄露"
    )
    assert post_form(client, "requests.xml", good(api_key)).status_code == 403
    assert not WorkOrder.objects.exists()


def test_missing_service_code_is_400_and_unknown_is_404(client, topics, api_key):
    resp = post_form(client, "requests.json", good(api_key, service_code=""))
    assert resp.status_code == 400 and "service_code" in resp.json()[0]["description"]
    resp = post_form(client, "requests.json", good(api_key, service_code="retired"))
    assert resp.status_code == 404
    assert not WorkOrder.objects.exists()


def test_location_is_required(client, topics, api_key):
    data = good(api_key)
    del data["lat"], data["long"]
    resp = post_form(client, "requests.xml", data)
    assert resp.status_code == 400
    assert "位置" in xml(resp)["errors"]["error"]["description"]
    resp = post_form(client, "requests.json", good(api_key, lat="91", long="117"))
    assert resp.status_code == 400
    resp = post_form(
        client,
        "requests.json",
        {
            **{k: v for k, v in good(api_key).items() if k not in ("lat", "long")},
            "address_id": "ADDR-001",
        },
    )
    assert resp.status_code == 201
    assert WorkOrder.objects.count() == 1


@pytest.mark.parametrize(
    "attrs, message",
    [
        ({"attribute[place]": ""}, "缺少必填属性 attribute[place]"),
        ({"attribute[place]": "castle"}, "attribute[place] 的取值无效"),
        ({"attribute[issues][]": ["dirty", "ghost"]}, "attribute[issues] 的取值无效"),
        ({"attribute[people]": "twelve"}, "attribute[people] 应为数字"),
        ({"attribute[when]": "yesterday"}, "attribute[when] 应为 W3C 日期时间"),
    ],
)
def test_attributes_are_validated_against_the_definition(client, topics, api_key, attrs, message):
    resp = post_form(client, "requests.json", good(api_key, **attrs))
    assert resp.status_code == 400
    assert any(message in e["description"] for e in resp.json())
    assert not WorkOrder.objects.exists()


def test_several_errors_are_reported_together(client, topics, api_key):
    data = good(api_key, **{"attribute[place]": "", "description": "x" * 4001})
    del data["lat"], data["long"]
    resp = post_form(client, "requests.json", data)
    assert resp.status_code == 400 and len(resp.json()) == 3


def test_post_on_read_only_resources_is_405_with_allow(client, topics):
    response = client.post(f"{BASE}/services.json")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"


# --- GET requests ---------------------------------------------------------------------------
def test_requests_default_to_the_last_90_days(client, order):
    recent = order()
    old = order(registered_at=timezone.now() - dt.timedelta(days=120))
    ids = [r["service_request_id"] for r in as_json(client.get(f"{BASE}/requests.json"))]
    assert recent.number in ids and old.number not in ids


def test_service_request_id_overrides_every_other_filter(client, order):
    old = order(registered_at=timezone.now() - dt.timedelta(days=400))
    other = order(topic="noise")
    resp = client.get(
        f"{BASE}/requests.json",
        {
            "service_request_id": f"{old.number},{other.number}",
            "service_code": "food-safety",
            "status": "closed",
        },
    )
    assert sorted(r["service_request_id"] for r in as_json(resp)) == sorted(
        [old.number, other.number]
    )


def test_filters_by_service_code_status_and_dates(client, order, personas):
    food = order()
    noise = order(topic="noise", content="楼下广场舞噪音扰民。")
    closed = order(content="请问营业执照怎么办理？")
    hotline.workorder_answer_directly(
        actor=personas.operator, order=closed, reply="到政务服务中心办理。"
    )

    def get(**q):
        return {r["service_request_id"] for r in as_json(client.get(f"{BASE}/requests.json", q))}

    assert get(service_code="noise") == {noise.number}
    assert get(service_code="noise,food-safety") == {noise.number, food.number, closed.number}
    assert get(status="closed") == {closed.number}
    assert get(status="open") == {food.number, noise.number}
    assert get(status="open,closed") == {food.number, noise.number, closed.number}
    WorkOrder.objects.filter(pk=food.pk).update(
        registered_at=dt.datetime(2026, 7, 1, 10, tzinfo=TZ)
    )
    assert get(start_date="2026-06-30T00:00:00+08:00", end_date="2026-07-02T00:00:00+08:00") == {
        food.number
    }
    assert get(start_date="2026-06-30T00:00:00Z", end_date="2026-07-02T00:00:00Z") == {food.number}
    assert get(start_date="2026-06-01T00:00:00+08:00") == {food.number}  # end = start + 90 days
    assert get(end_date="2026-07-02T00:00:00+08:00") == {food.number}  # start = end - 90 days
    assert get(start_date="", end_date="", status="") == {
        noise.number,
        closed.number,
    }  # empty = absent


@pytest.mark.parametrize(
    "query, fragment",
    [
        (
            {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"},
            "90天",
        ),
        (
            {"start_date": "2026-06-01T00:00:00+08:00", "end_date": "2026-05-01T00:00:00+08:00"},
            "不能早于",
        ),
        ({"start_date": "last tuesday"}, "start_date"),
        ({"status": "pending"}, "status"),
    ],
)
def test_bad_request_filters_are_400(client, order, query, fragment):
    resp = client.get(f"{BASE}/requests.xml", query)
    assert resp.status_code == 400
    assert fragment in xml(resp)["errors"]["error"]["description"]


def test_at_most_1000_requests_newest_first(client, personas, topics):
    now = timezone.now()
    WorkOrder.objects.bulk_create(
        [
            WorkOrder(
                number=f"B{i:06d}",
                content="批量工单内容",
                topic=topics["food"],
                registered_at=now - dt.timedelta(minutes=i),
                caller_phone="13800000000",
            )
            for i in range(1005)
        ]
    )
    for fmt in ("json", "xml"):
        resp = client.get(f"{BASE}/requests.{fmt}")
        rows = as_json(resp) if fmt == "json" else xml(resp)["service_requests"]["request"]
        assert len(rows) == 1000
        assert (
            rows[0]["service_request_id"] == "B000000"
            and rows[-1]["service_request_id"] == "B000999"
        )


def test_request_fields_zoned_datetimes_and_expected_datetime_is_our_due_time(
    client, order, personas
):
    o = hotline.workorder_dispatch(
        actor=personas.operator, order=order(), main_unit=personas.unit_a
    )
    row = as_json(client.get(f"{BASE}/requests/{o.number}.json"))
    assert isinstance(row, list) and len(row) == 1
    row = row[0]
    assert set(row) >= {
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    }
    assert row["status"] == "open" and row["agency_responsible"] == personas.unit_a.name
    assert (
        row["expected_datetime"]
        == timezone.localtime(o.handle_due_at).replace(microsecond=0).isoformat()
    )
    assert row["expected_datetime"].endswith("+08:00") and row["requested_datetime"].endswith(
        "+08:00"
    )
    doc = xml(client.get(f"{BASE}/requests/{o.number}.xml"))
    assert doc["service_requests"]["request"]["service_request_id"] == o.number


def test_closed_request_reports_close_time(client, order, personas):
    o = hotline.workorder_answer_directly(actor=personas.operator, order=order(), reply="已答复。")
    row = as_json(client.get(f"{BASE}/requests/{o.number}.json"))[0]
    assert row["status"] == "closed"
    assert (
        row["updated_datetime"]
        == timezone.localtime(o.closed_at).replace(microsecond=0).isoformat()
    )


def test_xml_escapes_markup_and_drops_control_characters(client, order):
    o = order(content="<b>餐馆</b> & 小吃店\x07卫生差")
    row = xml(client.get(f"{BASE}/requests/{o.number}.xml"))["service_requests"]["request"]
    assert row["description"] == "<b>餐馆</b> & 小吃店卫生差"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_is_404(client, topics, fmt):
    assert client.get(f"{BASE}/requests/GD000.{fmt}").status_code == 404


def test_caller_is_never_exposed_and_confidential_orders_show_nothing_personal(client, order):
    plain = order(content="王小明反映：我电话13912345678，身份证11010519491231002X，餐馆卫生差。")
    secret = order(content="举报某局长吃拿卡要，我住在城关镇幸福小区3栋。", confidential=True)
    for fmt in ("json", "xml"):
        text = client.get(f"{BASE}/requests.{fmt}").content.decode()
        for leak in ("13912345678", "11010519491231002X", "王小明", "吃拿卡要", "幸福小区", "局长"):
            assert leak not in text, (fmt, leak)
    rows = {r["service_request_id"]: r for r in client.get(f"{BASE}/requests.json").json()}
    assert "139****5678" in rows[plain.number]["description"]
    assert rows[plain.number]["address"] == "城关镇人民路88号"
    hidden = rows[secret.number]
    assert hidden["description"] == "（保密工单，内容不公开）"
    assert hidden["address"] == "" and hidden["lat"] is None and hidden["media_url"] == ""


# --- tokens and discovery -------------------------------------------------------------------
def test_tokens(client, order):
    o = order()
    assert as_json(client.get(f"{BASE}/tokens/{o.number}.json")) == [
        {"service_request_id": o.number, "token": o.number}
    ]
    resp = client.get(f"{BASE}/tokens/nothing.xml")
    assert resp.status_code == 404 and xml(resp)["errors"]["error"]["code"] == "404"


def test_discovery_json_and_xml(client, topics):
    body = as_json(client.get(f"{BASE}/discovery.json"))
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and endpoint["formats"] == [
        "text/xml",
        "application/json",
    ]
    assert body["changeset"].endswith("+08:00")
    doc = xml(client.get(f"{BASE}/discovery.xml"))["discovery"]
    assert doc["endpoints"]["endpoint"]["formats"]["format"] == ["text/xml", "application/json"]


# --- the georeport client from PyPI -----------------------------------------------------------
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_services_definitions_and_requests(live_server, fmt):
    from georeport import GeoReport

    from yingshang.hotline.models import Topic
    from yingshang.testing.personas import make_personas

    from .conftest import EXTRA

    people = make_personas()
    Topic.objects.create(
        code="food-safety", name="食品安全", default_unit=people.unit_a, extra_fields=EXTRA
    )
    Topic.objects.create(code="noise", name="噪音扰民", default_unit=people.unit_b)
    o1 = hotline.workorder_register(
        actor=people.operator,
        content="餐馆卫生差，请查处。",
        topic=Topic.objects.get(code="food-safety"),
        caller_phone="13912345678",
        address="城关镇人民路88号",
    )
    o2 = hotline.workorder_register(
        actor=people.operator,
        content="夜间施工噪音扰民。",
        topic=Topic.objects.get(code="noise"),
        caller_phone="13912345679",
        address="东坝镇",
    )
    client = GeoReport(f"{live_server.url}/open311/v2/", output_format=fmt)
    services = client.get_service_list()
    assert [s["service_code"] for s in services] == ["food-safety", "noise"]
    definition = client.get_service_definition("food-safety")
    assert definition["service_code"] == "food-safety"
    attributes = (
        definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    )
    assert attributes[0]["code"] == "place"
    requests_ = client.get_service_requests(service_code="noise")
    if fmt == "xml":  # xmltodict gives a dict for a single child
        requests_ = [requests_] if isinstance(requests_, dict) else requests_
    assert [r["service_request_id"] for r in requests_] == [o2.number]
    both = client.get_service_requests(service_request_id=f"{o1.number},{o2.number}", status="open")
    assert len(both) == 2
    one = client.get_service_request(o1.number)
    assert one["service_request_id"] == o1.number and one["status"] == "open"
    start = (timezone.localtime() - dt.timedelta(days=1)).replace(microsecond=0).isoformat()
    assert len(client.get_service_requests(start_date=start)) == 2


@pytest.mark.parametrize(
    "written,digits",
    [
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("0558-1234 5678", "055812345678"),
        ("（0558）1234567", "05581234567"),
        ("110105 19491231 002X", "11010519491231002X"),
    ],
)
def test_numbers_written_with_spaces_dashes_or_full_width_are_masked(
    client, order, written, digits
):
    o = order(content=f"请回电{written}，谢谢。")
    closed = order(content="路灯不亮。")
    WorkOrder.objects.filter(pk=closed.pk).update(
        status=WorkOrder.Status.CLOSED, reply=f"已联系反映人（{written}）处理完毕。"
    )
    rows = {r["service_request_id"]: r for r in client.get(f"{BASE}/requests.json").json()}
    description = rows[o.number]["description"]
    notes = rows[closed.number]["status_notes"]
    for text in (description, notes):
        shown = "".join(ch for ch in text if ch.isdigit() or ch in "Xx*")
        assert digits not in shown and written not in text, text
        assert "****" in text and digits[-4:] in text, text


def test_masked_texts_kept_between_requests_are_masked_the_same(client, order, settings):
    """The list keeps its masked texts per process (processcache): a second read answers the
    same, and a text first seen on the second read is masked too."""
    from yingshang import processcache

    settings.PROCESS_CACHE_SECONDS = 10
    processcache.clear_all()
    try:
        first = order(content="请回电138 0013 8000，谢谢。")
        once = client.get(f"{BASE}/requests.json").json()
        assert len(processcache.caches()["open311.masked"]) > 0
        assert client.get(f"{BASE}/requests.json").json() == once
        second = order(content="联系电话13900139000。")
        rows = {r["service_request_id"]: r for r in client.get(f"{BASE}/requests.json").json()}
        for o, digits in ((first, "13800138000"), (second, "13900139000")):
            text = rows[o.number]["description"]
            assert digits not in text.replace(" ", "") and "****" in text, text
    finally:
        processcache.clear_all()
