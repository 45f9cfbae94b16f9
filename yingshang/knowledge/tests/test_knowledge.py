import datetime as dt
import json

import pytest
from django.urls import reverse

from yingshang.audit.models import AuditEvent
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.knowledge import selectors, services
from yingshang.knowledge.models import KnowledgeArticle

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)


def _events(article, action):
    return AuditEvent.objects.filter(
        object_type="knowledge.knowledgearticle", object_id=str(article.pk), action=action
    )


@pytest.fixture
def articles(personas):
    op = personas.operator
    make = services.article_create
    return {
        "license": make(
            actor=op,
            title="个体工商户营业执照怎么办理",
            kind="guide",
            units=[personas.unit_a],
            body="到政务服务中心市场监管窗口办理，材料齐全当场办结。",
            keywords="营业执照,个体户",
            publish=True,
        ),
        "food": make(
            actor=op,
            title="食品经营许可证申请条件",
            kind="policy_answer",
            units=[personas.unit_a],
            body="申请食品经营许可应具备经营场所、设备设施和食品安全管理人员。营业执照是前提。",
            publish=True,
        ),
        "medical": make(
            actor=op,
            title="医保异地就医备案怎么办理",
            body="通过国家医保服务平台App备案，即时办结。",
            publish=True,
        ),
        "expired": make(
            actor=op,
            title="旧版营业执照年检规定",
            body="营业执照年检已改为年报公示。",
            publish=True,
            valid_from=dt.date(2010, 1, 1),
            valid_until=dt.date(2014, 2, 28),
        ),
        "future": make(
            actor=op,
            title="明年营业执照新规",
            body="营业执照电子化新规明年施行。",
            publish=True,
            valid_from=dt.date(2027, 1, 1),
        ),
        "draft": make(actor=op, title="营业执照草稿口径", body="营业执照办理草稿。"),
    }


def test_search_ranks_title_matches_first_and_finds_body_matches(articles):
    found = selectors.search("营业执照怎么办", on=TODAY)
    assert found[0] == articles["license"]
    assert articles["food"] in found  # mentioned only in the body


def test_search_excludes_expired_future_draft_and_withdrawn(articles, personas):
    services.article_withdraw(
        actor=personas.supervisor, article=articles["food"], reason="政策调整"
    )
    found = selectors.search("营业执照", on=TODAY)
    assert articles["license"] in found
    for key in ("expired", "future", "draft", "food"):
        assert articles[key] not in found, key
    # the same query on a date inside the old article's validity finds it
    assert articles["expired"] in selectors.search("营业执照 年检", on=dt.date(2013, 6, 1))


def test_search_finds_sub_words_and_ignores_unrelated(articles):
    assert selectors.search("执照", on=TODAY)[0] == articles["license"]
    assert selectors.search("异地就医", on=TODAY) == [articles["medical"]]
    assert selectors.search("拖拉机驾照", on=TODAY) == []
    assert selectors.search("   ", on=TODAY) == []


def test_a_common_word_does_not_bury_the_rare_one(personas):
    for i in range(60):
        services.article_create(
            actor=personas.operator,
            title=f"事项{i}怎么办理",
            body="到窗口办理，当场办理完毕。",
            publish=True,
        )
    target = services.article_create(
        actor=personas.operator, title="公积金提取", body="租房可以办理公积金提取。", publish=True
    )
    hits = selectors.search_hits("公积金提取怎么办理", on=TODAY, limit=3)
    assert hits[0].article == target and {"公积金", "提取", "办理"} <= set(hits[0].matched)


def test_create_publish_revise_withdraw_are_audited_and_revise_bumps_version(personas):
    op = personas.operator
    art = services.article_create(actor=op, title="社保参保登记", body="自用工之日起30日内办理。")
    assert art.status == "draft" and _events(art, "knowledge.create").count() == 1
    art = services.article_publish(actor=op, article=art)
    assert art.status == "published" and _events(art, "knowledge.publish").count() == 1
    art = services.article_revise(
        actor=personas.supervisor,
        article=art,
        body="自用工之日起30日内办理，可网上办。",
        reason="补充网办渠道",
    )
    assert art.version == 2
    ev = _events(art, "knowledge.revise").get()
    assert ev.changes["body"] == ["自用工之日起30日内办理。", "自用工之日起30日内办理，可网上办。"]
    assert ev.reason == "补充网办渠道"
    # the index follows the revision
    assert selectors.search("网上办", on=TODAY) == [art]
    art = services.article_withdraw(actor=op, article=art, reason="并入新条目")
    assert art.status == "withdrawn" and art.withdraw_reason == "并入新条目"
    assert _events(art, "knowledge.withdraw").get().reason == "并入新条目"
    assert KnowledgeArticle.objects.filter(pk=art.pk).exists()  # never deleted


def test_withdraw_without_reason_is_refused(personas, articles):
    with pytest.raises(InvalidInput) as exc:
        services.article_withdraw(actor=personas.operator, article=articles["license"], reason="  ")
    assert exc.value.code == "KNOWLEDGE_REASON_REQUIRED"
    articles["license"].refresh_from_db()
    assert articles["license"].status == "published"
    assert not _events(articles["license"], "knowledge.withdraw").exists()


def test_handler_may_not_edit_the_knowledge_base(personas):
    with pytest.raises(PermissionDeniedError):
        services.article_create(actor=personas.handler_a, title="x", body="y")
    assert not KnowledgeArticle.objects.exists()


def test_validity_end_before_start_is_refused(personas):
    with pytest.raises(InvalidInput) as exc:
        services.article_create(
            actor=personas.operator,
            title="x",
            body="y",
            valid_from=dt.date(2026, 5, 1),
            valid_until=dt.date(2026, 4, 1),
        )
    assert "valid_until" in exc.value.details["fields"]


def test_withdrawn_article_cannot_be_revised_or_cited(personas, articles):
    art = services.article_withdraw(
        actor=personas.operator, article=articles["medical"], reason="过时"
    )
    with pytest.raises(DomainError):
        services.article_revise(actor=personas.operator, article=art, title="新标题")
    with pytest.raises(DomainError) as exc:
        selectors.citable(art.pk, on=TODAY)
    assert exc.value.code == "KNOWLEDGE_NOT_CITABLE"
    ok = selectors.citable(articles["license"].pk, on=TODAY)
    assert (
        selectors.citation_snapshot(ok)["citation"]
        == f"《个体工商户营业执照怎么办理》（知识库第{ok.pk}号，第1版）"
    )


# --- pages ---------------------------------------------------------------------------------
def test_workbench_search_page_lists_only_valid_articles(login, personas, articles):
    resp = login(personas.handler_b).get(reverse("knowledge:list"), {"q": "营业执照"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "个体工商户营业执照怎么办理" in html
    assert "旧版营业执照年检规定" not in html and "营业执照草稿口径" not in html


def test_suggest_partial_returns_articles_for_typed_text(login, personas, articles):
    resp = login(personas.operator).get(
        reverse("knowledge:suggest"), {"q": "我想问一下异地就医怎么备案"}
    )
    assert resp.status_code == 200
    html = resp.content.decode()
    assert (
        "医保异地就医备案怎么办理" in html and f'data-article-id="{articles["medical"].pk}"' in html
    )
    assert "<script" not in html


def test_operator_creates_and_withdraws_through_pages(login, personas):
    client = login(personas.operator)
    resp = client.post(
        reverse("knowledge:create"),
        {
            "title": "公积金提取",
            "kind": "faq",
            "body": "租房可提取。",
            "keywords": "公积金",
            "publish": "1",
        },
    )
    art = KnowledgeArticle.objects.get(title="公积金提取")
    assert resp.status_code == 302 and art.status == "published"
    resp = client.post(reverse("knowledge:withdraw", args=[art.pk]), {"reason": ""})
    assert resp.status_code == 400 and "撤回原因" in resp.content.decode()
    art.refresh_from_db()
    assert art.status == "published"
    resp = client.post(reverse("knowledge:withdraw", args=[art.pk]), {"reason": "政策到期"})
    art.refresh_from_db()
    assert resp.status_code == 302 and art.status == "withdrawn"
    assert _events(art, "knowledge.withdraw").exists()


def test_supervisor_revises_through_the_edit_page_and_the_version_goes_up(
    login, personas, articles
):
    art = articles["medical"]
    resp = login(personas.supervisor).post(
        reverse("knowledge:edit", args=[art.pk]),
        {
            "title": art.title,
            "kind": art.kind,
            "body": "通过国家医保服务平台App或县医保局窗口备案。",
            "reason": "补充窗口渠道",
        },
    )
    assert resp.status_code == 302
    art.refresh_from_db()
    assert art.version == 2 and "县医保局窗口" in art.body
    event = _events(art, "knowledge.revise").get()
    assert event.reason == "补充窗口渠道" and event.actor == personas.supervisor


def test_invalid_form_keeps_what_the_user_typed(login, personas):
    resp = login(personas.operator).post(
        reverse("knowledge:create"),
        {
            "title": "保留输入",
            "kind": "faq",
            "body": "正文内容",
            "valid_from": "2026-05-01",
            "valid_until": "2026-04-01",
        },
    )
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "失效日期不能早于生效日期" in html and "保留输入" in html and "正文内容" in html
    assert not KnowledgeArticle.objects.exists()


def test_handler_cannot_open_edit_page_and_draft_of_other_unit_is_404(login, personas, articles):
    client = login(personas.handler_b)
    assert client.get(reverse("knowledge:create")).status_code == 403
    assert client.get(reverse("knowledge:detail", args=[articles["draft"].pk])).status_code == 404
    assert client.get(reverse("knowledge:detail", args=[articles["license"].pk])).status_code == 200


# --- API -----------------------------------------------------------------------------------
def test_api_search_create_and_withdraw(api_client, personas, articles):
    client = api_client(personas.operator)
    resp = client.get("/api/v1/knowledge/articles", {"q": "营业执照", "on": "2026-11-22"})
    assert resp.status_code == 200
    titles = [a["title"] for a in resp.json()]
    assert titles[0] == "个体工商户营业执照怎么办理" and "旧版营业执照年检规定" not in titles
    resp = client.post(
        "/api/v1/knowledge/articles",
        json.dumps({"title": "清欠投诉渠道", "body": "拨打12345。"}),
        content_type="application/json",
    )
    assert resp.status_code == 201 and resp.json()["status"] == "draft"
    pk = resp.json()["id"]
    resp = client.post(
        f"/api/v1/knowledge/articles/{pk}/withdraw",
        json.dumps({"reason": ""}),
        content_type="application/json",
    )
    assert resp.status_code == 400 and resp.json()["code"] == "KNOWLEDGE_REASON_REQUIRED"
    resp = client.patch(
        f"/api/v1/knowledge/articles/{pk}",
        json.dumps({"body": "拨打12345或工信局。", "reason": "补充"}),
        content_type="application/json",
    )
    assert resp.status_code == 200 and resp.json()["version"] == 2


def test_api_handler_cannot_create(api_client, personas):
    resp = api_client(personas.handler_a).post(
        "/api/v1/knowledge/articles",
        json.dumps({"title": "x", "body": "y"}),
        content_type="application/json",
    )
    assert resp.status_code == 403 and resp.json()["code"] == "KNOWLEDGE_FORBIDDEN"
    assert not KnowledgeArticle.objects.exists()
