"""协办: co-handling units give their opinion; the main unit sees them next to its reply form."""

import pytest

from yingshang.audit.models import AuditEvent
from yingshang.errors import DomainError
from yingshang.hotline import services
from yingshang.hotline.models import CoUnit
from yingshang.notify.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def co_order(make_order, personas):
    """Dispatched to unit A (main) with unit B as co-unit."""

    def _make(sign=True, **kw):
        order = services.workorder_dispatch(
            actor=personas.operator,
            order=make_order(**kw),
            main_unit=personas.unit_a,
            co_units=[personas.unit_b],
        )
        if sign:
            order = services.workorder_sign(actor=personas.handler_a, order=order)
        return order

    return _make


def test_co_unit_gives_an_opinion_and_the_main_unit_is_told(co_order, personas):
    order = co_order()
    link = services.workorder_co_opinion(
        actor=personas.handler_b, order=order, opinion="该店证照属我局管辖，已安排联合检查。"
    )
    assert link.opinion.startswith("该店证照") and link.opinion_by == personas.handler_b
    event = AuditEvent.objects.filter(action="hotline.co_opinion", object_id=str(order.pk)).get()
    assert event.unit_id == personas.unit_b.pk and "联合检查" in str(event.changes)
    told = Message.objects.filter(recipient__in=[personas.handler_a, personas.head_a])
    assert any("协办意见" in m.body and "联合检查" in m.body for m in told)


def test_opinion_can_be_revised_until_the_main_unit_replies(co_order, personas):
    order = co_order()
    services.workorder_co_opinion(actor=personas.handler_b, order=order, opinion="初步意见")
    services.workorder_co_opinion(actor=personas.handler_b, order=order, opinion="修改后的意见")
    assert CoUnit.objects.get(order=order).opinion == "修改后的意见"
    assert AuditEvent.objects.filter(action="hotline.co_opinion").count() == 2
    # the same text again (a retried request) changes nothing
    services.workorder_co_opinion(actor=personas.handler_b, order=order, opinion="修改后的意见")
    assert AuditEvent.objects.filter(action="hotline.co_opinion").count() == 2

    services.workorder_reply(
        actor=personas.handler_a, order=order, text="已会同住建局检查并整改完毕。"
    )
    with pytest.raises(DomainError) as exc:
        services.workorder_co_opinion(actor=personas.handler_b, order=order, opinion="太晚了的意见")
    assert exc.value.code == "HOTLINE_CO_OPINION_STATE" and exc.value.status == 409
    assert CoUnit.objects.get(order=order).opinion == "修改后的意见"


def test_no_opinion_before_the_main_unit_signs(co_order, personas):
    order = co_order(sign=False)
    with pytest.raises(DomainError) as exc:
        services.workorder_co_opinion(actor=personas.handler_b, order=order, opinion="提前的意见")
    assert exc.value.code == "HOTLINE_CO_OPINION_STATE"
    assert "签收后" in exc.value.message


@pytest.mark.parametrize("who", ["handler_a", "head_a", "operator", "applicant"])
def test_only_the_co_unit_may_give_the_opinion(co_order, personas, who):
    order = co_order()
    with pytest.raises(DomainError) as exc:
        services.workorder_co_opinion(
            actor=personas.by_role(who), order=order, opinion="不是我的事"
        )
    assert exc.value.code == "HOTLINE_CO_OPINION_FORBIDDEN" and exc.value.status == 403
    assert not AuditEvent.objects.filter(action="hotline.co_opinion").exists()


def test_empty_opinion_is_refused(co_order, personas):
    with pytest.raises(DomainError) as exc:
        services.workorder_co_opinion(actor=personas.handler_b, order=co_order(), opinion="  ")
    assert exc.value.code == "HOTLINE_CO_OPINION_REQUIRED"


def test_after_a_redo_the_co_unit_may_revise_its_opinion(co_order, personas):
    order = co_order()
    services.workorder_co_opinion(actor=personas.handler_b, order=order, opinion="第一次意见")
    order = services.workorder_reply(
        actor=personas.handler_a, order=order, text="已检查，情况属实。"
    )
    order = services.workorder_review_reply(actor=personas.operator, order=order, approve=True)
    order = services.workorder_callback(actor=personas.operator, order=order, satisfied=False)
    order = services.workorder_redo(
        actor=personas.operator, order=order, reason="诉求人反映问题仍存在"
    )
    link = services.workorder_co_opinion(
        actor=personas.handler_b, order=order, opinion="重办意见：再次联合检查"
    )
    assert link.opinion == "重办意见：再次联合检查"


# --- pages -------------------------------------------------------------------------------------
def test_co_unit_queue_tabs_list_pending_then_given(co_order, personas, login):
    order = co_order()
    client = login(personas.handler_b)
    pending = client.get("/staff/hotline/queue/?queue=co_pending").content.decode()
    assert order.number in pending and "协办待提交意见" in pending
    services.workorder_co_opinion(actor=personas.handler_b, order=order, opinion="我局同意配合")
    assert order.number not in client.get("/staff/hotline/queue/?queue=co_pending").content.decode()
    given = client.get("/staff/hotline/queue/?queue=co_given").content.decode()
    assert order.number in given
    # the main unit's own queues do not list it as a co-order
    main = login(personas.handler_a).get("/staff/hotline/queue/?queue=co_pending")
    assert order.number not in main.content.decode()


def test_co_unit_submits_on_the_order_page_but_has_no_main_unit_actions(co_order, personas, login):
    order = co_order()
    client = login(personas.handler_b)
    html = client.get(f"/staff/hotline/orders/{order.pk}/").content.decode()
    assert "本单位为协办单位" in html and 'data-testid="co-opinion-submit"' in html
    assert 'data-testid="reply-submit"' not in html and "act/ask_extension/" not in html
    r = client.post(
        f"/staff/hotline/orders/{order.pk}/act/co_opinion/", {"opinion": "建议一并核查排污许可。"}
    )
    assert r.status_code == 302
    assert (
        client.post(
            f"/staff/hotline/orders/{order.pk}/act/reply/", {"text": "越权答复内容"}
        ).status_code
        == 403
    )


def test_main_unit_sees_opinions_and_which_are_missing(make_order, personas, login):
    from yingshang.org.models import Unit

    unit_c = Unit.objects.create(code="hbj", name="测试县生态环境分局", kind=Unit.Kind.DEPARTMENT)
    order = services.workorder_dispatch(
        actor=personas.operator,
        order=make_order(),
        main_unit=personas.unit_a,
        co_units=[personas.unit_b, unit_c],
    )
    order = services.workorder_sign(actor=personas.handler_a, order=order)
    services.workorder_co_opinion(
        actor=personas.handler_b, order=order, opinion="住建局：已核实无违建"
    )
    html = login(personas.handler_a).get(f"/staff/hotline/orders/{order.pk}/").content.decode()
    assert "住建局：已核实无违建" in html and "住建经办" in html
    assert "测试县生态环境分局" in html and "尚未提交意见" in html and "未提交 1" in html
    assert 'data-testid="reply-submit"' in html and 'data-testid="co-opinion-submit"' not in html


def test_co_opinion_page_errors_are_clear(co_order, personas, login):
    order = co_order(sign=False)
    client = login(personas.handler_b)
    html = client.get(f"/staff/hotline/orders/{order.pk}/").content.decode()
    assert "主办单位签收后可提交协办意见" in html
    r = client.post(f"/staff/hotline/orders/{order.pk}/act/co_opinion/", {"opinion": "提前的意见"})
    assert r.status_code == 409 and "签收后" in r.content.decode()
    main = login(personas.handler_a).post(
        f"/staff/hotline/orders/{order.pk}/act/co_opinion/", {"opinion": "主办单位的意见"}
    )
    assert main.status_code == 403 and "协办单位" in main.content.decode()


def test_another_unit_cannot_see_or_post_co_opinions(co_order, personas, login):
    from yingshang.org.models import RoleAssignment, Unit, User
    from yingshang.org.roles import Role

    other = Unit.objects.create(code="jyj", name="测试县教育局", kind=Unit.Kind.DEPARTMENT)
    stranger = User.objects.create_user("jy", password="x", real_name="教育经办")
    RoleAssignment.objects.create(user=stranger, role=Role.DEPT_HANDLER, unit=other)
    order = co_order()
    client = login(stranger)
    assert client.get(f"/staff/hotline/orders/{order.pk}/").status_code == 404
    r = client.post(f"/staff/hotline/orders/{order.pk}/act/co_opinion/", {"opinion": "越权意见"})
    assert r.status_code == 404
    assert order.number not in client.get("/staff/hotline/queue/?queue=co_pending").content.decode()


# --- API -------------------------------------------------------------------------------------------
def test_api_co_opinion(co_order, personas, api_client):
    order = co_order()
    url = f"/api/v1/hotline/orders/{order.pk}/co-opinion"
    r = api_client(personas.handler_b).post(
        url, {"opinion": "住建局意见：配合检查"}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["unit_id"] == personas.unit_b.pk and body["opinion"] == "住建局意见：配合检查"
    assert body["opinion_by"] == "住建经办"
    detail = api_client(personas.handler_a).get(f"/api/v1/hotline/orders/{order.pk}").json()
    assert detail["co_opinions"][0]["opinion"] == "住建局意见：配合检查"
    assert detail["abilities"]["co_opinion"] is False and detail["abilities"]["reply"] is True
    co_detail = api_client(personas.handler_b).get(f"/api/v1/hotline/orders/{order.pk}").json()
    assert co_detail["abilities"]["co_opinion"] is True and co_detail["abilities"]["reply"] is False


def test_api_co_opinion_errors(co_order, personas, api_client):
    order = co_order()
    url = f"/api/v1/hotline/orders/{order.pk}/co-opinion"
    forbidden = api_client(personas.handler_a).post(
        url, {"opinion": "主办单位的意见"}, content_type="application/json"
    )
    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "HOTLINE_CO_OPINION_FORBIDDEN"
    services.workorder_reply(actor=personas.handler_a, order=order, text="已办理完毕并答复诉求人。")
    late = api_client(personas.handler_b).post(
        url, {"opinion": "太晚了的意见"}, content_type="application/json"
    )
    assert late.status_code == 409 and late.json()["code"] == "HOTLINE_CO_OPINION_STATE"
    assert "答复前" in late.json()["message"]
    from yingshang.org.models import User

    outsider = api_client(User.objects.get(username="outsider")).post(
        url, {"opinion": "路人意见"}, content_type="application/json"
    )
    assert outsider.status_code == 404
