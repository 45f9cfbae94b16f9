import io

import pytest
from openpyxl import load_workbook

from yingshang.audit.models import AuditEvent
from yingshang.hotline import services
from yingshang.hotline.models import WorkOrder

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


@pytest.fixture
def confidential(dispatched):
    return dispatched(caller_name="王秘密", caller_phone=PHONE, confidential=True)


def test_confidential_caller_is_hidden_on_the_unit_page(confidential, personas, login):
    html = (
        login(personas.handler_a).get(f"/staff/hotline/orders/{confidential.pk}/").content.decode()
    )
    assert "王秘密" not in html and PHONE not in html and "5678" not in html
    assert "保密" in html


def test_confidential_caller_is_visible_to_the_operator(confidential, personas, login):
    html = (
        login(personas.operator).get(f"/staff/hotline/orders/{confidential.pk}/").content.decode()
    )
    assert "王秘密" in html and PHONE in html


def test_confidential_caller_is_hidden_in_the_unit_queue_and_export(confidential, personas, login):
    client = login(personas.handler_a)
    html = client.get("/staff/hotline/queue/?queue=to_sign").content.decode()
    assert confidential.number in html and "王秘密" not in html and "5678" not in html
    response = client.get("/staff/hotline/orders/?export=1")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [str(c.value) for row in ws.iter_rows() for c in row]
    assert confidential.number in cells
    assert not any("王秘密" in c or "5678" in c for c in cells)


def test_confidential_caller_is_hidden_in_the_api(confidential, personas, api_client):
    client = api_client(personas.handler_a)
    body = client.get(f"/api/v1/hotline/orders/{confidential.pk}").json()
    assert (
        body["caller_name"] == "保密"
        and body["caller_phone"] == ""
        and body["caller_hidden"] is True
    )
    listing = client.get("/api/v1/hotline/orders").content.decode()
    assert "王秘密" not in listing and "5678" not in listing


def test_confidential_caller_is_not_in_the_audit_timeline(confidential, personas, login):
    events = AuditEvent.objects.filter(
        object_type="hotline.workorder", object_id=str(confidential.pk)
    )
    assert not any("王秘密" in str(e.changes) or PHONE in str(e.changes) for e in events)


def test_phone_is_masked_in_lists_for_the_operator(dispatched, personas, login):
    order = dispatched()
    html = login(personas.operator).get("/staff/hotline/orders/").content.decode()
    assert order.number in html and "138****5678" in html and PHONE not in html


def test_another_unit_gets_404_for_an_order_not_theirs(dispatched, personas, login, api_client):
    order = dispatched()
    assert login(personas.handler_b).get(f"/staff/hotline/orders/{order.pk}/").status_code == 404
    assert (
        api_client(personas.handler_b).get(f"/api/v1/hotline/orders/{order.pk}").status_code == 404
    )


def test_operator_console_registers_and_dispatches(personas, login, topic):
    client = login(personas.operator)
    page = client.get("/staff/hotline/console/")
    assert page.status_code == 200 and "autofocus" in page.content.decode()
    response = client.post(
        "/staff/hotline/console/",
        {
            "caller_phone": "13700001111",
            "caller_name": "赵六",
            "channel": "phone",
            "category": "complaint",
            "urgency": "normal",
            "topic": topic.pk,
            "content": "超市出售过期食品，请查处。",
            "mode": "dispatch",
            "main_unit": personas.unit_a.pk,
        },
    )
    assert response.status_code == 302
    order = WorkOrder.objects.get(caller_phone="13700001111")
    assert order.status == "awaiting_sign" and order.main_unit == personas.unit_a


def test_console_keeps_what_was_typed_on_error(personas, login):
    client = login(personas.operator)
    response = client.post(
        "/staff/hotline/console/",
        {
            "caller_phone": "",
            "caller_name": "赵六",
            "channel": "phone",
            "category": "complaint",
            "urgency": "normal",
            "content": "超市出售过期食品，请查处。",
            "mode": "dispatch",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400 and "请填写联系电话" in html and "超市出售过期食品" in html
    assert not WorkOrder.objects.exists()


def test_console_caller_history_by_phone(make_order, personas, login):
    order = make_order()
    html = (
        login(personas.operator)
        .get("/staff/hotline/console/history/", {"caller_phone": PHONE})
        .content.decode()
    )
    assert order.number in html


def test_console_duplicate_suggestions(make_order, personas, login):
    order = make_order()
    html = (
        login(personas.operator)
        .get(
            "/staff/hotline/console/duplicates/",
            {"content": "某某饭店后厨卫生状况差，有老鼠", "caller_phone": "", "address": ""},
        )
        .content.decode()
    )
    assert order.number in html


def test_console_is_for_operators(personas, login):
    assert login(personas.handler_a).get("/staff/hotline/console/").status_code == 403


def test_unit_signs_on_the_order_page_and_wrong_state_is_refused(dispatched, personas, login):
    order = dispatched()
    client = login(personas.handler_a)
    assert client.post(f"/staff/hotline/orders/{order.pk}/act/sign/").status_code == 302
    order.refresh_from_db()
    assert order.status == "in_progress"
    again = client.post(f"/staff/hotline/orders/{order.pk}/act/sign/")
    assert again.status_code == 409 and "当前状态下不能执行此操作" in again.content.decode()


def test_order_page_shows_only_allowed_actions(dispatched, personas, login):
    order = dispatched()
    html = login(personas.handler_a).get(f"/staff/hotline/orders/{order.pk}/").content.decode()
    assert 'data-testid="sign"' in html and "act/reply/" not in html and "act/dispatch/" not in html


def test_portal_submit_and_lookup(client, personas, topic):
    response = client.post(
        "/hotline/submit/",
        {
            "caller_name": "孙七",
            "caller_phone": "13911112222",
            "category": "help",
            "topic": topic.pk,
            "content": "小区门口路灯坏了一个月了，晚上很不安全。",
        },
    )
    assert response.status_code == 200
    order = WorkOrder.objects.get(caller_phone="13911112222")
    assert order.channel == "web" and order.number in response.content.decode()
    found = client.post("/hotline/lookup/", {"number": order.number, "phone": "13911112222"})
    html = found.content.decode()
    assert found.status_code == 200 and "139****2222" in html and "已登记" in html
    wrong = client.post("/hotline/lookup/", {"number": order.number, "phone": "13900000000"})
    assert wrong.status_code == 404 and "未找到该工单" in wrong.content.decode()


def test_portal_submit_is_rate_limited_per_phone(client, personas):
    data = {
        "caller_name": "孙七",
        "caller_phone": "13911112222",
        "category": "help",
        "content": "小区门口路灯坏了一个月了，晚上很不安全。",
    }
    for _ in range(3):
        assert client.post("/hotline/submit/", data, REMOTE_ADDR=f"10.0.0.{_}").status_code == 200
    blocked = client.post("/hotline/submit/", data, REMOTE_ADDR="10.0.0.9")
    assert blocked.status_code == 429 and "提交过于频繁" in blocked.content.decode()
    assert "小区门口路灯坏了" in blocked.content.decode()
    assert WorkOrder.objects.count() == 3


def test_portal_submit_is_rate_limited_per_ip(client, personas):
    for i in range(5):
        client.post(
            "/hotline/submit/",
            {
                "caller_name": "孙七",
                "caller_phone": f"1391111000{i}",
                "category": "help",
                "content": "小区门口路灯坏了一个月了，晚上很不安全。",
            },
        )
    blocked = client.post(
        "/hotline/submit/",
        {
            "caller_name": "孙七",
            "caller_phone": "13911119999",
            "category": "help",
            "content": "小区门口路灯坏了一个月了，晚上很不安全。",
        },
    )
    assert blocked.status_code == 429 and WorkOrder.objects.count() == 5


def test_portal_rating_after_reply(awaiting_callback, client):
    order = awaiting_callback()
    response = client.post(
        "/hotline/lookup/", {"number": order.number, "phone": PHONE, "rate": "0"}
    )
    assert "感谢您的评价" in response.content.decode()
    order.refresh_from_db()
    assert order.portal_rating is False and order.satisfied is False


def test_criticism_lists_units_five_working_days_overdue(in_progress, personas, login, clock):
    from yingshang.hotline.tests.conftest import at

    order = in_progress(category="consult")  # due Thursday 26 Nov
    clock(at(3, 10, month=12))  # 5 working days later: Thu 3 Dec
    html = login(personas.supervisor).get("/staff/hotline/criticism/").content.decode()
    assert "测试县市场监督管理局" not in html.split("criticism-units")[1].split("</table>")[0]
    clock(at(4, 10, month=12))
    html = login(personas.supervisor).get("/staff/hotline/criticism/").content.decode()
    assert "测试县市场监督管理局" in html.split("criticism-units")[1].split("</table>")[0]
    assert order.number in html


def test_supervisor_changes_a_limit_rule_and_new_dispatches_use_it(
    personas, login, make_order, clock
):
    from yingshang.audit.models import AuditEvent
    from yingshang.hotline.models import LimitRule

    rule = LimitRule.objects.get(purpose="handle", category="complaint", urgency="")
    client = login(personas.supervisor)
    response = client.post(
        "/staff/hotline/settings/",
        {
            "rule": rule.pk,
            "purpose": "handle",
            "category": "complaint",
            "urgency": "",
            "amount": "10",
            "unit": "working_days",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.amount == 10
    assert AuditEvent.objects.filter(action="hotline.limit_rule", object_id=str(rule.pk)).exists()
    order = services.workorder_dispatch(
        actor=personas.operator, order=make_order(), main_unit=personas.unit_a
    )
    assert order.handle_due_at.date().isoformat() == "2026-12-07"  # 10 working days from Tue 24 Nov
    bad = client.post(
        "/staff/hotline/settings/",
        {
            "rule": rule.pk,
            "purpose": "handle",
            "category": "complaint",
            "urgency": "",
            "amount": "1.5",
            "unit": "working_days",
        },
    )
    assert bad.status_code == 400 and "以天计的时限必须是整数" in bad.content.decode()


def test_kpi_weights_are_configurable_by_supervisors_only(personas, login):
    from yingshang.hotline.models import KpiConfig

    assert login(personas.operator).get("/staff/hotline/settings/").status_code == 403
    response = login(personas.supervisor).post(
        "/staff/hotline/settings/",
        {
            "form": "kpi",
            "weight_response": "10",
            "weight_resolution": "45",
            "weight_satisfaction": "45",
            "min_sample": "5",
        },
    )
    assert response.status_code == 302
    config = KpiConfig.get()
    assert (config.weight_response, config.min_sample) == (10, 5)


def test_unit_uploads_a_photo_and_another_unit_cannot_download_it(
    in_progress, personas, login, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    order = in_progress()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    client = login(personas.handler_a)
    r = client.post(
        f"/staff/hotline/orders/{order.pk}/act/attach/",
        {"file": SimpleUploadedFile("现场.png", png, content_type="image/png")},
    )
    assert r.status_code == 302
    att = order.attachments.get()
    assert AuditEvent.objects.filter(action="hotline.attach", object_id=str(order.pk)).exists()
    assert client.get(f"/staff/hotline/orders/{order.pk}/files/{att.pk}/").status_code == 200
    assert (
        login(personas.handler_b)
        .get(f"/staff/hotline/orders/{order.pk}/files/{att.pk}/")
        .status_code
        == 404
    )
    bad = login(personas.handler_a).post(
        f"/staff/hotline/orders/{order.pk}/act/attach/",
        {"file": SimpleUploadedFile("x.exe", b"MZ" + b"\x00" * 64)},
    )
    assert bad.status_code == 400 and "不是允许的格式" in bad.content.decode()


def test_home_cards_show_the_hotline_queues(dispatched, personas, login):
    dispatched()
    html = login(personas.handler_a).get("/staff/").content.decode()
    assert "12345热线工单" in html and "/staff/hotline/queue/?queue=to_sign" in html
    html = login(personas.operator).get("/staff/").content.decode()
    assert "12345热线分中心" in html and "热线受理台" in html


def test_co_unit_sees_the_order_but_cannot_act(make_order, personas, login):
    order = services.workorder_dispatch(
        actor=personas.operator,
        order=make_order(),
        main_unit=personas.unit_a,
        co_units=[personas.unit_b],
    )
    client = login(personas.handler_b)
    page = client.get(f"/staff/hotline/orders/{order.pk}/")
    assert page.status_code == 200 and 'data-testid="sign"' not in page.content.decode()
    assert client.post(f"/staff/hotline/orders/{order.pk}/act/sign/").status_code == 403
    order.refresh_from_db()
    assert order.status == "awaiting_sign"


def test_merged_duplicate_is_listed_on_the_kept_order(make_order, personas, login):
    kept, dup = make_order(), make_order()
    services.workorder_merge(actor=personas.operator, order=dup, into=kept, reason="同一诉求")
    html = login(personas.operator).get(f"/staff/hotline/orders/{kept.pk}/").content.decode()
    assert "已并入的重复工单" in html and dup.number in html


def test_garbage_ids_in_action_forms_answer_404_not_500(in_progress, personas, login):
    order = in_progress()
    client = login(personas.operator)
    assert (
        client.post(
            f"/staff/hotline/orders/{order.pk}/act/decide_extension/", {"extension_id": "abc"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/staff/hotline/orders/{order.pk}/act/rule_return/", {"return_id": ""}
        ).status_code
        == 404
    )
    assert client.post(f"/staff/hotline/orders/{order.pk}/act/nonsense/").status_code == 404


def test_dispatch_on_the_order_page_records_the_suggestion_shown(make_order, personas, login):
    order = make_order()
    login(personas.operator).post(
        f"/staff/hotline/orders/{order.pk}/act/dispatch/",
        {"main_unit": personas.unit_b.pk, "suggested_unit": personas.unit_a.pk},
    )
    event = AuditEvent.objects.get(action="hotline.dispatch", object_id=str(order.pk))
    assert event.changes["suggested_unit_id"][1] == personas.unit_a.pk
    assert event.changes["main_unit_id"][1] == personas.unit_b.pk


def test_portal_honeypot_stores_nothing(client, personas):
    r = client.post(
        "/hotline/submit/",
        {
            "caller_name": "机器人",
            "caller_phone": "13911112222",
            "category": "help",
            "content": "这是一条自动提交的垃圾信息内容内容",
            "website": "http://spam",
        },
    )
    assert r.status_code == 200 and not WorkOrder.objects.exists()


def test_portal_lookup_is_rate_limited_per_ip(client, personas):
    for _ in range(20):
        client.post("/hotline/lookup/", {"number": "GD1", "phone": "13900000000"})
    blocked = client.post("/hotline/lookup/", {"number": "GD1", "phone": "13900000000"})
    assert blocked.status_code == 429 and "查询过于频繁" in blocked.content.decode()


def test_unit_uploads_a_phone_photo_in_webp_and_an_executable_is_refused(
    in_progress, personas, login, settings, tmp_path
):
    """Staff files follow the evidence rules the caller's own files follow (photos in any
    common format, office files), and nothing else."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    order = in_progress()
    webp = b"RIFF" + (64).to_bytes(4, "little") + b"WEBPVP8 " + b"\x00" * 64
    client = login(personas.handler_a)
    r = client.post(
        f"/staff/hotline/orders/{order.pk}/act/attach/",
        {"file": SimpleUploadedFile("现场.webp", webp, content_type="image/webp")},
    )
    assert r.status_code == 302
    assert order.attachments.get().name == "现场.webp"
    exe = b"MZ" + b"\x90\x00" * 40
    r = client.post(
        f"/staff/hotline/orders/{order.pk}/act/attach/",
        {"file": SimpleUploadedFile("照片.webp", exe, content_type="image/webp")},
    )
    assert r.status_code == 400 and "不是允许的格式" in r.content.decode()
    assert order.attachments.count() == 1


def test_the_queue_tabs_count_what_each_queue_lists(personas, login, clock):
    """The handler's queue counts (one query over the unit's open orders) equal the lengths of
    the lists behind each tab."""
    from yingshang.hotline import selectors
    from yingshang.hotline.tests.conftest import at
    from yingshang.hotline.tests.factories import WorkOrderFactory

    orders = [WorkOrderFactory(actor=personas.operator) for _ in range(4)]
    for order in orders[:3]:
        services.workorder_dispatch(actor=personas.operator, order=order, main_unit=personas.unit_a)
    services.workorder_sign(actor=personas.handler_a, order=orders[0])
    clock(at(30))  # a week later: the two unsigned orders are past their sign deadline
    counts = selectors.queue_counts(personas.handler_a)
    lists = {key: selectors.unit_queue(personas.handler_a, key).count() for key in selectors.QUEUES}
    assert counts == lists
    assert counts["to_sign"] == 2 and counts["in_progress"] == 1 and counts["overdue"] >= 2
    html = login(personas.handler_a).get("/staff/hotline/queue/").content.decode()
    assert "待签收" in html
