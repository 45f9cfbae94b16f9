import random

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from yingshang.audit.models import AuditEvent
from yingshang.hotline import smart_dispatch
from yingshang.hotline.models import Topic, WorkOrder
from yingshang.knowledge.models import DispatchModel
from yingshang.org.models import Unit

pytestmark = pytest.mark.django_db

# what callers say to each kind of unit (the synthetic county's dispatch history)
PHRASES = {
    "scjg": [
        "饭店后厨卫生差",
        "食品过期变质",
        "超市销售假冒商品",
        "营业执照办理太慢",
        "餐馆无证经营",
        "奶茶店食品安全",
    ],
    "zjj": [
        "小区物业不作为",
        "房屋漏水开发商不维修",
        "建筑工地夜间施工",
        "商品房延期交房",
        "电梯长期故障",
        "工地扬尘严重",
    ],
    "rsj": [
        "公司拖欠工资",
        "社保断缴无法补缴",
        "劳动合同纠纷",
        "农民工讨薪",
        "失业保险金申领",
        "养老保险转移接续",
    ],
    "ybj": [
        "医保异地备案",
        "医保报销比例",
        "门诊慢特病认定",
        "医保卡无法结算",
        "居民医保缴费",
        "药店医保刷卡",
    ],
    "cgj": [
        "占道经营堵塞交通",
        "广场舞噪音扰民",
        "路灯不亮",
        "垃圾清运不及时",
        "违章搭建棚子",
        "店外经营油烟",
    ],
}
FILLER = [
    "您好",
    "我想反映一个问题",
    "在城关镇",
    "希望尽快处理",
    "已经很久了",
    "麻烦相关部门",
    "谢谢",
    "东坝镇这边",
]


def _text(rng, code):
    words = rng.sample(PHRASES[code], 2) + rng.sample(FILLER, 3)
    rng.shuffle(words)
    return "，".join(words) + "。"


@pytest.fixture
def county(personas):
    units = {"scjg": personas.unit_a, "zjj": personas.unit_b}
    for code, name in (
        ("rsj", "测试县人力资源和社会保障局"),
        ("ybj", "测试县医疗保障局"),
        ("cgj", "测试县城市管理局"),
    ):
        units[code] = Unit.objects.create(
            code=code, name=name, kind=Unit.Kind.DEPARTMENT, parent=personas.county
        )
    topics = {
        code: Topic.objects.create(code=f"t-{code}", name=f"{code}类", default_unit=units[code])
        for code in units
    }
    return units, topics


def _history(county, n=500, status=WorkOrder.Status.CLOSED, seed=7):
    units, topics = county
    rng = random.Random(seed)
    now = timezone.now()
    codes = list(units)
    rows = []
    for i in range(n):
        code = codes[i % len(codes)]
        # one dispatch in ten went elsewhere (re-dispatches, judgement calls): the data is noisy
        label = rng.choice(codes) if rng.random() < 0.1 else code
        rows.append(
            WorkOrder(
                number=f"T{seed}{i:07d}",
                content=_text(rng, code),
                main_unit=units[label],
                topic=topics[code],
                status=status,
                registered_at=now,
                caller_phone="13800000000",
            )
        )
    WorkOrder.objects.bulk_create(rows)


def test_training_on_past_dispatches_beats_chance_by_far(county):
    units, _topics = county
    _history(county)
    model = smart_dispatch.train(holdout=0.2)
    assert model.trained_on == 500 and 60 <= model.evaluated_on <= 140
    assert 0.7 < model.top1_accuracy < 1  # chance is 0.2 with five units; the labels are 10% noise
    assert model.top3_accuracy >= model.top1_accuracy
    assert model.topic_top1_accuracy > 0.7
    ranked = smart_dispatch.suggest("我家楼下饭店后厨卫生很差，还卖过期食品", k=3)
    assert ranked[0][0] == units["scjg"]
    assert len(ranked) == 3 and all(isinstance(u, Unit) for u, _s in ranked)
    assert ranked[0][1] > ranked[1][1] and 0 < ranked[0][1] <= 1
    topic, _p = smart_dispatch.suggest_topic("公司拖欠工资三个月了", k=1)[0]
    assert topic.code == "t-rsj"


def test_undispatched_orders_teach_nothing(county):
    _history(county, n=50, status=WorkOrder.Status.REGISTERED)
    assert smart_dispatch.train(holdout=0.2) is None
    assert not DispatchModel.objects.exists()


def test_train_command_records_accuracy_and_audit_event(county):
    _history(county, n=300)
    call_command("train_dispatch", "--holdout", "0.25")
    model = DispatchModel.objects.get()
    assert (
        model.holdout == 0.25
        and model.top1_accuracy is not None
        and model.top3_accuracy is not None
    )
    event = AuditEvent.objects.get(action="dispatch_model.train", object_id=str(model.pk))
    assert event.changes["trained_on"] == [None, 300]


def test_before_any_training_topic_keywords_suggest_the_default_unit(county, personas):
    units, topics = county
    Topic.objects.filter(pk=topics["ybj"].pk).update(keywords="医保,异地就医,报销")
    ranked = smart_dispatch.suggest("想问下异地就医怎么备案，医保能报销吗")
    assert ranked and ranked[0][0] == units["ybj"]
    assert smart_dispatch.suggest("") == []


def test_a_newer_model_trained_by_another_process_is_used(county):
    units, _topics = county
    _history(county)
    smart_dispatch.train(holdout=0)
    # another process trains on a history where everything goes to the urban management bureau
    params = {
        "units": {"classes": [units["cgj"].pk], "prior": [0.0], "norm": [0.0], "feat": {}},
        "topics": {},
    }
    DispatchModel.objects.create(trained_on=1, params=params)
    assert smart_dispatch.suggest("饭店后厨卫生差")[0][0] == units["cgj"]


def test_supervisor_page_shows_accuracy_and_retrain_enqueues_training(
    county, personas, login, django_capture_on_commit_callbacks
):
    _history(county)
    smart_dispatch.train(holdout=0.2)
    client = login(personas.supervisor)
    resp = client.get(reverse("knowledge:dispatch_model"))
    html = resp.content.decode()
    assert resp.status_code == 200 and 'data-testid="top1"' in html and "500" in html
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("knowledge:dispatch_retrain"), {"holdout": "0.3"})
    assert resp.status_code == 302
    latest = DispatchModel.objects.order_by("-pk").first()
    assert (
        DispatchModel.objects.count() == 2
        and latest.holdout == 0.3
        and latest.created_by == personas.supervisor
    )
    assert AuditEvent.objects.filter(action="dispatch_model.retrain_requested").exists()


def test_handler_cannot_retrain(county, personas, login):
    resp = login(personas.handler_a).post(reverse("knowledge:dispatch_retrain"), {"holdout": "0.2"})
    assert resp.status_code == 403
    assert not DispatchModel.objects.exists()


def test_suggest_api_returns_units_and_topics(county, personas, api_client):
    units, _topics = county
    _history(county)
    smart_dispatch.train(holdout=0)
    resp = api_client(personas.operator).get(
        "/api/v1/knowledge/dispatch/suggest", {"text": "小区电梯长期故障物业不管"}
    )
    assert resp.status_code == 200
    body = resp.json()
    assert body["units"][0]["id"] == units["zjj"].pk and len(body["units"]) == 3
    assert body["topics"][0]["name"] == "zjj类"


def test_topic_keywords_give_a_sensible_start_when_history_is_thin(county):
    units, topics = county
    Topic.objects.filter(pk=topics["ybj"].pk).update(keywords="医保,异地就医,报销,备案")
    _history(county, n=10)  # ten past orders, two per unit, none mentions 异地就医
    smart_dispatch.train(holdout=0)
    assert smart_dispatch.suggest("请问异地就医怎么备案")[0][0] == units["ybj"]


def test_model_api_reports_accuracy_and_only_supervisors_retrain(county, personas, api_client):
    resp = api_client(personas.supervisor).get("/api/v1/knowledge/dispatch/model")
    assert resp.status_code == 404
    _history(county, n=200)
    smart_dispatch.train(holdout=0.2)
    body = api_client(personas.supervisor).get("/api/v1/knowledge/dispatch/model").json()
    assert body["trained_on"] == 200 and body["top1_accuracy"] > 0.5 and "params" not in body
    resp = api_client(personas.handler_a).post("/api/v1/knowledge/dispatch/retrain")
    assert resp.status_code == 403 and DispatchModel.objects.count() == 1


def test_acceptance_counts_dispatches_that_followed_the_suggestion(county, personas, login):
    from yingshang.hotline import services as hotline

    units, topics = county

    def dispatch(to, suggested):
        order = hotline.workorder_register(
            actor=personas.operator,
            content="饭店后厨卫生差，请查处。",
            topic=topics["scjg"],
            caller_phone="13812345678",
        )
        hotline.workorder_dispatch(
            actor=personas.operator, order=order, main_unit=to, suggested_unit_id=suggested
        )

    dispatch(units["scjg"], units["scjg"].pk)  # accepted
    dispatch(units["zjj"], units["scjg"].pk)  # overridden
    dispatch(units["scjg"], None)  # no suggestion shown
    assert smart_dispatch.acceptance(days=30) == {
        "days": 30,
        "shown": 2,
        "accepted": 1,
        "rate": 0.5,
    }
    html = login(personas.supervisor).get(reverse("knowledge:dispatch_model")).content.decode()
    assert "50%" in html and "1 / 2" in html
