"""Demo data of the hotline: the topic tree with default units, ~50 orders walked through the real
services (load_demo), and a fast bulk generator with realistic text per topic (generate) that
smart dispatch can learn from."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from yingshang.hotline.models import Topic, WorkOrder

# (code, name, parent code, default unit code, keywords)
TOPICS = [
    ("scjg", "市场监管", None, "scjg", "市场 监管"),
    ("scjg-price", "价格", "scjg", "scjg", "价格 乱收费 明码标价 涨价 收费"),
    ("scjg-food", "食品安全", "scjg", "scjg", "食品 饭店 餐馆 过期 变质 卫生 后厨"),
    ("scjg-consumer", "消费维权", "scjg", "scjg", "退货 退款 假货 质量 消费 商家 预付卡"),
    ("cg", "城市管理", None, "cgj", "城管"),
    ("cg-stall", "占道经营", "cg", "cgj", "占道 摆摊 流动摊贩 夜市"),
    ("cg-noise", "噪音扰民", "cg", "cgj", "噪音 扰民 施工 广场舞 夜间"),
    ("cg-sanitation", "环境卫生", "cg", "chengguan", "垃圾 清运 卫生 污水 臭味"),
    ("jt", "交通", None, "jtj", "交通"),
    ("jt-taxi", "出租车与客运", "jt", "jtj", "出租车 拒载 绕路 客车 公交"),
    ("jt-road", "道路设施", "jt", "jtj", "道路 坑洼 路灯 红绿灯 井盖"),
    ("zf", "住房", None, "zjj", "住房"),
    ("zf-property", "物业管理", "zf", "zjj", "物业 小区 电梯 停车 物业费"),
    ("zf-construction", "建筑施工", "zf", "zjj", "工地 施工 渣土 扬尘 违建"),
    ("ld", "劳动保障", None, "rsj", "劳动"),
    ("ld-wage", "拖欠工资", "ld", "rsj", "工资 拖欠 欠薪 农民工 包工头"),
    ("ld-social", "社会保险", "ld", "rsj", "社保 养老保险 缴费 退休 医保"),
    ("yshj", "营商环境/企业诉求", None, "yshj", "企业 营商环境"),
    ("yshj-approval", "审批服务", "yshj", "xzsp", "审批 营业执照 许可 办证 窗口 材料"),
    ("yshj-payment", "账款拖欠", "yshj", "gxj", "账款 拖欠 工程款 货款 中小企业"),
    ("yshj-policy", "惠企政策", "yshj", "fgj", "政策 补贴 奖补 兑现 申报"),
    ("yshj-land", "用地与不动产", "yshj", "zrzy", "不动产 用地 土地 产权证 登记"),
    ("health", "医疗卫生", None, "wjj", "医院 诊所 看病 收费 医生 疫苗"),
    ("tax", "税费", None, "swj", "发票 税务 退税 纳税 申报"),
    ("water", "供水", None, "swuj", "停水 水压 水质 自来水 水费"),
    ("power", "供电", None, "gdj", "停电 电压 电表 电费 线路"),
    ("edu", "教育", None, "jyj", "学校 入学 学位 补课 收费 校车"),
    ("police", "户籍证件", None, "gaj", "户口 身份证 落户 出入境 居住证"),
]

PLACES = [
    "城关镇人民路",
    "城关镇解放街",
    "东坝镇兴业路",
    "西河镇滨河路",
    "南山镇南山大道",
    "北塘镇北塘街",
    "青石镇工业园",
    "柳林乡政府路",
    "白马乡集市",
    "新城街道新华路",
    "桃园街道桃源小区",
    "迎宾大道",
]
SHOPS = [
    "好又多超市",
    "老王面馆",
    "鑫源烧烤",
    "家家福便利店",
    "鸿运大酒店",
    "幸福里小区",
    "锦绣华庭",
    "东方家园",
    "金海湾小区",
    "阳光花园",
    "恒丰建材市场",
    "明珠广场",
]
FIRMS = [
    "示范县宏达机械有限公司",
    "示范县绿源农业科技有限公司",
    "示范县恒信建筑工程有限公司",
    "示范县美佳食品有限公司",
    "示范县华强电子有限公司",
    "示范县远航物流有限公司",
]

# topic code -> request texts; {p} place, {s} shop/小区, {f} firm, {n} a number
TEXTS = {
    "scjg-price": [
        "{p}{s}停车收费没有明码标价，每次收费标准都不一样，请相关部门查处。",
        "{s}节假日商品价格上涨{n}元，涉嫌哄抬物价，希望市场监管部门核查。",
        "{p}一家药店同一种药比别家贵很多，价签和结账价格不一致。",
    ],
    "scjg-food": [
        "在{p}{s}吃饭后全家腹泻，怀疑食材变质，请求食品安全部门检查后厨卫生。",
        "{s}出售过期食品，购买的牛奶已过保质期{n}天，商家拒绝退换。",
        "{p}早餐摊使用地沟油，气味刺鼻，请监管部门查处。",
        "{s}后厨卫生很差，有老鼠出没，员工没有健康证。",
    ],
    "scjg-consumer": [
        "在{s}办理的健身预付卡，商家突然关门跑路，还剩{n}次课没有上，要求退款。",
        "{p}手机店卖的手机是翻新机，商家不承认，要求维权。",
        "网购的电器质量问题，{s}售后拒绝退货，请求帮助维权。",
    ],
    "cg-stall": [
        "{p}路口每天晚上流动摊贩占道经营，堵塞交通，垃圾遍地。",
        "{s}门口商户把货物摆到人行道上，行人只能走机动车道。",
        "{p}夜市烧烤摊占道，油烟很大，影响居民通行。",
    ],
    "cg-noise": [
        "{p}工地夜间{n}点以后还在施工，噪音很大，影响休息。",
        "{s}广场舞音响声音太大，每天晚上持续到十点，严重扰民。",
        "{p}{s}楼下商户装修每天一早就开始电钻作业，噪音扰民。",
    ],
    "cg-sanitation": [
        "{p}{s}旁边的垃圾桶{n}天没有清运，臭味很大，蚊蝇滋生。",
        "{p}路边污水横流，下水道堵塞，请派人疏通。",
        "{s}附近有人乱倒建筑垃圾，影响环境卫生。",
    ],
    "jt-taxi": [
        "在{p}打车，出租车司机拒载，还绕路多收费{n}元，车牌号已记下。",
        "{p}到县城的班车经常不按点发车，乘客等了一个多小时。",
        "出租车不打表，从{s}到汽车站要价{n}元。",
    ],
    "jt-road": [
        "{p}路面坑洼严重，下雨天积水，已经有电动车摔倒。",
        "{p}{s}附近路灯坏了{n}盏，晚上漆黑一片，很不安全。",
        "{p}十字路口红绿灯故障，车辆通行混乱。",
        "{s}门口井盖缺失，存在安全隐患，请尽快处理。",
    ],
    "zf-property": [
        "{s}物业不作为，电梯坏了{n}天没人修，老人上下楼很困难。",
        "{s}物业擅自提高物业费，没有经过业主大会同意。",
        "{s}小区停车位被物业出租给外来车辆，业主没地方停车。",
    ],
    "zf-construction": [
        "{p}工地渣土车不覆盖，沿路撒落，扬尘很大。",
        "{s}楼顶有人私自搭建违章建筑，存在安全隐患。",
        "{p}建筑工地围挡倒塌，占用人行道，没人管理。",
    ],
    "ld-wage": [
        "在{p}工地干活，包工头拖欠{n}名工人工资共计数万元，已经拖了半年。",
        "{f}拖欠员工{n}个月工资，多次讨要未果，请求劳动监察介入。",
        "农民工在{s}项目干完活，工资一直不给结算。",
    ],
    "ld-social": [
        "单位没有给我缴纳社保，已经工作{n}年了，怎么维权？",
        "咨询灵活就业人员养老保险怎么缴费，每年缴费基数是多少。",
        "退休手续办理需要哪些材料，养老金什么时候开始发放？",
    ],
    "yshj-approval": [
        "{f}办理食品经营许可证，窗口要求提供的材料和网上公布的不一致，跑了{n}次还没办成。",
        "咨询新开办企业营业执照能否全程网办，需要多长时间。",
        "{f}的项目审批在部门之间来回转，已经超过承诺时限，请求协调。",
    ],
    "yshj-payment": [
        "{f}为县里项目供货，货款{n}十万元拖欠一年多未支付。",
        "{f}承建的工程已经验收，政府部门拖欠工程款，企业资金周转困难。",
        "中小企业账款被国有企业拖欠，按照保障中小企业款项支付条例应如何投诉？",
    ],
    "yshj-policy": [
        "{f}符合技改补贴条件，申报后{n}个月还没有兑现，请求督促。",
        "咨询今年惠企政策中小微企业稳岗补贴怎么申报。",
        "{f}反映政策兑现流程复杂，要求提供的证明材料太多。",
    ],
    "yshj-land": [
        "{f}厂房办理不动产登记，材料齐全但一直没有出证。",
        "{s}业主交房{n}年了还没有办理产权证，开发商推诿。",
        "咨询工业用地出让流程和土地使用年限。",
    ],
    "health": [
        "{p}诊所收费不透明，看一次感冒花了{n}百元。",
        "{p}卫生院医生态度恶劣，排队{n}个小时才看上病。",
        "咨询儿童疫苗接种预约方式和接种地点。",
    ],
    "tax": [
        "{f}申请增值税留抵退税，提交后迟迟没有到账。",
        "咨询个体工商户怎么在网上开具发票。",
        "{f}反映税务窗口办事排队时间太长，希望增加窗口。",
    ],
    "water": [
        "{p}{s}已经停水{n}天，没有提前通知，生活很不方便。",
        "{s}自来水发黄有异味，怀疑水质有问题。",
        "{p}高层住户水压太低，{n}楼以上基本没水。",
    ],
    "power": [
        "{p}{s}频繁停电，一天停了{n}次，冰箱里的东西都坏了。",
        "{f}厂区电压不稳，设备经常跳闸，影响生产。",
        "{s}电表走字异常，电费比平时高出很多。",
    ],
    "edu": [
        "咨询孩子在{p}上小学需要什么入学材料，非本地户口能否入学。",
        "{p}有在职教师有偿补课，家长负担很重。",
        "{s}附近学校校车超载，存在安全隐患。",
    ],
    "police": [
        "咨询外地户口迁入示范县落户需要哪些条件和材料。",
        "身份证丢失，补办需要多长时间，能否异地办理？",
        "咨询办理居住证需要在{p}住满多长时间。",
    ],
}
OPENINGS = ["", "", "您好，", "市民来电反映：", "来电人称：", "企业反映："]
CLOSINGS = ["", "", "希望尽快处理。", "请相关部门核实处理。", "请给予答复。", "盼回复。"]
CATEGORY_BY_TOPIC = {
    "ld-social": "consult",
    "police": "consult",
    "edu": "consult",
    "yshj-policy": "help",
    "tax": "help",
    "water": "help",
    "power": "help",
    "jt-road": "help",
}
REPLIES = [
    "经核查，情况属实，已责令整改，并将持续跟踪。",
    "已安排工作人员现场处理，问题已解决。",
    "经调查，已依法立案查处，处理结果将及时告知。",
    "已与来电人电话沟通，解释相关政策，来电人表示理解。",
]


def _text(rng: random.Random, code: str) -> str:
    body = rng.choice(TEXTS[code]).format(
        p=rng.choice(PLACES), s=rng.choice(SHOPS), f=rng.choice(FIRMS), n=rng.randint(2, 12)
    )
    return f"{rng.choice(OPENINGS)}{body}{rng.choice(CLOSINGS)}"


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


def ensure_topics() -> dict:
    from yingshang.org.models import Unit

    units = dict(Unit.objects.values_list("code", "pk"))
    made = {}
    for i, (code, name, parent, unit_code, keywords) in enumerate(TOPICS):
        topic, _created = Topic.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": made.get(parent),
                "default_unit_id": units.get(unit_code),
                "keywords": keywords,
                "sort_order": i * 10,
                "extra_fields": [
                    {
                        "code": "location_note",
                        "datatype": "string",
                        "description": "位置补充说明",
                        "required": False,
                        "values": [],
                    }
                ]
                if code.startswith(("cg-", "jt-road"))
                else [],
            },
        )
        made[code] = topic
    return made


@transaction.atomic
def load_demo(ctx) -> None:
    from yingshang.hotline import services
    from yingshang.hotline.limits import ensure_defaults
    from yingshang.org.models import Unit, User

    ensure_defaults()
    topics = ensure_topics()
    operator = User.objects.filter(username="operator").first()
    if operator is None or WorkOrder.objects.filter(created_by=operator).exists():
        return  # idempotent: the demo orders exist already (or no demo people)
    rng = random.Random(ctx.seed if ctx else 20261122)
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "scjg_handler",
                "zjj_handler",
                "chengguan",
                "xzsp_handler",
                "wjj_handler",
                "zrzy_handler",
                "gaj_handler",
                "supervisor",
            ]
        )
    }
    units = {
        u.code: u
        for u in Unit.objects.filter(
            code__in=["scjg", "zjj", "chengguan", "xzsp", "wjj", "zrzy", "gaj", "cgj", "rsj", "gxj"]
        )
    }
    handler_of = {
        "scjg": "scjg_handler",
        "zjj": "zjj_handler",
        "chengguan": "chengguan",
        "xzsp": "xzsp_handler",
        "wjj": "wjj_handler",
        "zrzy": "zrzy_handler",
        "gaj": "gaj_handler",
    }
    plan = [  # (topic, unit, how far it goes)
        *[
            ("scjg-food", "scjg", s)
            for s in (
                "closed",
                "closed",
                "callback",
                "review",
                "progress",
                "sign",
                "redo",
                "extension",
            )
        ],
        *[("scjg-price", "scjg", s) for s in ("closed", "progress", "sign")],
        *[("scjg-consumer", "scjg", s) for s in ("closed", "callback")],
        *[
            ("zf-property", "zjj", s)
            for s in ("closed", "closed", "progress", "sign", "return", "callback")
        ],
        *[("zf-construction", "zjj", s) for s in ("closed", "progress")],
        *[
            ("cg-sanitation", "chengguan", s)
            for s in ("closed", "closed", "progress", "sign", "unsatisfied")
        ],
        *[("yshj-approval", "xzsp", s) for s in ("closed", "progress", "review", "sign")],
        *[("health", "wjj", s) for s in ("closed", "progress")],
        *[("yshj-land", "zrzy", s) for s in ("closed", "sign")],
        *[("police", "gaj", s) for s in ("closed",)],
        *[("cg-stall", "cgj", s) for s in ("sign", "sign")],
        *[("ld-wage", "rsj", s) for s in ("sign",)],
        *[("yshj-payment", "gxj", s) for s in ("sign",)],
        *[("police", None, "direct") for _ in range(3)],
        *[("ld-social", None, "direct") for _ in range(2)],
        *[("jt-road", None, "registered") for _ in range(2)],
        *[("water", None, "registered")],
        *[("scjg-food", None, "confidential")],
    ]
    names = ["张先生", "李女士", "王先生", "赵女士", "刘先生", "陈女士", "杨先生", "周女士"]
    for i, (code, unit_code, stage) in enumerate(plan):
        topic = topics[code]
        order = services.workorder_register(
            actor=operator,
            content=_text(rng, code),
            channel=rng.choice(["phone"] * 5 + ["web", "app_api", "city"]),
            category=CATEGORY_BY_TOPIC.get(
                code, rng.choice(["complaint", "complaint", "help", "report", "suggestion"])
            ),
            urgency="urgent" if i % 17 == 3 else "normal",
            topic=topic,
            caller_name=rng.choice(names),
            caller_phone=_phone(rng),
            confidential=stage == "confidential" or i % 13 == 5,
            address=f"示范县{rng.choice(PLACES)}{rng.randint(1, 200)}号",
            external_number=f"SZ{timezone.localdate():%Y%m%d}{i:04d}" if i % 9 == 4 else "",
        )
        if stage == "direct":
            services.workorder_answer_directly(
                actor=operator, order=order, reply="已按政策口径答复来电人：" + rng.choice(REPLIES)
            )
            continue
        if stage == "registered":
            continue
        if stage == "confidential":
            unit_code = "scjg"
        unit = units.get(unit_code)
        if unit is None:
            continue
        order = services.workorder_dispatch(actor=operator, order=order, main_unit=unit)
        handler = people.get(handler_of.get(unit_code, ""))
        if stage == "sign" or handler is None:
            continue
        if stage == "return":
            ret = services.workorder_return(
                actor=handler, order=order, reason="该小区物业属于开发商自管，不属于本单位职责范围"
            )
            services.workorder_rule_return(
                actor=operator, return_request=ret, justified=False, note="物业监管属住建局职责"
            )
            continue
        order = services.workorder_sign(actor=handler, order=order)
        if stage in ("progress", "confidential"):
            continue
        if stage == "extension":
            services.workorder_ask_extension(
                actor=handler, order=order, days=5, reason="需要联合检测机构抽检，结果需要时间"
            )
            continue
        order = services.workorder_reply(actor=handler, order=order, text=rng.choice(REPLIES))
        if stage == "review":
            continue
        order = services.workorder_review_reply(actor=operator, order=order, approve=True)
        if stage == "callback":
            continue
        if stage in ("redo", "unsatisfied"):
            services.workorder_callback(
                actor=operator, order=order, resolved=False, satisfied=False
            )
            if stage == "redo":
                services.workorder_redo(
                    actor=operator, order=order, reason="来电人反映问题依旧存在，商户未整改"
                )
            continue
        services.workorder_callback(
            actor=operator, order=order, resolved=True, satisfied=rng.random() < 0.85
        )
        services.workorder_close(actor=operator, order=order)
    if ctx is not None:
        ctx.log(f"    hotline: {WorkOrder.objects.filter(created_by=operator).count()} orders")


def generate(ctx, scale) -> dict:
    """Bulk orders over the last 12 months: realistic text tied to the topic and the unit it was
    dispatched to (so smart dispatch can learn), outcomes for KPIs, deadlines from workcal."""
    from yingshang.org.models import Unit
    from yingshang.workcal import calendar

    n = scale.n(150_000)
    if n <= 0:
        return {"orders": 0}
    topics = ensure_topics()
    leaf = [t for t in topics.values() if t.parent_id and t.default_unit_id and t.code in TEXTS]
    leaf += [
        t for t in topics.values() if not t.parent_id and t.default_unit_id and t.code in TEXTS
    ]
    towns = list(Unit.objects.filter(kind="town").values_list("pk", flat=True))
    rng = ctx.rng if ctx is not None else random.Random(20261122)
    cal = calendar.get_calendar()
    now = timezone.now()
    start = now - dt.timedelta(days=365)
    offset = WorkOrder.objects.count()
    batch, made = [], 0
    categories = ["complaint", "complaint", "help", "consult", "report", "suggestion"]
    # orders arrive in time order (as real ones do, so a month's rows sit together on disk)
    offsets = sorted(rng.randint(0, 365 * 86400 - 1) for _ in range(n))
    for i in range(n):
        topic = rng.choice(leaf)
        unit_id = topic.default_unit_id
        if topic.code == "cg-sanitation" and towns:
            unit_id = rng.choice(towns)  # sanitation goes to the town where it happens
        reg = start + dt.timedelta(seconds=offsets[i])
        category = CATEGORY_BY_TOPIC.get(topic.code, rng.choice(categories))
        direct = category == "consult" and rng.random() < 0.4
        order = WorkOrder(
            number=f"GN{calendar.local_date(reg):%Y%m%d}{offset + i:09d}"[:24],
            channel=rng.choice(["phone"] * 6 + ["web", "app_api", "city", "open311"]),
            caller_name=rng.choice(["张", "李", "王", "赵", "刘", "陈"])
            + rng.choice(["先生", "女士"]),
            caller_phone=_phone(rng),
            confidential=rng.random() < 0.03,
            category=category,
            topic_id=topic.pk,
            urgency="urgent" if rng.random() < 0.04 else "normal",
            content=_text(rng, topic.code),
            address=f"示范县{rng.choice(PLACES)}{rng.randint(1, 300)}号",
            registered_at=reg,
        )
        order.title = order.content[:30]
        if direct:
            order.status, order.close_kind = "closed", "direct"
            order.replied_at = order.closed_at = reg + dt.timedelta(minutes=rng.randint(3, 20))
            order.reply = rng.choice(REPLIES)
        else:
            disp = reg + dt.timedelta(minutes=rng.randint(5, 90))
            order.main_unit_id = unit_id
            order.dispatched_at = order.first_dispatched_at = disp
            order.sign_due_at = cal.deadline(disp, 2, "working_hours").due_at
            days = 3 if category in ("consult", "help", "praise") else 13
            order.handle_due_at = cal.deadline(disp, days, "working_days").due_at
            age = (now - disp).days
            if age < 2 and rng.random() < 0.5:
                order.status = "awaiting_sign"
                order.due_at = order.sign_due_at
            else:
                order.signed_at = disp + dt.timedelta(minutes=rng.randint(10, 600))
                order.signed_on_time = order.signed_at <= order.sign_due_at
                if age < 10 and rng.random() < 0.6:
                    order.status = "in_progress"
                    order.due_at = order.handle_due_at
                else:
                    order.replied_at = order.signed_at + dt.timedelta(
                        hours=rng.randint(2, 24 * (days + 3))
                    )
                    order.replied_on_time = order.replied_at <= order.handle_due_at
                    order.reply = rng.choice(REPLIES)
                    order.resolved = rng.random() < 0.82
                    order.satisfied = (order.resolved and rng.random() < 0.9) or rng.random() < 0.1
                    order.redo_count = 1 if (not order.satisfied and rng.random() < 0.3) else 0
                    order.callback_at = order.replied_at + dt.timedelta(hours=rng.randint(1, 30))
                    order.status, order.close_kind = "closed", "handled"
                    order.closed_at = order.callback_at
        batch.append(order)
        if len(batch) >= 5000:
            WorkOrder.objects.bulk_create(batch, batch_size=5000)
            made += len(batch)
            batch = []
    if batch:
        WorkOrder.objects.bulk_create(batch, batch_size=5000)
        made += len(batch)
    return {"orders": made}
