"""明查暗访: supervisors plan a visit or test call, record it as conducted, record what they found
(with evidence), and confirm a finding — which, in one step, may add a penalty item (暗访发现)
and open a ledger problem for the unit. A finding counts in the ranking once confirmed (the
`visit_findings` metric); a wrong one is voided with a reason (its penalty item with it)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import uploads, workflow
from yingshang.assessment.models import Adjustment, Finding, Visit
from yingshang.assessment.services.adjustments import adjustment_add, adjustment_void
from yingshang.assessment.services.schemes import require_manager
from yingshang.assessment.transitions import FINDING, VISIT
from yingshang.errors import DomainError, InvalidInput
from yingshang.org.models import Unit
from yingshang.workcal import periods


def _text(value: str, code: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(code, message)
    return value


def _day(value, label: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(
            "ASSESSMENT_BAD_DATE", _("%(label)s不是有效日期") % {"label": label}
        ) from None


def visit_plan(
    *, actor, title: str, mode: str, method: str, planned_on, unit_ids: list[int], focus: str = ""
) -> Visit:
    workflow.require_actor(actor)
    require_manager(actor)
    title = _text(title, "ASSESSMENT_VISIT_TITLE_REQUIRED", _("请填写察看任务名称"))
    if mode not in Visit.Mode.values:
        raise InvalidInput("ASSESSMENT_VISIT_BAD_MODE", _("方式须为明查或暗访"))
    if method not in Visit.Method.values:
        raise InvalidInput("ASSESSMENT_VISIT_BAD_METHOD", _("察看手段无效"))
    planned_on = _day(planned_on, _("计划日期"))
    units = list(Unit.objects.filter(pk__in=[int(u) for u in unit_ids or []], is_active=True))
    if not units or len(units) != len(set(unit_ids)):
        raise InvalidInput("ASSESSMENT_VISIT_BAD_UNITS", _("请选择至少一个有效的察看单位"))
    with transaction.atomic():
        visit = Visit.objects.create(
            title=title[:120],
            mode=mode,
            method=method,
            planned_on=planned_on,
            focus=(focus or "").strip(),
            created_by=actor,
        )
        visit.units.set(units)
        workflow.record(
            actor,
            "assessment.visit_plan",
            visit,
            after={
                "title": visit.title,
                "mode": mode,
                "method": method,
                "planned_on": planned_on.isoformat(),
                "units": [u.pk for u in units],
            },
        )
    return visit


def visit_conduct(
    *, actor, visit: Visit, conducted_on, place: str, team: str, summary: str = ""
) -> Visit:
    conducted_on = _day(conducted_on, _("实施日期"))
    if conducted_on > periods.today():
        raise InvalidInput("ASSESSMENT_VISIT_FUTURE", _("实施日期不能晚于今天"))
    team = _text(team, "ASSESSMENT_VISIT_TEAM_REQUIRED", _("请填写察看人员"))
    with transaction.atomic():
        visit = workflow.lock(actor, visit, action="conduct", table=VISIT)
        visit.status = VISIT.target("conduct", visit.status)
        visit.conducted_on = conducted_on
        visit.place = (place or "").strip()[:120]
        visit.team = team[:120]
        visit.summary = (summary or "").strip()
        visit.save()
        workflow.record(
            actor,
            "assessment.visit_conduct",
            visit,
            after={"status": visit.status, "conducted_on": conducted_on.isoformat(), "team": team},
            reason=visit.summary,
        )
    return visit


def visit_cancel(*, actor, visit: Visit, reason: str) -> Visit:
    reason = _text(reason, "ASSESSMENT_REASON_REQUIRED", _("请填写取消原因"))
    with transaction.atomic():
        visit = workflow.lock(actor, visit, action="cancel", table=VISIT)
        visit.status = VISIT.target("cancel", visit.status)
        visit.cancel_reason = reason
        visit.save(update_fields=["status", "cancel_reason"])
        workflow.record(
            actor, "assessment.visit_cancel", visit, after={"status": visit.status}, reason=reason
        )
    return visit


def finding_add(
    *,
    actor,
    visit: Visit,
    unit_id: int,
    description: str,
    place: str = "",
    occurred_on=None,
    evidence=None,
) -> Finding:
    workflow.require_actor(actor)
    require_manager(actor)
    if visit.status != Visit.Status.CONDUCTED:
        raise DomainError(
            "ASSESSMENT_VISIT_NOT_CONDUCTED", _("请先登记本次察看已实施，再记录发现的问题")
        )
    description = _text(description, "ASSESSMENT_FINDING_REQUIRED", _("请填写发现的问题"))
    unit = visit.units.filter(pk=unit_id).first()
    if unit is None:
        raise InvalidInput("ASSESSMENT_FINDING_BAD_UNIT", _("该单位不在本次察看范围内"))
    occurred_on = _day(occurred_on, _("发现日期")) if occurred_on else visit.conducted_on
    if occurred_on > periods.today():
        raise InvalidInput("ASSESSMENT_FINDING_FUTURE", _("发现日期不能晚于今天"))
    checked = (
        uploads.check(evidence, field="evidence", allowed=uploads.EVIDENCE) if evidence else None
    )
    with transaction.atomic():
        finding = Finding(
            visit=visit,
            unit=unit,
            occurred_on=occurred_on,
            place=(place or "").strip()[:120],
            description=description,
            created_by=actor,
        )
        if checked is not None:
            finding.evidence_name = checked.name
            finding.evidence_sha256 = checked.sha256
            finding.evidence.save(checked.name, evidence, save=False)
        finding.save()
        workflow.record(
            actor,
            "assessment.finding_add",
            finding,
            after={
                "visit": visit.pk,
                "unit": unit.pk,
                "occurred_on": occurred_on.isoformat(),
                "evidence": finding.evidence_name,
                "sha256": finding.evidence_sha256,
            },
            reason=description,
        )
    return finding


def finding_confirm(
    *,
    actor,
    finding: Finding,
    points=None,
    open_problem: bool = False,
    deadline_days: int | None = None,
    measures: str = "",
) -> Finding:
    """Confirm a finding; with `points` (negative) it becomes a 暗访发现 penalty item, with
    `open_problem` a ledger problem of the unit (source 督查) — all in one transaction."""
    from yingshang.supervision.models import Problem
    from yingshang.supervision.services import problem_create_from_source

    with transaction.atomic():
        finding = workflow.lock(actor, finding, action="confirm", table=FINDING)
        visit = finding.visit
        if points not in (None, ""):
            finding.adjustment = adjustment_add(
                actor=actor,
                unit_id=finding.unit_id,
                kind=Adjustment.Kind.SECRET_VISIT,
                occurred_on=finding.occurred_on,
                points=points,
                reason=_("%(mode)s“%(title)s”发现：%(text)s")
                % {
                    "mode": visit.get_mode_display(),
                    "title": visit.title,
                    "text": finding.description,
                },
            )
        if open_problem:
            if deadline_days is not None and not 1 <= int(deadline_days) <= 2000:
                raise InvalidInput("PROBLEM_DEADLINE_INVALID", _("整改时限应为1到2000个工作日"))
            finding.problem = problem_create_from_source(
                actor=actor,
                source=Problem.Source.SUPERVISION_VISIT,
                source_type="assessment.finding",
                source_id=finding.pk,
                unit=finding.unit,
                description=_("【%(mode)s】%(text)s")
                % {"mode": visit.get_mode_display(), "text": finding.description},
                deadline_days=deadline_days,
                measures=measures or "",
            )
        finding.status = FINDING.target("confirm", finding.status)
        finding.save(update_fields=["status", "adjustment", "problem"])
        workflow.record(
            actor,
            "assessment.finding_confirm",
            finding,
            after={
                "status": finding.status,
                "adjustment": finding.adjustment_id,
                "problem": finding.problem.number if finding.problem else None,
            },
        )
    return finding


def finding_void(*, actor, finding: Finding, reason: str) -> Finding:
    """Void a finding (and its penalty item); a ledger problem it opened stays in the ledger,
    where the supervisors void it in its own right if it was wrong."""
    reason = _text(reason, "ASSESSMENT_REASON_REQUIRED", _("请填写作废原因"))
    with transaction.atomic():
        finding = workflow.lock(actor, finding, action="void", table=FINDING)
        if finding.adjustment_id and finding.adjustment.status == Adjustment.Status.ACTIVE:
            finding.adjustment = adjustment_void(
                actor=actor, adjustment=finding.adjustment, reason=reason
            )
        finding.status = FINDING.target("void", finding.status)
        finding.void_reason = reason
        finding.save(update_fields=["status", "void_reason"])
        workflow.record(
            actor,
            "assessment.finding_void",
            finding,
            after={"status": finding.status},
            reason=reason,
        )
    return finding
