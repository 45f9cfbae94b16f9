"""Demo 双随机、一公开 (yingshang/demo/data/inspections/inspections.yaml), made through the
inspections services: the registers, the detailed rules, a joint plan of 市场监管局 and 住建局
committed and drawn, three results published, one visit on a quiet day filed as an exception."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yingshang.demo.registry import load_yaml
from yingshang.enterprises.models import Firm
from yingshang.inspections import services
from yingshang.inspections.models import Inspection, Inspector, Matter, Plan
from yingshang.org.identifiers import valid_uscc
from yingshang.org.models import Unit, User
from yingshang.workcal import calendar

DATA = load_yaml("inspections", "inspections.yaml")


def _last_plain_workday(today: dt.date, quiet_to: int) -> dt.date:
    day = today - dt.timedelta(days=1)
    while not (calendar.is_workday(day) and day.day > quiet_to):
        day -= dt.timedelta(days=1)
    return day


def _quiet_day_ahead(today: dt.date, quiet_to: int, lead: int) -> dt.date:
    day = today + dt.timedelta(days=1)
    while not (
        calendar.is_workday(day)
        and day.day <= quiet_to
        and calendar.working_days_between(today, day) >= lead
    ):
        day += dt.timedelta(days=1)
    return day


@transaction.atomic
def load_demo(ctx) -> None:
    if Plan.objects.filter(title=DATA["plan"]["title"]).exists():
        return
    units = {u.code: u for u in Unit.objects.filter(code__in=["scjg", "zjj"])}
    if len(units) < 2:
        return
    actor = User.objects.get(username=DATA["plan"]["actor"])
    partner = User.objects.get(username=DATA["plan"]["partner_actor"])
    act_for = {"scjg": actor, "zjj": partner}
    for f in DATA["firms"]:
        Firm.objects.get_or_create(
            uscc=valid_uscc(f["body"]),
            defaults={
                "name": f["name"],
                "industry_code": f["industry"],
                "region_code": f["region"],
                "size": f["size"],
            },
        )
    for m in DATA["matters"]:
        if not Matter.objects.filter(code=m["code"]).exists():
            services.matter_add(
                actor=act_for[m["unit"]],
                unit=units[m["unit"]],
                code=m["code"],
                name=m["name"],
                legal_basis=m["legal_basis"],
                checklist=m["checklist"],
            )
    for i in DATA["inspectors"]:
        if not Inspector.objects.filter(code=i["code"]).exists():
            services.inspector_add(
                actor=act_for[i["unit"]],
                unit=units[i["unit"]],
                code=i["code"],
                name=i["name"],
                region_code=i["region"],
                qualifications=i["qualifications"],
            )
    for c in DATA["conflicts"]:
        inspector = Inspector.objects.get(code=c["inspector"])
        firm = Firm.objects.get(uscc=valid_uscc(c["firm_body"]))
        if not inspector.conflicts.filter(firm=firm, active=True).exists():
            services.conflict_declare(
                actor=act_for[inspector.unit.code],
                inspector=inspector,
                firm=firm,
                reason=c["reason"],
            )
    for r in DATA["rules"]:
        services.rule_publish(
            actor=act_for[r["unit"]], unit=units[r["unit"]], title=r["title"], body=r["body"]
        )

    cfg = services.config()
    today = timezone.localdate()
    visited = _last_plain_workday(today, cfg.quiet_to)
    quiet = _quiet_day_ahead(today, cfg.quiet_to, cfg.exception_lead_days)
    p = DATA["plan"]
    plan = services.plan_create(
        actor=actor,
        title=p["title"],
        lead_unit=units[p["lead"]],
        units=[units[c] for c in p["units"]],
        matters=list(Matter.objects.filter(code__in=p["matters"])),
        ratio_bp=p["ratio_percent"] * 100,
        window_start=visited - dt.timedelta(days=14),
        window_end=quiet + dt.timedelta(days=45),
    )
    services.plan_commit(actor=actor, plan=plan)
    services.plan_draw(actor=actor, plan=plan)
    inspections = list(Inspection.objects.filter(plan=plan).order_by("pk"))
    for inspection, outcome in zip(inspections, DATA["published"], strict=False):
        services.inspection_schedule(actor=actor, inspection=inspection, scheduled_on=visited)
        services.inspection_record(
            actor=actor,
            inspection=inspection,
            result=outcome["result"],
            signature=outcome["signature"],
            signer=outcome.get("signer", ""),
            findings=outcome.get("findings", ""),
            ended_on=visited,
        )
        services.inspection_publish(actor=actor, inspection=inspection, summary=outcome["summary"])
    rest = inspections[len(DATA["published"]) :]
    if rest:
        e = DATA["exception"]
        services.inspection_file_exception(
            actor=actor,
            inspection=rest[0],
            planned_on=quiet,
            category=e["category"],
            reason=e["reason"],
        )
        services.inspection_schedule(actor=actor, inspection=rest[0], scheduled_on=quiet)
    ctx.log(f"    inspections: plan {plan.number}, {len(inspections)} drawn")
