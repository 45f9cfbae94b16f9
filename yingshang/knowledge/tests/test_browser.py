import pytest

from yingshang.audit.models import AuditEvent
from yingshang.knowledge.models import KnowledgeArticle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_writes_finds_and_withdraws_an_article(page, browser_login):
    from yingshang.testing.personas import make_personas

    make_personas()
    browser_login(page, "operator")
    page.goto("/staff/knowledge/")
    page.get_by_role("link", name="新建知识条目").click()
    page.get_by_label("标题").fill("医保异地就医备案怎么办理")
    page.get_by_label("答复口径").fill("通过国家医保服务平台App备案，即时办结。")
    page.get_by_label("关键词").fill("医保,异地就医")
    page.get_by_role("button", name="保存并发布").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "已发布"
    article = KnowledgeArticle.objects.get(title="医保异地就医备案怎么办理")
    assert article.status == "published"

    page.goto("/staff/knowledge/")
    page.get_by_label("检索").fill("异地就医怎么备案")
    page.get_by_role("button", name="检索").click()
    page.wait_for_load_state()
    assert "医保异地就医备案怎么办理" in page.get_by_test_id("kb-results").inner_text()

    page.get_by_role("link", name="医保异地就医备案怎么办理").click()
    page.get_by_role("button", name="撤回").click()  # without a reason: refused, nothing changes
    page.wait_for_load_state()
    article.refresh_from_db()
    assert article.status == "published"
    page.get_by_label("撤回原因").fill("政策调整，口径待更新")
    page.get_by_role("button", name="撤回").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "已撤回"
    article.refresh_from_db()
    assert article.status == "withdrawn"
    assert AuditEvent.objects.filter(
        action="knowledge.withdraw", object_id=str(article.pk), reason="政策调整，口径待更新"
    ).exists()
    assert "撤回知识条目" in page.get_by_test_id("timeline").inner_text()


def test_supervisor_sees_accuracy_and_retrains(page, browser_login):
    from django.utils import timezone

    from yingshang.hotline import smart_dispatch
    from yingshang.hotline.models import WorkOrder
    from yingshang.testing.personas import make_personas

    people = make_personas()
    texts = {people.unit_a: "饭店后厨卫生差，食品过期", people.unit_b: "小区电梯故障，物业不维修"}
    WorkOrder.objects.bulk_create(
        [
            WorkOrder(
                number=f"S{i:05d}",
                content=f"{texts[unit]}（第{i}次反映）",
                main_unit=unit,
                status="closed",
                registered_at=timezone.now(),
                caller_phone="13800000000",
            )
            for i, unit in enumerate([people.unit_a, people.unit_b] * 30)
        ]
    )
    smart_dispatch.train(holdout=0.2)
    browser_login(page, "supervisor")
    page.goto("/staff/knowledge/dispatch-model/")
    assert page.get_by_test_id("trained-on").inner_text() == "60"
    assert page.get_by_test_id("top1").inner_text().endswith("%")
    page.get_by_label("诉求内容").fill("楼下饭店卖过期食品")
    page.get_by_role("button", name="推荐").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("trial-result").inner_text().startswith(people.unit_a.name)
    page.get_by_label("留出评估比例").fill("0.3")
    page.get_by_role("button", name="重新训练").click()
    page.wait_for_load_state()
    from yingshang.knowledge.models import DispatchModel

    assert (
        DispatchModel.objects.count() == 2
        and DispatchModel.objects.order_by("-pk").first().holdout == 0.3
    )
