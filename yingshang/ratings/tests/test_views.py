import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from yingshang.audit.models import AuditEvent
from yingshang.notify.models import Message
from yingshang.ratings import links
from yingshang.ratings import targets as T
from yingshang.ratings.models import Channel, Rating, RatingInvitation, Rectification
from yingshang.ratings.services import rating_invite_due, rating_submit, visit_start

pytestmark = pytest.mark.django_db


# --- signed one-click links -------------------------------------------------------------------
def test_signed_link_records_the_rating_on_the_click(client, personas, make_case):
    case = make_case()
    token = links.make_token("case", case.pk, "deliver")
    page = client.get(reverse("ratings:link", args=[token]))
    assert page.status_code == 200 and "非常不满意" in page.content.decode()
    assert not Rating.objects.exists()  # opening the link records nothing
    response = client.post(reverse("ratings:link", args=[token]), {"level": "1"})
    rating = Rating.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "ratings:details", args=[rating.pk]
    )
    assert rating.level == 1 and rating.channel == "sms" and rating.case == case
    # the SMS went to the applicant: a real-name rating with a callback number
    assert (
        rating.rater == personas.applicant
        and Rectification.objects.get(rating=rating).callback_required
    )
    # the details page only adds to it
    details = client.post(
        reverse("ratings:details", args=[rating.pk]), {"problems": ["slow"], "comment": "慢"}
    )
    assert details.status_code == 200
    rating.refresh_from_db()
    assert rating.problems == ["slow"] and rating.level == 1


def test_tampered_link_is_refused(client, personas, make_case):
    case = make_case()
    other = make_case()
    token = links.make_token("case", case.pk, "deliver")
    forged = token.replace(
        token.split(":")[0], links.make_token("case", other.pk, "deliver").split(":")[0]
    )
    for bad in (forged, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), "nonsense"):
        response = client.post(reverse("ratings:link", args=[bad]), {"level": "5"})
        assert response.status_code == 400 and "评价链接无效" in response.content.decode()
    assert not Rating.objects.exists()


def test_expired_link_is_refused(client, personas, make_case):
    case = make_case()
    with time_machine.travel(timezone.now() - dt.timedelta(days=16)):
        token = links.make_token("case", case.pk, "deliver")
    response = client.post(reverse("ratings:link", args=[token]), {"level": "5"})
    assert response.status_code == 410 and "已过期" in response.content.decode()
    assert not Rating.objects.exists()


def test_details_page_of_someone_elses_rating_is_404(client, personas, make_case):
    rating = rating_submit(
        actor=personas.applicant, target=T.for_case(make_case()), level=1, channel=Channel.WEB
    )
    response = client.post(reverse("ratings:details", args=[rating.pk]), {"comment": "篡改"})
    assert response.status_code == 404
    rating.refresh_from_db()
    assert rating.comment == ""


# --- invitations ------------------------------------------------------------------------------
def test_invitation_goes_out_three_days_after_delivery_once(personas, make_case):
    case = make_case(delivered_at=timezone.now() - dt.timedelta(days=4))
    make_case(delivered_at=timezone.now() - dt.timedelta(days=1))  # too early
    rated = make_case(delivered_at=timezone.now() - dt.timedelta(days=5))
    rating_submit(actor=personas.applicant, target=T.for_case(rated), level=5, channel=Channel.WEB)
    assert rating_invite_due() == 1
    assert rating_invite_due() == 0  # once
    invitation = RatingInvitation.objects.get()
    assert invitation.case == case
    sms = Message.objects.get(channel="sms", related_id=str(case.pk))
    assert sms.address == personas.applicant.mobile and "/ratings/l/" in sms.body
    assert Message.objects.filter(
        channel="inapp", recipient=personas.applicant, related_id=str(case.pk)
    ).exists()


# --- the window pad (kiosk) ---------------------------------------------------------------
def test_pad_takes_a_rating_in_one_tap_and_never_shows_it(login, personas):
    client = login(personas.clerk)
    url = reverse("ratings:pad", args=[personas.window.pk])
    assert "欢迎光临" in client.get(url).content.decode()
    client.post(reverse("ratings:pad_next", args=[personas.window.pk]))
    page = client.get(url).content.decode()
    assert "请您为本次服务评价" in page
    visit = personas.window.visits.get()
    response = client.post(
        reverse("ratings:pad_rate", args=[personas.window.pk]),
        {"visit": visit.pk, "token": visit.token, "level": "2"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "感谢您的评价" in body
    assert "不满意" not in body  # the clerk beside the pad does not learn the level
    rating = Rating.objects.get()
    assert (
        rating.channel == "window_pad"
        and rating.visit == visit
        and rating.anonymous
        and rating.staff == personas.clerk
    )
    # the pad goes back to idle: the rated visit is not offered again, and no rating is listed
    state = client.get(reverse("ratings:pad_state", args=[personas.window.pk])).content.decode()
    assert "欢迎光临" in state and "不满意" not in state


def test_pad_of_another_window_is_404(login, personas):
    from yingshang.org.models import Window

    other_hall_window = Window.objects.create(hall=personas.unit_b, number="09", name="住建窗口")
    response = login(personas.clerk).get(reverse("ratings:pad", args=[other_hall_window.pk]))
    assert response.status_code == 404


def test_pad_is_for_window_clerks_only(login, personas):
    assert (
        login(personas.handler_a).get(reverse("ratings:pad", args=[personas.window.pk])).status_code
        == 403
    )


def test_window_qr_rates_the_current_visit_once(client, personas):
    visit = visit_start(actor=personas.clerk, window=personas.window)
    page = client.get(reverse("ratings:window", args=[personas.window.pk])).content.decode()
    assert visit.token in page
    client.post(
        reverse("ratings:window", args=[personas.window.pk]),
        {"visit": visit.pk, "token": visit.token, "level": "5"},
    )
    again = client.post(
        reverse("ratings:window", args=[personas.window.pk]),
        {"visit": visit.pk, "token": visit.token, "level": "1"},
    )
    assert again.status_code == 409 and "一次一评" in again.content.decode()
    assert Rating.objects.get().channel == "qr"
    assert (
        "没有可评价的服务"
        in client.get(reverse("ratings:window", args=[personas.window.pk])).content.decode()
    )


def test_public_endpoints_are_rate_limited_by_ip(client, personas):
    from yingshang.ratings.models import RatingSettings

    RatingSettings.objects.create(pk=1, public_per_ip_per_minute=3)
    visit = visit_start(actor=personas.clerk, window=personas.window)
    codes = [
        client.post(
            reverse("ratings:window", args=[personas.window.pk]),
            {"visit": visit.pk, "token": "wrong", "level": "5"},
        ).status_code
        for _ in range(4)
    ]
    assert codes[:3] == [400, 400, 400] and codes[3] == 429
    assert not Rating.objects.exists()


def test_qr_codes_are_png(client, login, personas, make_case):
    window_png = client.get(reverse("ratings:qr", args=["window", personas.window.pk]))
    assert window_png.status_code == 200 and window_png["Content-Type"] == "image/png"
    assert window_png.content[:8] == b"\x89PNG\r\n\x1a\n"
    case = make_case()
    assert (
        client.get(reverse("ratings:qr", args=["case", case.pk])).status_code == 404
    )  # not logged in
    assert (
        login(personas.handler_b).get(reverse("ratings:qr", args=["case", case.pk])).status_code
        == 404
    )
    assert (
        login(personas.applicant).get(reverse("ratings:qr", args=["case", case.pk])).status_code
        == 200
    )


# --- web channel ------------------------------------------------------------------------------
def test_applicant_rates_a_delivered_case_from_my_ratings(login, personas, make_case):
    case = make_case()
    client = login(personas.applicant)
    assert case.number in client.get(reverse("ratings:mine")).content.decode()
    response = client.post(reverse("ratings:rate_case", args=[case.pk]), {"level": "5"})
    assert response.status_code == 302
    assert Rating.objects.get().channel == "web"
    assert (
        case.number
        not in client.get(reverse("ratings:mine")).content.decode().split("我的实名评价")[0]
    )


def test_applicant_cannot_rate_someone_elses_case(login, personas, make_case):
    case = make_case()
    response = login(personas.outsider).post(
        reverse("ratings:rate_case", args=[case.pk]), {"level": "1"}
    )
    assert response.status_code == 404
    assert not Rating.objects.exists()


# --- anonymity through every endpoint -----------------------------------------------------
@pytest.fixture
def anonymous_bad(personas, make_case):
    case = make_case()
    rating = rating_submit(
        actor=personas.applicant,
        target=T.for_case(case),
        level=1,
        channel=Channel.WEB,
        anonymous=True,
        problems=["slow"],
        comment="太慢了",
    )
    return case, rating


def _personal(personas, case):
    p = personas.applicant
    return [
        p.real_name,
        p.username,
        p.mobile,
        p.mobile[-4:] and p.mobile[:3] + "****" + p.mobile[-4:],
        case.number,
        p.id_number,
    ]


@pytest.mark.parametrize("who", ["handler_a", "head_a", "supervisor"])
def test_anonymous_rating_not_traceable_in_pages(login, personas, anonymous_bad, who):
    case, rating = anonymous_bad
    client = login(personas.by_role(who))
    rect = Rectification.objects.get(rating=rating)
    pages = [
        reverse("ratings:list"),
        reverse("ratings:detail", args=[rating.pk]),
        reverse("ratings:rectification", args=[rect.pk]),
        reverse("ratings:rectifications"),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert "匿名" in body or url == reverse("ratings:rectifications")
        for secret in _personal(personas, case):
            assert secret not in body, (url, secret)


def test_anonymous_rating_not_traceable_in_export(login, personas, anonymous_bad):
    case, _rating = anonymous_bad
    response = login(personas.supervisor).get(reverse("ratings:list") + "?export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(
        str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None
    )
    assert "匿名" in text and "太慢了" in text
    for secret in _personal(personas, case):
        assert secret not in text


def test_anonymous_rating_not_traceable_in_api(api_client, personas, anonymous_bad):
    case, rating = anonymous_bad
    client = api_client(personas.supervisor)
    for url in (f"/api/v1/ratings/ratings/{rating.pk}", "/api/v1/ratings/ratings"):
        body = client.get(url).content.decode()
        assert '"anonymous": true' in body or '"anonymous":true' in body
        for secret in _personal(personas, case):
            assert secret not in body, (url, secret)


def test_anonymous_rating_has_no_person_in_its_audit_trail(personas, anonymous_bad):
    _case, rating = anonymous_bad
    events = AuditEvent.objects.filter(object_type="ratings.rating", object_id=str(rating.pk))
    assert events.exists() and not events.exclude(actor=None).exists()
    assert not events.exclude(actor_name="").exists()


# --- scope ------------------------------------------------------------------------------------
def test_other_unit_gets_404_for_rating_and_rectification(login, personas, make_case):
    rating = rating_submit(
        actor=personas.applicant, target=T.for_case(make_case()), level=1, channel=Channel.WEB
    )
    rect = Rectification.objects.get(rating=rating)
    client = login(personas.handler_b)
    assert client.get(reverse("ratings:detail", args=[rating.pk])).status_code == 404
    assert client.get(reverse("ratings:rectification", args=[rect.pk])).status_code == 404
    assert "食品" not in client.get(reverse("ratings:list")).content.decode()


def test_clerk_cannot_see_ratings(login, personas, visit):
    rating_submit(
        actor=personas.clerk,
        target=T.for_visit(visit),
        level=1,
        channel=Channel.WINDOW_PAD,
        visit_token=visit.token,
        pad=True,
    )
    client = login(personas.clerk)
    assert client.get(reverse("ratings:list")).status_code == 403
    assert client.get("/api/v1/ratings/ratings").json() == []


def test_unit_verifies_through_the_page_and_typed_text_is_kept_on_error(login, personas, make_case):
    rating = rating_submit(
        actor=personas.applicant, target=T.for_case(make_case()), level=2, channel=Channel.WEB
    )
    rect = Rectification.objects.get(rating=rating)
    client = login(personas.handler_a)
    url = reverse("ratings:rectification", args=[rect.pk])
    page = client.get(url).content.decode()
    assert "13800138000" in page  # the unit gets the number to call back a real-name rater
    response = client.post(url, {"action": "reply", "outcome": "fixed_now", "reply": "我写的答复"})
    assert response.status_code == 403  # not yet: verify first
    client.post(url, {"action": "verify", "note": "属实"})
    response = client.post(url, {"action": "reply", "outcome": "", "reply": "我写的答复"})
    assert (
        "请选择处理方式" in response.content.decode() and "我写的答复" in response.content.decode()
    )
    rect.refresh_from_db()
    assert rect.status == "rectifying"


# --- public page ------------------------------------------------------------------------------
def test_public_page_publishes_satisfaction_and_rectifications_without_personal_data(
    client, personas, make_case
):
    from yingshang.ratings import services as R

    case = make_case()
    rating = rating_submit(
        actor=personas.applicant,
        target=T.for_case(case),
        level=1,
        channel=Channel.WEB,
        problems=["slow"],
        comment="私人意见张三",
    )
    rect = Rectification.objects.get(rating=rating)
    R.rectification_verify(actor=personas.handler_a, rectification=rect, note="属实")
    R.rectification_reply(
        actor=personas.handler_a, rectification=rect, outcome="fixed_now", reply="已压缩办理时限"
    )
    R.rectification_callback(
        actor=personas.supervisor, rectification=rect, result="satisfied", note="满意"
    )
    R.rectification_close(actor=personas.supervisor, rectification=rect)
    body = client.get(reverse("ratings:public")).content.decode()
    assert personas.unit_a.name in body and "已压缩办理时限" in body and "办理时间长" in body
    for secret in (*_personal(personas, case), "私人意见张三"):
        assert secret not in body
    assert "好差评公示" in client.get("/").content.decode()


def test_qr_sheet_lists_the_windows_of_the_clerks_hall(login, personas):
    body = login(personas.clerk).get(reverse("ratings:qr_sheet")).content.decode()
    assert reverse("ratings:qr", args=["window", personas.window.pk]) in body
    assert login(personas.handler_a).get(reverse("ratings:qr_sheet")).status_code == 403


def test_caller_invited_by_sms_rates_the_work_order_with_the_link(client, personas, make_order):
    closed = timezone.now() - dt.timedelta(days=4)
    order = make_order(closed_at=closed)
    make_order(closed_at=closed, satisfied=True)  # answered the 12345 callback: no invitation
    make_order(closed_at=closed, confidential=True)  # confidential caller: not contacted
    assert rating_invite_due() == 1
    sms = Message.objects.get(channel="sms")
    assert sms.address == "13700001111" and sms.related_id == str(order.pk)
    link = sms.body[sms.body.index("/ratings/l/") :]
    response = client.post(link, {"level": "2"})
    assert response.status_code == 302
    rating = Rating.objects.get(work_order=order)
    assert (
        rating.channel == "sms"
        and rating.rater_phone == "13700001111"
        and rating.unit == personas.unit_b
    )
    assert Rectification.objects.get(rating=rating).callback_required


def test_garbage_in_the_public_forms_is_a_clear_message_not_a_500(client, login, personas):
    visit = visit_start(actor=personas.clerk, window=personas.window)
    response = client.post(
        reverse("ratings:window", args=[personas.window.pk]), {"visit": "abc", "level": "x"}
    )
    assert response.status_code == 400 and "重新扫码" in response.content.decode()
    response = client.post(
        reverse("ratings:window", args=[personas.window.pk]),
        {"visit": visit.pk, "token": visit.token, "level": "x"},
    )
    assert response.status_code == 400 and "请选择评价等级" in response.content.decode()
    pad = login(personas.clerk).post(
        reverse("ratings:pad_rate", args=[personas.window.pk]), {"visit": "1;drop"}
    )
    assert pad.status_code == 200 and "本次服务已结束" in pad.content.decode()
    assert not Rating.objects.exists()


def test_unit_appeals_from_the_rating_page_and_supervisor_upholds_it(login, personas, make_case):
    rating = rating_submit(
        actor=personas.applicant, target=T.for_case(make_case()), level=1, channel=Channel.WEB
    )
    unit = login(personas.handler_a)
    url = reverse("ratings:appeal_submit", args=[rating.pk])
    empty = unit.post(url, {"kind": "malicious", "reason": "  "})
    assert "请填写申诉理由" in empty.content.decode()
    unit.post(url, {"kind": "malicious", "reason": "评价内容与本单位无关"})
    appeal = rating.appeals.get()
    sup = login(personas.supervisor)
    assert "评价内容与本单位无关" in sup.get(reverse("ratings:appeals")).content.decode()
    sup.post(
        reverse("ratings:appeal_decide", args=[appeal.pk]),
        {"decision": "upheld", "reason": "核实属实"},
    )
    rating.refresh_from_db()
    assert rating.excluded
    assert (
        "申诉核减，不计入统计"
        in sup.get(reverse("ratings:detail", args=[rating.pk])).content.decode()
    )


def test_a_broken_rate_counter_does_not_cost_a_rating(client, personas, monkeypatch):
    from django.db import OperationalError

    from yingshang.apiaccess import ratelimit

    def broken(*args, **kwargs):
        raise OperationalError("counter table unavailable")

    monkeypatch.setattr(ratelimit, "count", broken)
    visit = visit_start(actor=personas.clerk, window=personas.window)
    response = client.post(
        reverse("ratings:window", args=[personas.window.pk]),
        {"visit": visit.pk, "token": visit.token, "level": "4"},
    )
    assert response.status_code == 302 and Rating.objects.get().level == 4
