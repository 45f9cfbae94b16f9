"""A period's values: the 营商办 opens the period (a value row per leaf, a working-day deadline),
the lead unit enters each value with evidence and submits it, measured leaves are computed from
Yingshang's own records, the 营商办 approves or returns with a reason."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import uploads, workflow
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.indicators import measures, scorecache
from yingshang.indicators import transitions as t
from yingshang.indicators.models import Evidence, Indicator, Period, Source, Tree, Value
from yingshang.indicators.scopes import is_office
from yingshang.indicators.services import rounds
from yingshang.indicators.services.tree import _decimal
from yingshang.notify import services as notify
from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.org.staff import staff_of
from yingshang.workcal import calendar
from yingshang.workcal.periods import TZ

DEFAULT_DUE_WORKING_DAYS = 10


def leaves(tree: Tree) -> list[Indicator]:
    """Active indicators without active children, in tree order."""
    active = list(tree.indicators.filter(is_active=True).order_by("sort_order", "id"))
    ids = {i.pk for i in active}
    parents = {i.parent_id for i in active if i.parent_id in ids}
    reachable = set()
    by_pk = {i.pk: i for i in active}
    for i in active:  # a leaf under a deactivated parent is out of the tree too
        node, ok = i, True
        while node.parent_id is not None:
            node = by_pk.get(node.parent_id)
            if node is None:
                ok = False
                break
        if ok:
            reachable.add(i.pk)
    return [i for i in active if i.pk not in parents and i.pk in reachable]


@transaction.atomic
def period_open(
    *,
    actor,
    tree: Tree,
    code: str,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    due_working_days: int = DEFAULT_DUE_WORKING_DAYS,
    today: dt.date | None = None,
) -> Period:
    """Open an evaluation round: one value to fill per leaf, due in `due_working_days`."""
    workflow.require_actor(actor)
    if not workflow.is_system(actor) and not is_office(scope.grants(actor)):
        raise PermissionDeniedError("INDICATOR_OFFICE_ONLY", _("只有营商办可以开启评价期次"))
    code = (code or "").strip()
    if not code or not (name or "").strip():
        raise InvalidInput("INDICATOR_PERIOD_INVALID", _("请填写期次代号和名称"))
    if starts_on > ends_on:
        raise InvalidInput(
            "INDICATOR_PERIOD_INVALID",
            _("统计起始日不能晚于截止日"),
            details={"field": "starts_on"},
        )
    if Period.objects.filter(code=code).exists():
        raise DomainError(
            "INDICATOR_PERIOD_EXISTS", _("期次“%(c)s”已存在") % {"c": code}, status=409
        )
    today = today or timezone.localdate()
    period = Period.objects.create(
        tree=tree,
        code=code,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        due_on=calendar.add_working_days(today, due_working_days),
        opened_by=None if workflow.is_system(actor) else actor,
    )
    tree = Tree.objects.select_for_update().get(pk=tree.pk)
    if not tree.locked:  # scores of this round keep this version of the tree
        tree.locked = True
        tree.save(update_fields=["locked"])
        workflow.record(actor, "indicator.tree_lock", tree, after={"locked": True})
    rows = [Value(indicator=i, period=period) for i in leaves(tree)]
    Value.objects.bulk_create(rows)
    scorecache.bump_after_commit()  # a bulk write: no signal
    units = {i.lead_unit_id for i in leaves(tree) if i.lead_unit_id}
    # measured leaves are the system's: a unit's task is the leaves it fills in
    by_hand = {
        i.lead_unit_id for i in leaves(tree) if i.lead_unit_id and i.source != Source.MEASURED
    }
    started = (
        timezone.now()
        if today == timezone.localdate()
        else dt.datetime.combine(today, dt.time(9), tzinfo=TZ)  # opened as of `today`
    )
    tasks = rounds.tasks_open(period, by_hand, due_working_days, started)
    workflow.record(
        actor,
        "indicator.period_open",
        period,
        after={
            "code": code,
            "due_on": period.due_on.isoformat(),
            "values": len(rows),
            "tasks": len(tasks),
        },
    )
    if units:
        notify.send_to(
            staff_of(list(units)),
            subject=_("营商环境评价填报"),
            body=_("%(name)s已开启，请于%(due)s前报送牵头指标的数值和佐证材料。")
            % {"name": period.name, "due": period.due_on.isoformat()},
            link=reverse("indicators:lead"),
            related=period,
        )
    return period


def plausible(indicator: Indicator, value: Decimal) -> None:
    """Refuse a value no lead unit can mean: negative where both bounds are not, over 100 for a
    percentage, or far (100 spans) outside the bounds."""
    b, w = indicator.best, indicator.worst
    label = indicator.name
    if b is not None and w is not None:
        if value < 0 <= min(b, w):
            raise InvalidInput(
                "INDICATOR_VALUE_IMPLAUSIBLE",
                _("“%(n)s”的数值不能为负数") % {"n": label},
                details={"field": "value"},
            )
        span = abs(b - w)
        if value > max(b, w) + 100 * span or value < min(b, w) - 100 * span:
            raise InvalidInput(
                "INDICATOR_VALUE_IMPLAUSIBLE",
                _("“%(n)s”的数值%(v)s明显超出合理范围（最优值%(b)s，最差值%(w)s），请核对单位")
                % {"n": label, "v": value, "b": b, "w": w},
                details={"field": "value"},
            )
    if indicator.measure_unit.strip() == "%" and not (0 <= value <= 100):
        raise InvalidInput(
            "INDICATOR_VALUE_IMPLAUSIBLE",
            _("“%(n)s”是百分比，数值应在0到100之间") % {"n": label},
            details={"field": "value"},
        )


def _save_evidence(value: Value, files, actor) -> list[Evidence]:
    saved = []
    for upload in files or []:
        checked = uploads.check(upload, field="files", allowed=uploads.EVIDENCE)
        ev = Evidence(
            value=value,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=None if workflow.is_system(actor) else actor,
        )
        ev.file.save(checked.name, upload, save=False)
        ev.save()
        saved.append(ev)
    return saved


def _is_late(value: Value, at: dt.datetime) -> bool:
    return calendar.local_date(at) > value.period.due_on


def _lock(actor, value: Value, action: str) -> Value:
    return workflow.lock(
        actor,
        value,
        action=action,
        table=t.VALUE,
        queryset=Value.objects.select_related("indicator", "period"),
    )


@transaction.atomic
def value_enter(
    *, actor, value: Value, number=None, note: str = "", target=None, files=None, source=""
) -> Value:
    """Save the value (not yet submitted) and any evidence files."""
    value = _lock(actor, value, "enter")
    number = _decimal(number, _("指标值"), "value")
    target = _decimal(target, _("承诺目标值"), "target")
    if number is not None:
        plausible(value.indicator, number)
    if target is not None:
        plausible(value.indicator, target)
    before = workflow.snapshot(value, "value", "target")
    evidence = _save_evidence(value, files, actor)
    if number is not None:
        value.value = number
    if target is not None:
        value.target = target
    value.note = (note or value.note or "").strip()
    value.source = source or Source.ENTERED
    value.entered_by = None if workflow.is_system(actor) else actor
    value.entered_at = timezone.now()
    value.save()
    workflow.record(
        actor,
        "indicator.enter",
        value,
        before={k: None if v is None else str(v) for k, v in before.items()},
        after={
            "value": None if value.value is None else str(value.value),
            "target": None if value.target is None else str(value.target),
            **({"evidence": [e.original_name for e in evidence]} if evidence else {}),
        },
    )
    return value


@transaction.atomic
def value_submit(*, actor, value: Value, at: dt.datetime | None = None) -> Value:
    value = _lock(actor, value, "submit")
    at = at or timezone.now()
    if value.value is None:
        raise InvalidInput(
            "INDICATOR_VALUE_REQUIRED", _("请先填写指标值再提交"), details={"field": "value"}
        )
    if value.source != Source.IMPORTED and not value.evidence.exists():
        raise InvalidInput(
            "INDICATOR_EVIDENCE_REQUIRED",
            _("请上传佐证材料后再提交"),
            details={"field": "files"},
        )
    before = workflow.snapshot(value, "status")
    value.status = t.VALUE.target("submit", value.status)
    value.submitted_at = at
    value.late = _is_late(value, at)
    value.save(update_fields=["status", "submitted_at", "late"])
    workflow.record(
        actor,
        "indicator.submit",
        value,
        before=before,
        after={"status": value.status, "value": str(value.value), "late": value.late},
    )
    rounds.task_check(actor, value, at)
    return value


@transaction.atomic
def value_measure(*, actor, value: Value, at: dt.datetime | None = None) -> Value:
    """Compute a measured leaf from Yingshang's records and put it up for review."""
    value = _lock(actor, value, "measure")
    at = at or timezone.now()
    m = measures.run(value.indicator.measure_key, value.period)
    if m.value is None:
        raise DomainError(
            "INDICATOR_MEASURE_NO_DATA",
            _("统计期内没有可用于测算“%(n)s”的记录") % {"n": value.indicator.name},
            details={"n": m.n},
        )
    before = workflow.snapshot(value, "status", "value")
    value.value = m.value
    value.measured = {**m.as_json(), "at": at.isoformat()}
    value.source = Source.MEASURED
    value.status = t.VALUE.target("measure", value.status)
    value.entered_at = value.submitted_at = at
    value.save()
    workflow.record(
        actor,
        "indicator.measure",
        value,
        before={"status": before["status"], "value": str(before["value"] or "")},
        after={"status": value.status, "value": str(value.value), "n": m.n},
    )
    rounds.task_check(actor, value, at)
    return value


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("REASON_REQUIRED", _("请填写原因"), details={"field": "reason"})
    return reason


def _tell_lead(value: Value, body: str) -> None:
    unit = value.indicator.lead_unit_id
    if unit:
        notify.send_to(
            staff_of(unit, (Role.DEPT_HANDLER, Role.DEPT_HEAD)),
            subject=_("营商环境评价"),
            body=body,
            link=reverse("indicators:value", args=[value.pk]),
            related=value,
        )


def _review(actor, value: Value, action: str, reason: str = "") -> Value:
    value = _lock(actor, value, action)
    before = workflow.snapshot(value, "status")
    value.status = t.VALUE.target(action, value.status)
    value.reviewed_by = None if workflow.is_system(actor) else actor
    value.reviewed_at = timezone.now()
    value.return_reason = reason if action in ("return", "reopen") else ""
    value.save(update_fields=["status", "reviewed_by", "reviewed_at", "return_reason"])
    workflow.record(
        actor,
        f"indicator.{action}",
        value,
        before=before,
        after={"status": value.status},
        reason=reason,
    )
    return value


@transaction.atomic
def value_approve(*, actor, value: Value, reason: str = "") -> Value:
    return _review(actor, value, "approve", (reason or "").strip())


@transaction.atomic
def value_return(*, actor, value: Value, reason: str = "") -> Value:
    reason = _reason(reason)
    value = _review(actor, value, "return", reason)
    rounds.task_reopen(actor, value, timezone.now())
    _tell_lead(
        value,
        _("“%(n)s”的填报被营商办退回：%(r)s") % {"n": value.indicator.name, "r": reason},
    )
    return value


@transaction.atomic
def value_reopen(*, actor, value: Value, reason: str = "") -> Value:
    reason = _reason(reason)
    value = _review(actor, value, "reopen", reason)
    rounds.task_reopen(actor, value, timezone.now())
    _tell_lead(
        value,
        _("“%(n)s”已撤销审核通过，请更正：%(r)s") % {"n": value.indicator.name, "r": reason},
    )
    return value


COMPARISONS = {
    "province_avg": _("全省平均"),
    "city_avg": _("全市平均"),
    "best_county": _("全省最优县"),
}


@transaction.atomic
def value_compare(*, actor, value: Value, province_avg=None, city_avg=None, best_county=None):
    """The 营商办 records the period's comparison values (province and city averages, the
    province's best county) from the evaluation report; empty clears one."""
    value = workflow.lock(
        actor, value, action="compare", queryset=Value.objects.select_related("indicator", "period")
    )
    given = {"province_avg": province_avg, "city_avg": city_avg, "best_county": best_county}
    before = workflow.snapshot(value, *given)
    for key, raw in given.items():
        number = _decimal(raw, str(COMPARISONS[key]), key)
        if number is not None:
            plausible(value.indicator, number)
        setattr(value, key, number)
    value.save(update_fields=list(given))
    workflow.record(
        actor,
        "indicator.compare",
        value,
        before={k: None if v is None else str(v) for k, v in before.items()},
        after={k: None if getattr(value, k) is None else str(getattr(value, k)) for k in given},
    )
    return value
