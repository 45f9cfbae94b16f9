"""Demo data of the hotline: the topic tree with default units, ~50 orders walked through the real
services (load_demo), and a fast bulk generator with realistic text per topic (generate) that
smart dispatch can learn from. The words are in yingshang/demo/data/hotline/content.yaml."""

import datetime as dt
import random
from functools import cache

from django.db import transaction
from django.utils import timezone

from yingshang.demo.registry import load_yaml
from yingshang.hotline.models import Topic, WorkOrder


@cache
def content() -> dict:
    return load_yaml("hotline", "content.yaml")


def _text(rng: random.Random, code: str) -> str:
    body = rng.choice(content()["texts"][code]).format(
        p=rng.choice(content()["places"]),
        s=rng.choice(content()["shops"]),
        f=rng.choice(content()["firms"]),
        n=rng.randint(2, 12),
    )
    return f"{rng.choice(content()['openings'])}{body}{rng.choice(content()['closings'])}"


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


def ensure_topics() -> dict:
    from yingshang.org.models import Unit

    units = dict(Unit.objects.values_list("code", "pk"))
    made = {}
    for i, row in enumerate(content()["topics"]):
        code, name, parent, unit_code, keywords = (
            row["code"],
            row["name"],
            row["parent"],
            row["unit"],
            row["keywords"],
        )
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
            category=content()["category_by_topic"].get(
                code, rng.choice(["complaint", "complaint", "help", "report", "suggestion"])
            ),
            urgency="urgent" if i % 17 == 3 else "normal",
            topic=topic,
            caller_name=rng.choice(names),
            caller_phone=_phone(rng),
            confidential=stage == "confidential" or i % 13 == 5,
            address=f"示范县{rng.choice(content()['places'])}{rng.randint(1, 200)}号",
            external_number=f"SZ{timezone.localdate():%Y%m%d}{i:04d}" if i % 9 == 4 else "",
        )
        if stage == "direct":
            services.workorder_answer_directly(
                actor=operator,
                order=order,
                reply="已按政策口径答复来电人：" + rng.choice(content()["replies"]),
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
        order = services.workorder_reply(
            actor=handler, order=order, text=rng.choice(content()["replies"])
        )
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
    leaf = [
        t
        for t in topics.values()
        if t.parent_id and t.default_unit_id and t.code in content()["texts"]
    ]
    leaf += [
        t
        for t in topics.values()
        if not t.parent_id and t.default_unit_id and t.code in content()["texts"]
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
        category = content()["category_by_topic"].get(topic.code, rng.choice(categories))
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
            address=f"示范县{rng.choice(content()['places'])}{rng.randint(1, 300)}号",
            registered_at=reg,
        )
        order.title = order.content[:30]
        if direct:
            order.status, order.close_kind = "closed", "direct"
            order.replied_at = order.closed_at = reg + dt.timedelta(minutes=rng.randint(3, 20))
            order.reply = rng.choice(content()["replies"])
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
                    order.reply = rng.choice(content()["replies"])
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
