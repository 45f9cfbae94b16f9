"""After a 差评 the rater may come back (from 我的评价 or the API) and give the problems and
comments within RatingSettings.details_days; nobody else can."""

import datetime as dt
import json

import time_machine
from django.urls import reverse
from django.utils import timezone

from yingshang.audit.models import AuditEvent
from yingshang.ratings import services
from yingshang.ratings import targets as T
from yingshang.ratings.models import Channel, Rating


def _bad_rating(personas, make_case) -> Rating:
    return services.rating_submit(
        actor=personas.applicant, target=T.for_case(make_case()), level=1, channel=Channel.WEB
    )


def test_the_rater_comes_back_later_and_adds_the_reasons(login, personas, make_case):
    rating = _bad_rating(personas, make_case)
    client = login(personas.applicant)  # a new session: not the one that gave the rating
    mine = client.get(reverse("ratings:mine")).content.decode()
    assert "补充差评原因" in mine and reverse("ratings:details", args=[rating.pk]) in mine
    page = client.get(reverse("ratings:details", args=[rating.pk]))
    assert page.status_code == 200 and "您遇到的问题" in page.content.decode()
    response = client.post(
        reverse("ratings:details", args=[rating.pk]),
        {"problems": ["slow"], "comment": "跑了三趟"},
    )
    assert response.status_code == 200 and "补充内容已提交" in response.content.decode()
    rating.refresh_from_db()
    assert rating.problems == ["slow"] and rating.comment == "跑了三趟"
    event = AuditEvent.objects.get(action="rating.add_details", object_id=str(rating.pk))
    assert event.actor_id == personas.applicant.pk
    assert "已补充" in client.get(reverse("ratings:mine")).content.decode()


def test_someone_else_gets_404(login, personas, make_case):
    rating = _bad_rating(personas, make_case)
    for user in (personas.firm_user, personas.handler_a, personas.supervisor):
        response = login(user).post(
            reverse("ratings:details", args=[rating.pk]), {"comment": "篡改"}
        )
        assert response.status_code == 404
    rating.refresh_from_db()
    assert rating.comment == ""


def test_after_the_window_the_page_says_so_and_saves_nothing(login, personas, make_case):
    rating = _bad_rating(personas, make_case)
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        client = login(personas.applicant)
        assert "补充差评原因" not in client.get(reverse("ratings:mine")).content.decode()
        page = client.get(reverse("ratings:details", args=[rating.pk])).content.decode()
        assert "已超过补充期限" in page
        response = client.post(reverse("ratings:details", args=[rating.pk]), {"comment": "晚了"})
        assert "已超过补充期限" in response.content.decode()
    rating.refresh_from_db()
    assert rating.comment == "" and rating.details_added_at is None


def test_the_window_is_a_rating_setting(personas, make_case):
    services.rating_settings_update(actor=personas.admin, details_days=10, reason="延长补充期")
    rating = _bad_rating(personas, make_case)
    with time_machine.travel(timezone.now() + dt.timedelta(days=9)):
        services.rating_add_details(rating=rating, comment="第九天补充")
    rating.refresh_from_db()
    assert rating.comment == "第九天补充"


def test_api_the_rater_completes_a_rating(api_client, personas, make_case):
    rating = _bad_rating(personas, make_case)
    url = f"/api/v1/ratings/ratings/{rating.pk}/details"
    body = json.dumps({"problems": ["slow"], "comment": "太慢"})
    # the rated unit sees the rating but may not write its reasons
    r = api_client(personas.handler_a).post(url, body, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "RATING_NOT_RATER"
    assert api_client(personas.firm_user).post(
        url, body, content_type="application/json"
    ).status_code in (404,)
    r = api_client(personas.applicant).post(url, body, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["problems"] == ["slow"] and r.json()["comment"] == "太慢"
    again = api_client(personas.applicant).post(url, body, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "RATING_DETAILS_CLOSED"
