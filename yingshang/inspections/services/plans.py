"""Plans and their commit–reveal draws (docs/inspections_draw.md).

commit: snapshot both registers and the plan in canonical form, hash them, choose a secret seed
and publish its hash — all before anyone can know the result. draw: run the documented
algorithm on exactly the committed snapshots with the seed, publish the seed and the result,
and create one inspection per drawn entity. redraw: only with a reason; the old draw stays
published as superseded and a new commitment follows."""

import datetime as dt
import json
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import numbering, workflow
from yingshang.enterprises import panelcache
from yingshang.enterprises.models import Firm
from yingshang.errors import DomainError, InvalidInput
from yingshang.inspections import draw as algorithm
from yingshang.inspections import risk
from yingshang.inspections import transitions as t
from yingshang.inspections.models import Conflict, Draw, Inspection, Inspector, Plan
from yingshang.inspections.services.registers import config, require_unit_worker
from yingshang.workcal import calendar


def default_grade_ratios(base_bp: int) -> dict[str, int]:
    """Risk-based ratios from the base ratio: good credit at the base, then ×2, ×3, ×5."""
    return {g: min(10000, base_bp * m) for g, m in zip(algorithm.GRADES, (1, 2, 3, 5), strict=True)}


def _check_ratios(base_bp: int, grade_ratios: dict) -> dict[str, int]:
    minimum = config().min_ratio_bp
    pct = lambda bp: f"{bp / 100:g}%"  # noqa: E731
    if base_bp < minimum:
        raise InvalidInput(
            "INSPECTIONS_RATIO_TOO_LOW",
            _("抽查比例%(r)s低于规定的最低比例%(m)s") % {"r": pct(base_bp), "m": pct(minimum)},
            details={"field": "ratio_bp", "minimum": minimum},
        )
    ratios = {
        **default_grade_ratios(base_bp),
        **{k: int(v) for k, v in (grade_ratios or {}).items()},
    }
    if set(ratios) != set(algorithm.GRADES):
        raise InvalidInput(
            "INSPECTIONS_GRADE_UNKNOWN",
            _("风险等级只能是A、B、C、D"),
            details={"field": "grade_ratios"},
        )
    for g in algorithm.GRADES:
        if not minimum <= ratios[g] <= 10000:
            raise InvalidInput(
                "INSPECTIONS_RATIO_TOO_LOW",
                _("%(g)s级企业的抽查比例%(r)s低于规定的最低比例%(m)s或超过100%%")
                % {"g": g, "r": pct(ratios[g]), "m": pct(minimum)},
                details={"field": "grade_ratios", "grade": g, "minimum": minimum},
            )
    if [ratios[g] for g in algorithm.GRADES] != sorted(ratios[g] for g in algorithm.GRADES):
        raise InvalidInput(
            "INSPECTIONS_RATIOS_NOT_RISK_BASED",
            _("分级抽查比例应随风险升高而不降低（A ≤ B ≤ C ≤ D）：信用好的企业少查，失信企业多查"),
            details={"field": "grade_ratios"},
        )
    return ratios


@transaction.atomic
def plan_create(
    *,
    actor,
    title: str,
    lead_unit,
    units=(),
    matters=(),
    ratio_bp: int,
    grade_ratios: dict | None = None,
    per_entity: int = 2,
    exclude_same_region: bool = False,
    rounds_per_year: int = 2,
    window_start: dt.date,
    window_end: dt.date,
    industry_prefixes=(),
    region_codes=(),
    sizes=(),
) -> Plan:
    require_unit_worker(actor, lead_unit)
    title = (title or "").strip()
    if not title:
        raise InvalidInput(
            "INSPECTIONS_FIELD_REQUIRED", _("请填写计划名称"), details={"field": "title"}
        )
    ratios = _check_ratios(int(ratio_bp), grade_ratios or {})
    if per_entity < 2:
        raise InvalidInput(
            "INSPECTIONS_TOO_FEW_PER_ENTITY",
            _("每户至少随机选派2名检查人员"),
            details={"field": "per_entity"},
        )
    if not 1 <= rounds_per_year <= 12:
        raise InvalidInput(
            "INSPECTIONS_ROUNDS_INVALID",
            _("每年轮次应为1到12"),
            details={"field": "rounds_per_year"},
        )
    if window_end < window_start:
        raise InvalidInput(
            "INSPECTIONS_WINDOW_INVALID",
            _("检查结束日期不能早于开始日期"),
            details={"field": "window_end"},
        )
    if calendar.working_days_between(window_start - dt.timedelta(days=1), window_end) < 1:
        raise InvalidInput(
            "INSPECTIONS_WINDOW_INVALID", _("检查时段内没有工作日"), details={"field": "window_end"}
        )
    all_units = {u.pk: u for u in [lead_unit, *units]}
    matters = list(matters)
    if not matters:
        raise InvalidInput(
            "INSPECTIONS_MATTERS_REQUIRED",
            _("请至少选择一项抽查事项"),
            details={"field": "matters"},
        )
    stray = [m.name for m in matters if m.unit_id not in all_units]
    if stray:
        raise InvalidInput(
            "INSPECTIONS_MATTER_NOT_OF_UNITS",
            _("抽查事项不属于参与单位：%(m)s") % {"m": "、".join(stray)},
            details={"field": "matters"},
        )
    sizes = [s for s in sizes or () if s]
    if any(s not in Firm.Size.values for s in sizes):
        raise InvalidInput(
            "INSPECTIONS_SIZE_INVALID", _("企业规模无效"), details={"field": "sizes"}
        )
    now = timezone.now()
    plan = Plan.objects.create(
        number=f"CC{calendar.local_date(now):%Y}{numbering.take(f'inspections:plan:{now:%Y}'):04d}",
        title=title[:120],
        lead_unit=lead_unit,
        ratio_bp=int(ratio_bp),
        grade_ratios=ratios,
        per_entity=per_entity,
        exclude_same_region=exclude_same_region,
        rounds_per_year=rounds_per_year,
        window_start=window_start,
        window_end=window_end,
        industry_prefixes=[p.strip().upper() for p in industry_prefixes or () if p.strip()],
        region_codes=[r.strip() for r in region_codes or () if r.strip()],
        sizes=sizes,
        created_by=actor,
        created_at=now,
    )
    plan.units.set(all_units.values())
    plan.matters.set(matters)
    workflow.record(
        actor,
        "inspections.plan_create",
        plan,
        after={
            "number": plan.number,
            "title": plan.title,
            "units": [u.name for u in all_units.values()],
            "ratio_bp": plan.ratio_bp,
            "grade_ratios": ratios,
        },
    )
    return plan


# --- snapshots ---------------------------------------------------------------------------------
def population(plan: Plan):
    qs = Firm.objects.all()
    if plan.industry_prefixes:
        q = Q()
        for prefix in plan.industry_prefixes:
            q |= Q(industry_code__startswith=prefix)
        qs = qs.filter(q)
    if plan.region_codes:
        qs = qs.filter(region_code__in=plan.region_codes)
    if plan.sizes:
        qs = qs.filter(size__in=plan.sizes)
    return qs


def snapshot(plan: Plan, *, round_no: int, attempt: int) -> tuple[dict, list, list]:
    """(plan, entities, inspectors) in the canonical form of docs/inspections_draw.md."""
    units = sorted(plan.units.all(), key=lambda u: u.code)
    firms = list(population(plan).order_by("uscc").values_list("pk", "uscc", "region_code"))
    grades = risk.grades([pk for pk, _u, _r in firms])
    entities = [[uscc, region or "", grades[pk]] for pk, uscc, region in firms]
    inspectors = list(
        Inspector.objects.filter(unit__in=units, active=True)
        .select_related("unit")
        .order_by("code")
    )
    conflicts: dict[int, list[str]] = {}
    for inspector_id, uscc in Conflict.objects.filter(
        active=True, inspector__in=[i.pk for i in inspectors]
    ).values_list("inspector_id", "firm__uscc"):
        conflicts.setdefault(inspector_id, []).append(uscc)
    roster = [
        [i.code, i.unit.code, i.region_code or "", sorted(set(conflicts.get(i.pk, [])))]
        for i in inspectors
    ]
    params = {
        "number": plan.number,
        "title": plan.title,
        "units": [u.code for u in units],
        "matters": sorted(plan.matters.values_list("code", flat=True)),
        "filters": {
            "industry_prefixes": plan.industry_prefixes,
            "region_codes": plan.region_codes,
            "sizes": plan.sizes,
        },
        "ratios": {g: int(plan.grade_ratios[g]) for g in algorithm.GRADES},
        "per_entity": plan.per_entity,
        "exclude_same_region": plan.exclude_same_region,
        "round": round_no,
        "attempt": attempt,
        "window": [plan.window_start.isoformat(), plan.window_end.isoformat()],
    }
    return params, entities, roster


def _commit(
    actor, plan: Plan, *, round_no: int, attempt: int, replaces: Draw | None, reason: str
) -> Draw:
    params, entities, roster = snapshot(plan, round_no=round_no, attempt=attempt)
    if not entities:
        raise DomainError("INSPECTIONS_EMPTY_POPULATION", _("按计划条件筛选后没有可抽查的企业"))
    short = algorithm.eligible_count_problems(params, entities, roster)
    if short:
        names = dict(
            Firm.objects.filter(uscc__in=[s["uscc"] for s in short[:5]]).values_list("uscc", "name")
        )
        raise DomainError(
            "INSPECTIONS_TOO_FEW_INSPECTORS",
            _(
                "%(n)d家企业可选派的检查人员不足%(k)d名（已排除回避和本区划人员），如：%(names)s。请增加参与单位或检查人员"
            )
            % {"n": len(short), "k": plan.per_entity, "names": "、".join(names.values())},
            details={"entities": short[:50], "required": plan.per_entity},
        )
    seed = secrets.token_hex(32)
    d = Draw.objects.create(
        plan=plan,
        round_no=round_no,
        attempt=attempt,
        status=Draw.Status.COMMITTED,
        plan_json=json.dumps(params, ensure_ascii=False),
        entities_json=json.dumps(entities, ensure_ascii=False),
        inspectors_json=json.dumps(roster, ensure_ascii=False),
        plan_hash=algorithm.digest(params),
        entities_hash=algorithm.digest(entities),
        inspectors_hash=algorithm.digest(roster),
        seed=seed,
        seed_hash=algorithm.seed_hash(seed),
        population=len(entities),
        inspector_count=len(roster),
        committed_at=timezone.now(),
        reason=reason,
        replaces=replaces,
    )
    return d


def _commitment(d: Draw) -> dict:
    return {
        "round_no": d.round_no,
        "attempt": d.attempt,
        "plan_hash": d.plan_hash,
        "entities_hash": d.entities_hash,
        "inspectors_hash": d.inspectors_hash,
        "seed_hash": d.seed_hash,
    }


@transaction.atomic
def plan_commit(*, actor, plan: Plan) -> Draw:
    """公示承诺 of round 1 (or of the next round once the previous one is drawn)."""
    plan = workflow.lock(actor, plan)
    last = plan.draws.exclude(status=Draw.Status.SUPERSEDED).order_by("-round_no").first()
    if plan.status == t.DRAWN and last is not None:
        if last.round_no >= plan.rounds_per_year:
            raise DomainError(
                "INSPECTIONS_ROUNDS_EXHAUSTED",
                _("本计划每年%(n)d轮，已全部抽取") % {"n": plan.rounds_per_year},
            )
        round_no = last.round_no + 1
        workflow.gate(actor, plan, "next_round", table=t.PLAN)
    else:
        workflow.gate(actor, plan, "commit", table=t.PLAN)
        round_no = 1
    d = _commit(actor, plan, round_no=round_no, attempt=1, replaces=None, reason="")
    before = workflow.snapshot(plan, "status")
    plan.status = t.COMMITTED
    plan.save(update_fields=["status"])
    workflow.record(
        actor,
        "inspections.plan_commit",
        plan,
        before=before,
        after={"status": plan.status, **_commitment(d)},
    )
    return d


def current_draw(plan: Plan) -> Draw | None:
    return (
        plan.draws.exclude(status=Draw.Status.SUPERSEDED).order_by("-round_no", "-attempt").first()
    )


@transaction.atomic
def plan_draw(*, actor, plan: Plan) -> Draw:
    """Run the committed draw, reveal the seed and the result, create the inspections."""
    plan = workflow.lock(actor, plan, action="draw", table=t.PLAN)
    d = Draw.objects.select_for_update().get(pk=current_draw(plan).pk)
    params = json.loads(d.plan_json)
    entities = json.loads(d.entities_json)
    roster = json.loads(d.inspectors_json)
    try:
        result = algorithm.run(params, entities, roster, d.seed)
    except algorithm.DrawError as exc:  # the commit's check makes this unreachable
        raise DomainError(exc.code, _("可选派的检查人员不足"), details=exc.details) from None
    d.result_json = json.dumps(result, ensure_ascii=False)
    d.result_hash = algorithm.digest(result)
    d.status = Draw.Status.REVEALED
    d.revealed_at = timezone.now()
    d.save(update_fields=["result_json", "result_hash", "status", "revealed_at"])
    _create_inspections(plan, d, result)
    before = workflow.snapshot(plan, "status")
    plan.status = t.DRAWN
    plan.save(update_fields=["status"])
    workflow.record(
        actor,
        "inspections.plan_draw",
        plan,
        before=before,
        after={
            "status": plan.status,
            "seed": d.seed,
            "result_hash": d.result_hash,
            "drawn": len(result),
        },
    )
    return d


def _create_inspections(plan: Plan, d: Draw, result: list[dict]) -> None:
    firm_ids = dict(
        Firm.objects.filter(uscc__in=[r["uscc"] for r in result]).values_list("uscc", "pk")
    )
    inspector_ids = dict(
        Inspector.objects.filter(code__in={c for r in result for c in r["inspectors"]}).values_list(
            "code", "pk"
        )
    )
    rows = Inspection.objects.bulk_create(
        [
            Inspection(draw=d, plan=plan, firm_id=firm_ids[r["uscc"]], grade=r["grade"])
            for r in result
        ],
        batch_size=2000,
    )
    through = Inspection.inspectors.through
    through.objects.bulk_create(
        [
            through(inspection_id=row.pk, inspector_id=inspector_ids[code])
            for row, r in zip(rows, result, strict=True)
            for code in r["inspectors"]
        ],
        batch_size=5000,
    )
    panelcache.bump_after_commit(firm_ids.values())  # bulk_create sends no post_save


@transaction.atomic
def plan_redraw(*, actor, plan: Plan, reason: str) -> Draw:
    """重抽: only with a recorded reason, published beside the superseded draw."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise InvalidInput(
            "INSPECTIONS_REDRAW_REASON_REQUIRED",
            _("重新抽取必须写明原因（至少4个字），原因将随新的承诺一并公示"),
            details={"field": "reason"},
        )
    plan = workflow.lock(actor, plan, action="redraw", table=t.PLAN)
    old = Draw.objects.select_for_update().get(pk=current_draw(plan).pk)
    started = old.inspections.exclude(status__in=[t.ASSIGNED, t.VOIDED])
    if started.exists():
        raise DomainError(
            "INSPECTIONS_REDRAW_AFTER_START",
            _("本轮已有检查安排或记录，不能重新抽取"),
            details={"started": started.count()},
        )
    old.status = Draw.Status.SUPERSEDED
    old.save(update_fields=["status"])
    voided = old.inspections.filter(status=t.ASSIGNED)
    panelcache.bump_after_commit(voided.values_list("firm_id", flat=True))
    voided.update(status=t.VOIDED, void_reason=_("重新抽取作废"))
    d = _commit(
        actor, plan, round_no=old.round_no, attempt=old.attempt + 1, replaces=old, reason=reason
    )
    before = workflow.snapshot(plan, "status")
    plan.status = t.COMMITTED
    plan.save(update_fields=["status"])
    workflow.record(
        actor,
        "inspections.plan_redraw",
        plan,
        before=before,
        after={"status": plan.status, **_commitment(d)},
        reason=reason,
    )
    return d


@transaction.atomic
def plan_close(*, actor, plan: Plan, reason: str = "") -> Plan:
    plan = workflow.lock(actor, plan, action="close", table=t.PLAN)
    before = workflow.snapshot(plan, "status")
    plan.status = t.PLAN.target("close", plan.status)
    plan.save(update_fields=["status"])
    workflow.record(
        actor,
        "inspections.plan_close",
        plan,
        before=before,
        after={"status": plan.status},
        reason=reason,
    )
    return plan


@transaction.atomic
def plan_withdraw(*, actor, plan: Plan, reason: str) -> Plan:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "INSPECTIONS_REASON_REQUIRED", _("请填写撤回原因"), details={"field": "reason"}
        )
    plan = workflow.lock(actor, plan, action="withdraw", table=t.PLAN)
    before = workflow.snapshot(plan, "status")
    plan.status = t.PLAN.target("withdraw", plan.status)
    plan.save(update_fields=["status"])
    workflow.record(
        actor,
        "inspections.plan_withdraw",
        plan,
        before=before,
        after={"status": plan.status},
        reason=reason,
    )
    return plan


def export_document(d: Draw) -> dict:
    """The exported draw file: everything `verify-draw` needs (docs/inspections_draw.md)."""
    if not d.result_json:
        raise DomainError("INSPECTIONS_NOT_REVEALED", _("抽取尚未揭示，不能导出"), status=409)
    return algorithm.export(
        plan=json.loads(d.plan_json),
        entities=json.loads(d.entities_json),
        inspectors=json.loads(d.inspectors_json),
        seed=d.seed,
        result=json.loads(d.result_json),
        meta={
            "plan_number": d.plan.number,
            "round": d.round_no,
            "attempt": d.attempt,
            "committed_at": d.committed_at.isoformat(),
            "revealed_at": d.revealed_at.isoformat() if d.revealed_at else None,
            "redraw_reason": d.reason,
        },
    )
