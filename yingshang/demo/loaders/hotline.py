"""Demo data of the hotline: the topic tree with default units, ~50 orders walked through the real
services (load_demo), and a fast bulk generator with realistic text per topic (generate) that
smart dispatch can learn from. The words are in yingshang/demo/data/hotline/content.yaml."""

import datetime as dt
import random
from dataclasses import replace
from functools import cache

from django.db import transaction
from django.utils import timezone

from yingshang.demo.registry import load_yaml
from yingshang.hotline.models import Topic, WorkOrder


@cache
def content() -> dict:
    return load_yaml("hotline", "content.yaml")


def _text(rng: random.Random, code: str, category: str = "") -> str:
    body = rng.choice(content()["texts"][code]).format(
        p=rng.choice(content()["places"]),
        s=rng.choice(content()["shops"]),
        f=rng.choice(content()["firms"]),
        n=rng.randint(2, 12),
    )
    openings = content()["openings"] + content()["openings_by_category"].get(category, [])
    return f"{rng.choice(openings)}{body}{rng.choice(content()['closings'])}"


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


def history(ctx) -> None:
    """The demo county's last three months of 12345 orders (registry.HISTORY), made once per
    database with the generator below, so every unit has a KPI sample this month and smart
    dispatch (trained by the knowledge loader next) learns from and is measured on them."""
    from yingshang.demo.registry import HISTORY, history_made, mark_history_made

    if history_made("hotline"):
        return  # idempotent: made once per database
    with transaction.atomic():
        made = generate(replace(ctx, rng=ctx.rng_for("hotline")), HISTORY["hotline"])
        mark_history_made("hotline")
    ctx.log(f"    {made['orders']} orders in 3 months")


CATEGORIES = ["complaint", "complaint", "help", "consult", "report", "suggestion"]


def _plan(rng, leaf, towns, units, start, now, n, scale_days, min_sample) -> list[tuple]:
    """(registered_at, topic, unit_id, category, answered directly) of `n` orders arriving over
    the period, plus enough orders dispatched this month that every unit receiving orders
    reaches the KPI minimum sample of the current month (a small county's unit may get few in
    the first days of a month)."""
    from yingshang.hotline import kpis
    from yingshang.workcal import calendar, periods

    def order(reg, topic, unit_id, may_answer=True):
        category = content()["category_by_topic"].get(topic.code, rng.choice(CATEGORIES))
        direct = may_answer and category == "consult" and rng.random() < 0.4
        return (reg, topic, unit_id, category, direct)

    alternates = {
        code: [u for u in (units.get(c) for c in codes) if u]
        for code, codes in content()["alternates"].items()
    }

    def unit_of(topic):
        if topic.code == "cg-sanitation" and towns:
            return rng.choice(towns)  # sanitation goes to the town where it happens
        if alternates.get(topic.code) and rng.random() < 0.08:
            return rng.choice(alternates[topic.code])
        return topic.default_unit_id

    seconds = scale_days * 86400

    def arrival():
        """A time in the period, mostly in the day: few people call 12345 at night."""
        at = start + dt.timedelta(seconds=rng.randint(0, seconds - 1))
        local = calendar.to_local(at)
        if (local.hour < 8 or local.hour >= 21) and rng.random() < 0.85:
            day = local.replace(hour=rng.randint(8, 20), minute=rng.randint(0, 59))
            at = day if day < now else at
        return at

    plan = [
        order(arrival(), topic, unit_of(topic)) for topic in (rng.choice(leaf) for _ in range(n))
    ]
    month_start, _end = kpis.month_bounds(periods.current("month").key)
    window = max(0, int((now - month_start).total_seconds()) - 600)  # registered before now
    this_month: dict = {}
    for reg, _topic, unit_id, _category, direct in plan:
        if reg >= month_start and not direct:
            this_month[unit_id] = this_month.get(unit_id, 0) + 1
    by_unit: dict = {}  # every unit that receives orders, and the topics it receives
    for topic in leaf:
        for unit_id in (
            towns if topic.code == "cg-sanitation" and towns else [topic.default_unit_id]
        ):
            by_unit.setdefault(unit_id, []).append(topic)
    for code, unit_ids in alternates.items():
        topic = next((t for t in leaf if t.code == code), None)
        for unit_id in unit_ids if topic else ():
            by_unit.setdefault(unit_id, []).append(topic)
    wanted = min_sample + 2
    for unit_id, topics in by_unit.items():
        for _ in range(max(0, wanted - this_month.get(unit_id, 0))):
            reg = month_start + dt.timedelta(seconds=rng.randint(0, window))
            plan.append(order(reg, rng.choice(topics), unit_id, may_answer=False))
    plan.sort(key=lambda row: row[0])  # orders arrive in time order, as real ones do
    return plan


def generate(ctx, scale) -> dict:
    """Bulk orders over the last `scale.days` days: realistic text tied to the topic and the
    unit it was dispatched to (so smart dispatch can learn), numbered as the register service
    numbers them, deadlines from workcal, and outcomes whose clocks never run past now (an
    order replied after now is still in progress; some are overdue, most on time)."""
    from yingshang import numbering
    from yingshang.hotline.models import KpiConfig
    from yingshang.org.models import RoleAssignment, Unit
    from yingshang.org.roles import Role
    from yingshang.org.staff import UNIT_HANDLERS, staff_of
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
    # sanitation goes to the towns, those with someone to sign the orders (nothing gets stuck)
    all_towns = Unit.objects.filter(kind="town", is_active=True)
    staffed = RoleAssignment.objects.filter(
        unit__in=all_towns, role__in=UNIT_HANDLERS, revoked_at__isnull=True, user__is_active=True
    ).values("unit_id")
    towns = list(all_towns.filter(pk__in=staffed).values_list("pk", flat=True)) or list(
        all_towns.values_list("pk", flat=True)
    )
    rng = ctx.rng if ctx is not None else random.Random(20261122)
    cal = calendar.get_calendar()
    now = timezone.now()
    start = now - dt.timedelta(days=scale.days)
    units = dict(Unit.objects.filter(is_active=True).values_list("code", "pk"))
    plan = _plan(rng, leaf, towns, units, start, now, n, scale.days, KpiConfig.get().min_sample)
    # registered by the hotline's operators, as the register service records them
    operators = list(staff_of(None, [Role.HOTLINE_OPERATOR]).values_list("pk", flat=True)) or [None]
    # numbers as the register service gives them (GD + day + the work-order serial)
    serials = iter(numbering.serial("workorder", len(plan))) if plan else iter(())
    batch, made = [], 0
    for reg, topic, unit_id, category, direct in plan:
        order = WorkOrder(
            number=numbering.workorder_number(reg, next(serials)),
            channel=rng.choice(["phone"] * 6 + ["web", "app_api", "city", "open311"]),
            caller_name=rng.choice(["张", "李", "王", "赵", "刘", "陈"])
            + rng.choice(["先生", "女士"]),
            caller_phone=_phone(rng),
            confidential=rng.random() < 0.03,
            category=category,
            topic_id=topic.pk,
            urgency="urgent" if rng.random() < 0.04 else "normal",
            content=_text(rng, topic.code, category),
            address=f"示范县{rng.choice(content()['places'])}{rng.randint(1, 300)}号",
            registered_at=reg,
            created_by_id=rng.choice(operators),
        )
        order.title = order.content[:30]
        if direct:
            order.status, order.close_kind = "closed", "direct"
            answered = min(now, reg + dt.timedelta(minutes=rng.randint(3, 20)))
            order.replied_at = order.closed_at = answered
            order.reply = rng.choice(content()["replies"])
        else:
            _outcome(order, rng, cal, now, reg, unit_id, category)
        batch.append(order)
        if len(batch) >= 5000:
            WorkOrder.objects.bulk_create(batch, batch_size=5000)
            made += len(batch)
            batch = []
    if batch:
        WorkOrder.objects.bulk_create(batch, batch_size=5000)
        made += len(batch)
    return {"orders": made}


def _outcome(order, rng, cal, now, reg, unit_id, category) -> None:
    """Dispatch, sign, reply and callback times of a dispatched order, each after the one
    before and never after now; deadlines as hotline.services compute them."""
    disp = min(now, reg + dt.timedelta(minutes=rng.randint(5, 90)))
    order.main_unit_id = unit_id
    order.dispatched_at = order.first_dispatched_at = disp
    order.sign_due_at = cal.deadline(disp, 2, "working_hours").due_at
    days = 3 if category in ("consult", "help", "praise") else 13
    order.handle_due_at = cal.deadline(disp, days, "working_days").due_at
    # units sign and reply in working time (workcal): most within the limits, some late
    signed = cal.add_working_hours(disp, rng.triangular(0.1, 2.8, 0.5))
    if signed > now or ((now - disp).days < 2 and rng.random() < 0.5):
        order.status, order.due_at = "awaiting_sign", order.sign_due_at
        return
    order.signed_at = signed
    order.signed_on_time = signed <= order.sign_due_at
    # most units reply within the time limit; a few take longer
    limit_hours = cal.working_hours_between(signed, order.handle_due_at)
    hours = rng.triangular(0.5, max(2.0, limit_hours * 1.2), max(1.0, limit_hours * 0.35))
    replied = cal.add_working_hours(signed, hours)
    if replied > now or ((now - disp).days < 10 and rng.random() < 0.4):
        order.status, order.due_at = "in_progress", order.handle_due_at
        return
    order.replied_at = replied
    order.replied_on_time = replied <= order.handle_due_at
    order.reply = rng.choice(content()["replies"])
    callback = replied + dt.timedelta(hours=rng.randint(1, 30))
    if callback > now:
        order.status = "awaiting_callback"
        return
    # about nine in ten callers are satisfied, as in a county whose hotline works
    order.resolved = rng.random() < 0.88
    order.satisfied = (order.resolved and rng.random() < 0.96) or rng.random() < 0.2
    order.redo_count = 1 if (not order.satisfied and rng.random() < 0.3) else 0
    order.callback_at = order.closed_at = callback
    order.status, order.close_kind = "closed", "handled"
