"""Demo assessment: schemes, bonus/penalty items, 明查暗访 visits with their findings, 曝光台
cases and the last month's and quarter's rankings (the month's shown on the portal), made
through the assessment's services from yingshang/demo/data/assessment/assessment.yaml."""

import datetime as dt

from yingshang.assessment import services
from yingshang.assessment.models import Adjustment, Scheme, Snapshot
from yingshang.demo.registry import load_yaml
from yingshang.org.models import Unit, User
from yingshang.workcal import periods

DATA = load_yaml("assessment", "assessment.yaml")


def load_demo(ctx) -> None:
    if Scheme.objects.exists():
        return
    supervisor = User.objects.filter(username="supervisor").first()
    if supervisor is None:
        ctx.log("    (no supervisor: skipped)")
        return
    for s in DATA["schemes"]:
        scheme = services.scheme_create(
            actor=supervisor,
            code=s["code"],
            name=s["name"],
            period_kind=s["period_kind"],
            effective_from=dt.date.fromisoformat(s["effective_from"]),
            metrics=s["metrics"],
            groups=s["groups"],
            praise_top=s.get("praise_top", 1),
            ladder=s.get("ladder", True),
            note=s.get("note", ""),
        )
        services.scheme_activate(actor=supervisor, scheme=scheme)
    units = {u.code: u for u in Unit.objects.all()}
    today = periods.today()
    for a in DATA["adjustments"]:
        if a["unit"] not in units:
            continue
        services.adjustment_add(
            actor=supervisor,
            unit_id=units[a["unit"]].pk,
            kind=a["kind"],
            occurred_on=today - dt.timedelta(days=a["days"]),
            points=a["points"],
            reason=a["reason"],
        )
    _visits(supervisor, units, today)
    leader = User.objects.filter(username="leader").first()
    if leader is not None:
        _exposures(supervisor, leader, units, today)
    for kind in DATA.get("publish", []):
        period = periods.current(kind).previous()
        snapshot = services.snapshot_request(
            actor=supervisor, period_key=period.key, reason="演示数据"
        )
        snapshot = services.snapshot_compute(snapshot.pk)
        if snapshot.status == Snapshot.Status.DRAFT:
            snapshot = services.snapshot_publish(actor=supervisor, snapshot=snapshot)
            if kind in DATA.get("public", []):
                services.snapshot_set_public(actor=supervisor, snapshot=snapshot, public=True)
    ctx.log(
        f"    {Scheme.objects.count()} schemes, {Adjustment.objects.count()} items, "
        f"{Snapshot.objects.count()} rankings"
    )


def _visits(supervisor, units, today) -> None:
    for v in DATA.get("visits", []):
        targets = [units[c] for c in v["units"] if c in units]
        if not targets:
            continue
        day = today - dt.timedelta(days=v["days"])
        visit = services.visit_plan(
            actor=supervisor,
            title=v["title"],
            mode=v["mode"],
            method=v["method"],
            planned_on=day,
            unit_ids=[u.pk for u in targets],
        )
        visit = services.visit_conduct(
            actor=supervisor,
            visit=visit,
            conducted_on=day,
            place=v.get("place", ""),
            team=v["team"],
        )
        for f in v.get("findings", []):
            if f["unit"] not in units or units[f["unit"]] not in targets:
                continue
            finding = services.finding_add(
                actor=supervisor,
                visit=visit,
                unit_id=units[f["unit"]].pk,
                description=f["text"],
                place=f.get("place", ""),
            )
            services.finding_confirm(
                actor=supervisor, finding=finding, open_problem=f.get("problem", False)
            )


def _exposures(supervisor, leader, units, today) -> None:
    for e in DATA.get("exposures", []):
        if e["unit"] not in units:
            continue
        item = services.exposure_create(
            actor=supervisor,
            title=e["title"],
            kind=e["kind"],
            unit_id=units[e["unit"]].pk,
            occurred_on=today - dt.timedelta(days=e["days"]),
            body=e["body"],
            persons=e.get("persons", ""),
        )
        services.exposure_submit(actor=supervisor, exposure=item)
        services.exposure_approve(actor=leader, exposure=item)
