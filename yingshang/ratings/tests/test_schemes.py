"""The rating content (评价指标): versions, the page that publishes them, the API."""

import json

import pytest
from django.urls import reverse

from yingshang.audit.models import AuditEvent
from yingshang.errors import DomainError
from yingshang.ratings import schemes
from yingshang.ratings import targets as T
from yingshang.ratings.models import Channel, Rating, RatingScheme
from yingshang.ratings.services import rating_add_details, rating_submit

pytestmark = pytest.mark.django_db

URL = "/staff/ratings/settings/schemes/"

NEW_ONLINE_DIMENSIONS = """overall 整体满意度
efficiency 办事效率
convenience 办事便捷
guide 办事指南准确
"""
NEW_ONLINE_PROBLEMS = """many_visits 多次跑动
extra_materials|要求提供额外材料
platform_hard 平台操作复杂、系统故障
other 其他
"""


def _publish(client, **data):
    body = {
        "kind": "online",
        "dimensions": NEW_ONLINE_DIMENSIONS,
        "problems": NEW_ONLINE_PROBLEMS,
        "reason": "按省厅新版指标调整",
        **data,
    }
    return client.post(URL, body)


def test_the_settings_page_links_to_the_rating_content(login, personas):
    html = login(personas.admin).get(reverse("ratings:settings")).content.decode()
    assert reverse("ratings:schemes") == URL and URL in html


def test_admin_sees_each_kind_with_version_and_edits_it(login, personas):
    html = login(personas.admin).get(URL).content.decode()
    assert 'data-testid="scheme-online"' in html and 'data-testid="scheme-onsite"' in html
    assert html.count("第1版") >= 2 and "平台好用" in html and "服务态度" in html
    assert "overall 整体满意度\nefficiency 办事效率" in html  # the lines to edit
    assert "发布新版本" in html


def test_supervisor_reads_but_may_not_publish(login, personas):
    client = login(personas.supervisor)
    html = client.get(URL).content.decode()
    assert "整体满意度" in html and "<textarea" not in html
    assert _publish(client).status_code == 403
    assert RatingScheme.objects.filter(kind="online").count() == 1


@pytest.mark.parametrize("name", ["handler_a", "head_a", "clerk", "applicant", "leader"])
def test_others_get_403(login, personas, name):
    client = login(getattr(personas, name))
    assert client.get(URL).status_code == 403
    assert _publish(client).status_code == 403


def test_publishing_makes_a_new_version_and_keeps_the_old_one(login, personas):
    old = schemes.current("online")
    response = _publish(login(personas.admin))
    assert response.status_code == 302
    new = schemes.current("online")
    assert new.version == 2 and new.pk != old.pk
    assert [d["code"] for d in new.dimensions] == ["overall", "efficiency", "convenience", "guide"]
    assert new.problems[1] == {"code": "extra_materials", "label": "要求提供额外材料"}
    old.refresh_from_db()
    assert not old.is_active and old.version == 1 and len(old.dimensions) == 5
    event = AuditEvent.objects.get(action="rating_scheme.publish")
    assert event.actor == personas.admin and event.reason == "按省厅新版指标调整"
    assert event.object_id == str(new.pk)
    html = login(personas.admin).get(URL).content.decode()
    assert "第2版" in html and 'data-testid="scheme-versions"' in html
    assert "平台好用" in html  # still listed among the past versions
    # the other kind is untouched
    assert schemes.current("onsite").version == 1


def test_errors_are_shown_per_line_in_chinese_and_nothing_is_published(login, personas):
    dimensions = "overall 整体满意度\n\nEfficiency 办事效率\nguide\noverall 重复的代码\n"
    response = _publish(login(personas.admin), dimensions=dimensions, problems="")
    assert response.status_code == 400
    html = response.content.decode()
    assert "第3行：代码“Efficiency”只能用小写英文字母、数字和下划线，以字母开头" in html
    assert "第4行：缺少名称" in html
    assert "第5行：代码“overall”重复" in html
    assert "问题选项不能为空" in html
    assert "overall 重复的代码" in html  # what was typed stays in the box
    assert RatingScheme.objects.filter(kind="online").count() == 1


def test_publishing_the_same_content_is_refused(login, personas):
    current = schemes.current("onsite")
    response = login(personas.admin).post(
        URL,
        {
            "kind": "onsite",
            "dimensions": schemes.as_lines(current.dimensions),
            "problems": schemes.as_lines(current.problems),
        },
    )
    assert response.status_code == 409
    assert 'data-code="RATING_SCHEME_UNCHANGED"' in response.content.decode()


@pytest.mark.parametrize("cache_seconds", [0, 10], ids=["no-process-cache", "process-cache"])
def test_ratings_keep_the_version_they_were_given_under(
    login, personas, make_case, settings, cache_seconds
):
    # with the per-process cache on (production), publishing clears it in this process
    settings.PROCESS_CACHE_SECONDS = cache_seconds
    case = make_case()
    old_rating = rating_submit(
        actor=personas.applicant, target=T.for_case(case), level=1, channel=Channel.WEB
    )
    assert old_rating.scheme.version == 1
    _publish(login(personas.admin))  # v2 drops the problem "slow"
    # details added afterwards to the old rating are still checked against its version
    rating_add_details(rating=old_rating, problems=["slow"])
    old_rating = Rating.objects.get(pk=old_rating.pk)
    assert old_rating.scheme.version == 1
    assert old_rating.problem_labels == ["办理时间长、超时办理"]
    html = (
        login(personas.supervisor)
        .get(reverse("ratings:detail", args=[old_rating.pk]))
        .content.decode()
    )
    assert "办理时间长、超时办理" in html
    # a new rating is given under v2, where "slow" no longer exists
    other = make_case()
    new_rating = rating_submit(
        actor=personas.applicant, target=T.for_case(other), level=2, channel=Channel.WEB
    )
    assert new_rating.scheme.version == 2
    with pytest.raises(DomainError) as exc:
        rating_add_details(rating=new_rating, problems=["slow"])
    assert exc.value.code == "RATING_PROBLEMS_INVALID"


# --- API --------------------------------------------------------------------------------------
def _post(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


BODY = {
    "dimensions": [
        {"code": "overall", "label": "整体满意度"},
        {"code": "attitude", "label": "服务态度"},
    ],
    "problems": [{"code": "attitude", "label": "态度生硬"}, {"code": "other", "label": "其他"}],
    "reason": "简化",
}


def test_api_lists_the_current_schemes_with_version_and_date(client, personas):
    rows = client.get("/api/v1/ratings/schemes").json()
    assert [(r["kind"], r["version"], r["is_active"]) for r in rows] == [
        ("online", 1, True),
        ("onsite", 1, True),
    ]
    assert rows[0]["published_at"] and rows[1]["dimensions"][0]["code"] == "overall"


def test_api_publish_by_admin_only(api_client, personas):
    url = "/api/v1/ratings/schemes/onsite"
    refused = _post(api_client(personas.supervisor), url, BODY)
    assert refused.status_code == 403 and refused.json()["code"] == "RATING_SCHEME_FORBIDDEN"
    client = api_client(personas.admin)
    first = _post(client, url, BODY, HTTP_IDEMPOTENCY_KEY="s1")
    again = _post(client, url, BODY, HTTP_IDEMPOTENCY_KEY="s1")
    assert first.status_code == 201 and again.json() == first.json()
    assert first.json()["version"] == 2 and RatingScheme.objects.filter(kind="onsite").count() == 2
    assert client.get("/api/v1/ratings/schemes/onsite").json()["version"] == 2


def test_api_publish_reports_each_bad_item(api_client, personas):
    body = {
        **BODY,
        "problems": [{"code": "other", "label": "其他"}, {"code": "other", "label": ""}],
    }
    response = _post(api_client(personas.admin), "/api/v1/ratings/schemes/online", body)
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "RATING_SCHEME_INVALID" and data["message"].startswith("问题选项第2项")
    assert [e["message"] for e in data["details"]["errors"]] == ["代码“other”重复", "缺少名称"]
    assert RatingScheme.objects.filter(kind="online").count() <= 1
