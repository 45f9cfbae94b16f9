"""The firm a request concerns (涉企) is given by its USCC (issue 17): a code that fails the
GB 32100 check is refused with its own message and code; one typed in lower case, full width or
with spaces finds the firm."""

import pytest

from yingshang.hotline.models import WorkOrder
from yingshang.hotline.tests.test_api import BODY

pytestmark = pytest.mark.django_db
URL = "/api/v1/hotline/orders"


def _body(uscc):
    return {**BODY, "external_number": "", "source_system": "", "firm_uscc": uscc}


def test_api_refuses_a_wrong_check_character_with_a_stable_code(personas, api_client, topic):
    r = api_client(personas.operator).post(
        URL, _body("91350100M000100Y44"), content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["code"] == "USCC_INVALID"
    assert "统一社会信用代码校验位不正确" in r.json()["message"]
    assert r.json()["details"] == {"field": "firm_uscc", "reason": "uscc_check"}
    assert not WorkOrder.objects.exists()


def test_api_finds_the_firm_however_its_code_is_typed(personas, api_client, topic):
    r = api_client(personas.operator).post(
        URL, _body("９１３５ ０１００ Ｍ０００ １００ｙ４３"), content_type="application/json"
    )
    assert r.status_code == 201
    assert WorkOrder.objects.get().firm == personas.firm


def test_console_shows_the_message_of_a_wrong_code(personas, login, topic):
    response = login(personas.operator).post(
        "/staff/hotline/console/",
        {
            "caller_phone": "13700001111",
            "caller_name": "赵六",
            "channel": "phone",
            "category": "complaint",
            "urgency": "normal",
            "topic": topic.pk,
            "content": "企业反映办证难。",
            "mode": "dispatch",
            "main_unit": personas.unit_a.pk,
            "firm_uscc": "123",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400 and "统一社会信用代码应为18位" in html
    assert "企业反映办证难" in html and not WorkOrder.objects.exists()


def test_portal_phone_typed_in_full_width_is_stored_as_digits_and_found_again(client, topic):
    # issue 17: 全角 digits passed the old \d pattern and were stored as typed
    response = client.post(
        "/hotline/submit/",
        {
            "caller_name": "赵六",
            "caller_phone": "１３７ ００００ １１１１",
            "category": "complaint",
            "topic": topic.pk,
            "content": "超市出售过期食品，请查处。",
        },
    )
    assert response.status_code == 200
    order = WorkOrder.objects.get()
    assert order.caller_phone == "13700001111"
    found = client.post(
        "/hotline/lookup/", {"number": order.number, "phone": "137-0000-1111"}
    ).content.decode()
    assert "未找到该工单" not in found and "137****1111" in found
