"""An inspection from the draw to its published result: schedule (quiet days, merge rule),
on-site record, publication within 20 working days (workcal clock "publish"), corrections as
new published versions, findings into the supervision ledger, and the firm's objections."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import uploads, workflow
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.inspections import transitions as t
from yingshang.inspections.models import Inspection, Objection, Photo, PublishedResult
from yingshang.inspections.services.quiet import check_quiet_day
from yingshang.inspections.services.registers import config
from yingshang.workcal import calendar, clocks

PUBLISH = "publish"  # the clock: results public within 20 working days after the inspection
R = Inspection.Result
NEEDS_FINDINGS = {R.RECTIFY, R.CASE}
PHOTOS = {k: v for k, v in uploads.EVIDENCE.items() if k.startswith("image/")}


def _published_refusal() -> DomainError:
    return DomainError(
        "INSPECTIONS_RESULT_PUBLISHED",
        _("检查结果已公示，不能修改；如需更正，请发布更正版本（原版本保留）"),
    )


def overlapping(inspection: Inspection, day: dt.date):
    """Open inspections of the same firm by another plan whose window holds `day` and which are
    not joined with this one: 进一次门、查多项事 asks for one joint visit instead."""
    return (
        Inspection.objects.filter(firm_id=inspection.firm_id, status__in=t.OPEN)
        .exclude(plan_id=inspection.plan_id)
        .filter(plan__window_start__lte=day, plan__window_end__gte=day)
        .exclude(Q(joint_with_id=inspection.pk) | Q(pk=inspection.joint_with_id or 0))
        .select_related("plan__lead_unit")
    )


@transaction.atomic
def inspection_schedule(*, actor, inspection: Inspection, scheduled_on: dt.date) -> Inspection:
    inspection = workflow.lock(actor, inspection, action="schedule", table=t.INSPECTION)
    plan = inspection.plan
    if not plan.window_start <= scheduled_on <= plan.window_end:
        raise InvalidInput(
            "INSPECTIONS_DATE_OUTSIDE_WINDOW",
            _("检查日期应在计划的检查时段内（%(a)s至%(b)s）")
            % {"a": plan.window_start, "b": plan.window_end},
            details={"field": "scheduled_on"},
        )
    if not calendar.is_workday(scheduled_on):
        raise InvalidInput(
            "INSPECTIONS_NOT_WORKDAY", _("检查日期应为工作日"), details={"field": "scheduled_on"}
        )
    check_quiet_day(inspection, scheduled_on)
    others = list(overlapping(inspection, scheduled_on)[:5])
    if others:
        raise DomainError(
            "INSPECTIONS_MERGE_REQUIRED",
            _("该企业在同一时段还有%(units)s的抽查任务，请合并为一次联合检查（进一次门、查多项事）")
            % {"units": "、".join(o.plan.lead_unit.name for o in others)},
            details={"inspections": [o.pk for o in others]},
        )
    before = workflow.snapshot(inspection, "status", "scheduled_on")
    inspection.status = t.INSPECTION.target("schedule", inspection.status)
    inspection.scheduled_on = scheduled_on
    inspection.save(update_fields=["status", "scheduled_on"])
    workflow.record(
        actor,
        "inspections.schedule",
        inspection,
        before=before,
        after={"status": inspection.status, "scheduled_on": scheduled_on},
    )
    # the inspections other units joined to this visit (inspection_merge) go along: one entry
    for joined in Inspection.objects.select_for_update().filter(
        joint_with=inspection, status__in=t.OPEN
    ):
        was = workflow.snapshot(joined, "status", "scheduled_on")
        joined.status, joined.scheduled_on = t.SCHEDULED, scheduled_on
        joined.save(update_fields=["status", "scheduled_on"])
        workflow.record(
            actor,
            "inspections.schedule",
            joined,
            before=was,
            after={"status": joined.status, "scheduled_on": scheduled_on},
            reason=_("联合检查，随%(unit)s的检查安排") % {"unit": plan.lead_unit.name},
        )
    return inspection


@transaction.atomic
def inspection_merge(*, actor, inspection: Inspection, host_id: int) -> Inspection:
    """Join this inspection to another unit's visit of the same firm (same day, one entry)."""
    inspection = workflow.lock(actor, inspection, action="merge", table=t.INSPECTION)
    host = (
        Inspection.objects.select_for_update()
        .filter(pk=host_id, firm_id=inspection.firm_id)
        .first()
    )
    if host is None or host.pk == inspection.pk or host.status not in t.OPEN:
        raise InvalidInput(
            "INSPECTIONS_MERGE_TARGET_INVALID",
            _("只能与同一企业尚未检查的其他抽查任务合并"),
            details={"field": "host_id"},
        )
    before = workflow.snapshot(inspection, "status", "scheduled_on", "joint_with_id")
    inspection.joint_with = host
    if host.scheduled_on:
        if not inspection.plan.window_start <= host.scheduled_on <= inspection.plan.window_end:
            raise InvalidInput(
                "INSPECTIONS_DATE_OUTSIDE_WINDOW",
                _("合并后的检查日期不在本计划的检查时段内"),
                details={"field": "host_id"},
            )
        inspection.scheduled_on = host.scheduled_on
        inspection.status = t.SCHEDULED
    inspection.save(update_fields=["joint_with", "scheduled_on", "status"])
    workflow.record(
        actor,
        "inspections.merge",
        inspection,
        before=before,
        after={
            "joint_with_id": host.pk,
            "scheduled_on": inspection.scheduled_on,
            "status": inspection.status,
        },
    )
    return inspection


def _checklist(raw, inspection: Inspection) -> list[dict]:
    allowed = {(m.code, item) for m in inspection.plan.matters.all() for item in m.checklist}
    out = []
    for row in raw or ():
        key = (str(row.get("matter", "")), str(row.get("item", "")))
        if key not in allowed:
            raise InvalidInput(
                "INSPECTIONS_CHECKLIST_ITEM_UNKNOWN",
                _("检查要点不属于本计划的抽查事项：%(item)s") % {"item": key[1][:40]},
                details={"field": "checklist"},
            )
        out.append(
            {
                "matter": key[0],
                "item": key[1],
                "ok": bool(row.get("ok")),
                "note": str(row.get("note", ""))[:300],
            }
        )
    return out


@transaction.atomic
def inspection_record(
    *,
    actor,
    inspection: Inspection,
    result: str,
    signature: str,
    signer: str = "",
    findings: str = "",
    follow_up: str = "",
    checklist=(),
    ended_on: dt.date | None = None,
    photos=(),
    at: dt.datetime | None = None,
) -> Inspection:
    """现场检查记录. Can be completed until the result is published, never after."""
    inspection = workflow.lock(actor, inspection)
    if inspection.status == t.PUBLISHED:
        raise _published_refusal()
    workflow.gate(actor, inspection, "record", table=t.INSPECTION)
    at = at or timezone.now()
    if result not in R.values:
        raise InvalidInput(
            "INSPECTIONS_RESULT_INVALID", _("请选择检查结果"), details={"field": "result"}
        )
    findings = (findings or "").strip()
    if result in NEEDS_FINDINGS and not findings:
        raise InvalidInput(
            "INSPECTIONS_FINDINGS_REQUIRED",
            _("检查结果为发现问题时，请填写发现的问题"),
            details={"field": "findings"},
        )
    if signature not in Inspection.Signature.values:
        raise InvalidInput(
            "INSPECTIONS_SIGNATURE_REQUIRED",
            _("请注明企业已签字确认或拒绝签字"),
            details={"field": "signature"},
        )
    signer = (signer or "").strip()
    if signature == Inspection.Signature.SIGNED and not signer:
        raise InvalidInput(
            "INSPECTIONS_SIGNER_REQUIRED", _("请填写企业签字人"), details={"field": "signer"}
        )
    ended_on = ended_on or inspection.scheduled_on
    if ended_on < inspection.scheduled_on or ended_on > calendar.local_date(at):
        raise InvalidInput(
            "INSPECTIONS_END_DATE_INVALID",
            _("检查结束日期应在检查日期之后、今天或之前"),
            details={"field": "ended_on"},
        )
    checked = [uploads.check(f, field="photos", allowed=PHOTOS) for f in photos or ()]
    before = workflow.snapshot(inspection, "status", "result", "signature", "findings", "ended_on")
    inspection.result = result
    inspection.signature = signature
    inspection.signer = signer[:40]
    inspection.findings = findings
    inspection.follow_up = (follow_up or "").strip()
    inspection.checklist = _checklist(checklist, inspection)
    inspection.ended_on = ended_on
    inspection.recorded_at = at
    inspection.status = t.INSPECTION.target("record", inspection.status)
    # the publication clock runs from the end of the inspection (cn_rules §8: 20 working days)
    clock = clocks.clock_open(inspection, PUBLISH)
    if clock is None or before["ended_on"] != ended_on:
        if clock is not None:
            clocks.clock_stop(clock=clock, at=at)
        clock = clocks.clock_start(
            owner=inspection,
            purpose=PUBLISH,
            amount=config().publish_days,
            unit="working_days",
            started_at=calendar.end_of_day(ended_on),
        )
    inspection.mirror(clock)
    inspection.save()
    for c in checked:
        photo = Photo(
            inspection=inspection,
            original_name=c.name,
            content_type=c.content_type,
            sha256=c.sha256,
            uploaded_at=at,
        )
        photo.file.save(c.name, c.file, save=False)
        photo.save()
    workflow.record(
        actor,
        "inspections.record",
        inspection,
        before=before,
        after={
            "status": inspection.status,
            "result": result,
            "signature": signature,
            "findings": findings,
            "ended_on": ended_on,
            "photos": [c.name for c in checked],
        },
    )
    return inspection


def _version(
    inspection: Inspection, *, version: int, summary: str, reason: str, at
) -> PublishedResult:
    plan = inspection.plan
    return PublishedResult.objects.create(
        inspection=inspection,
        version=version,
        firm=inspection.firm,
        firm_name=inspection.firm.name,
        uscc=inspection.firm.uscc,
        plan_title=plan.title[:120],
        units="、".join(u.name for u in plan.units.order_by("pk"))[:300],
        matters="、".join(m.name for m in plan.matters.order_by("code"))[:500],
        inspected_on=inspection.ended_on or inspection.scheduled_on,
        result=inspection.result,
        summary=summary,
        correction_reason=reason,
        published_at=at,
    )


@transaction.atomic
def inspection_publish(
    *, actor, inspection: Inspection, summary: str = "", at=None
) -> PublishedResult:
    inspection = workflow.lock(actor, inspection, action="publish", table=t.INSPECTION)
    at = at or timezone.now()
    clock = clocks.clock_stop_open(inspection, PUBLISH, at=at)
    before = workflow.snapshot(inspection, "status")
    inspection.status = t.INSPECTION.target("publish", inspection.status)
    inspection.published_at = at
    inspection.published_late = bool(clock is not None and at > clock.due_at)
    inspection.mirror(None)
    inspection.save(
        update_fields=["status", "published_at", "published_late", "due_at", "clock_state"]
    )
    version = _version(
        inspection, version=1, summary=(summary or "").strip()[:2000], reason="", at=at
    )
    workflow.record(
        actor,
        "inspections.publish",
        inspection,
        before=before,
        after={"status": inspection.status, "published_late": inspection.published_late},
    )
    return version


@transaction.atomic
def inspection_correct(
    *, actor, inspection: Inspection, result: str, summary: str = "", reason: str, at=None
) -> PublishedResult:
    """更正: a new published version; the previous one stays on record, marked superseded."""
    inspection = workflow.lock(actor, inspection, action="correct", table=t.INSPECTION)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise InvalidInput(
            "INSPECTIONS_CORRECTION_REASON_REQUIRED",
            _("请写明更正原因（至少4个字）"),
            details={"field": "reason"},
        )
    if result not in R.values:
        raise InvalidInput(
            "INSPECTIONS_RESULT_INVALID", _("请选择检查结果"), details={"field": "result"}
        )
    at = at or timezone.now()
    last = inspection.versions.select_for_update().get(current=True)
    last.current = False
    last.save(update_fields=["current"])
    before = workflow.snapshot(inspection, "result")
    inspection.result = result
    inspection.save(update_fields=["result"])
    version = _version(
        inspection,
        version=last.version + 1,
        summary=(summary or "").strip()[:2000],
        reason=reason[:300],
        at=at,
    )
    workflow.record(
        actor,
        "inspections.correct",
        inspection,
        before=before,
        after={"result": result, "version": version.version},
        reason=reason,
    )
    return version


@transaction.atomic
def inspection_open_problem(*, actor, inspection: Inspection):
    """A finding into the supervision ledger (supervision's creation hook; one per inspection)."""
    from yingshang.supervision.models import Problem
    from yingshang.supervision.services import problem_create_from_source

    inspection = workflow.lock(actor, inspection, action="open_problem", table=t.INSPECTION)
    if not inspection.findings:
        raise DomainError(
            "INSPECTIONS_NO_FINDINGS", _("本次检查没有记录发现的问题，无需转入问题台账")
        )
    problem = problem_create_from_source(
        actor=actor,
        source=Problem.Source.SUPERVISION_VISIT,
        source_type="inspections.inspection",
        source_id=inspection.pk,
        unit=inspection.plan.lead_unit,
        description=_("双随机抽查发现问题（%(plan)s，%(firm)s）：%(f)s")
        % {"plan": inspection.plan.number, "firm": inspection.firm.name, "f": inspection.findings},
    )
    if inspection.problem_id != problem.pk:
        inspection.problem_id = problem.pk
        inspection.save(update_fields=["problem_id"])
        workflow.record(
            actor, "inspections.open_problem", inspection, after={"problem": problem.number}
        )
    return problem


def _penalty_unit(actor, inspection: Inspection):
    """The unit that decided the penalty: the actor's own unit when it took part in the plan,
    else the plan's lead unit (credit then checks the actor may record for it)."""
    plan = inspection.plan
    own = getattr(actor, "unit_id", None)
    if own and plan.units.filter(pk=own).exists():
        return plan.units.get(pk=own)
    return plan.lead_unit


@transaction.atomic
def inspection_record_penalty(
    *,
    actor,
    inspection: Inspection,
    decision_number: str,
    decided_on: dt.date | None,
    types: list[str],
    legal_basis: str,
    severity: str = "general",
    content: str = "",
):
    """立案查处 → the penalty decision into the firm's credit file (credit.records.penalty_record:
    its publicity period from the rules, the public 信用公示 page, 信用修复 later). The facts are
    the inspection's findings; one decision per inspection."""
    from yingshang.credit.records import penalty_record

    inspection = workflow.lock(actor, inspection, action="record_penalty", table=t.INSPECTION)
    if inspection.result != R.CASE:
        raise DomainError(
            "INSPECTIONS_NOT_A_CASE",
            _("只有检查结果为“立案查处”的，才能录入行政处罚决定"),
        )
    if inspection.penalty_id:
        raise DomainError(
            "INSPECTIONS_PENALTY_EXISTS",
            _("本次检查已录入处罚决定，如有错误请在信用档案中作废重录"),
        )
    penalty = penalty_record(
        actor=actor,
        subject_of=inspection.firm,
        unit=_penalty_unit(actor, inspection),
        decision_number=decision_number,
        decided_on=decided_on,
        types=types,
        legal_basis=legal_basis,
        severity=severity,
        facts=inspection.findings,
        content=content,
    )
    inspection.penalty_id = penalty.pk
    inspection.save(update_fields=["penalty_id"])
    workflow.record(
        actor,
        "inspections.record_penalty",
        inspection,
        after={"penalty": penalty.decision_number, "public_until": penalty.public_until},
    )
    return penalty


@transaction.atomic
def inspection_void(*, actor, inspection: Inspection, reason: str) -> Inspection:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "INSPECTIONS_REASON_REQUIRED", _("请填写作废原因"), details={"field": "reason"}
        )
    inspection = workflow.lock(actor, inspection, action="void", table=t.INSPECTION)
    before = workflow.snapshot(inspection, "status")
    inspection.status = t.INSPECTION.target("void", inspection.status)
    inspection.void_reason = reason[:300]
    inspection.save(update_fields=["status", "void_reason"])
    workflow.record(
        actor,
        "inspections.void",
        inspection,
        before=before,
        after={"status": inspection.status},
        reason=reason,
    )
    return inspection


# --- objections ----------------------------------------------------------------------------------
@transaction.atomic
def objection_file(*, actor, result: PublishedResult, text: str) -> Objection:
    """The firm objects to its published result (its own firm account only)."""
    if getattr(actor, "firm_id", None) != result.firm_id:
        raise PermissionDeniedError(
            "INSPECTIONS_NOT_YOUR_RESULT", _("只能对本企业的检查结果提出异议")
        )
    if not result.current:
        raise DomainError(
            "INSPECTIONS_RESULT_SUPERSEDED", _("该版本已被更正，请对当前版本提出异议")
        )
    text = (text or "").strip()
    if len(text) < 5:
        raise InvalidInput(
            "INSPECTIONS_OBJECTION_TEXT_REQUIRED",
            _("请说明异议的内容和理由（至少5个字）"),
            details={"field": "text"},
        )
    if result.objections.filter(status=Objection.Status.OPEN).exists():
        raise DomainError("INSPECTIONS_OBJECTION_PENDING", _("已有待答复的异议，请等待答复"))
    objection = Objection.objects.create(
        result=result,
        inspection=result.inspection,
        filed_by=actor,
        text=text[:4000],
        filed_at=timezone.now(),
    )
    workflow.record(
        actor,
        "inspections.object",
        result.inspection,
        after={"objection": objection.text},
        role="applicant",
    )
    return objection


@transaction.atomic
def objection_answer(*, actor, objection: Objection, answer: str) -> Objection:
    workflow.lock(actor, objection.inspection, action="answer", table=t.INSPECTION)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != Objection.Status.OPEN:
        raise DomainError("INSPECTIONS_OBJECTION_ANSWERED", _("该异议已答复"))
    answer = (answer or "").strip()
    if len(answer) < 5:
        raise InvalidInput(
            "INSPECTIONS_ANSWER_REQUIRED",
            _("请填写答复内容（至少5个字）"),
            details={"field": "answer"},
        )
    objection.status = Objection.Status.ANSWERED
    objection.answer = answer[:4000]
    objection.answered_at = timezone.now()
    objection.save(update_fields=["status", "answer", "answered_at"])
    workflow.record(
        actor, "inspections.answer", objection.inspection, after={"answer": objection.answer}
    )
    return objection


def on_publish_clock(new_state: str, moved) -> None:
    """The clock sweep moved publication clocks (warning / overdue): copy the state onto the
    inspections (their lists sort and filter by it) and tell the lead unit's staff once the 20
    working days have passed without a published result (cn_rules §8)."""
    from yingshang.notify import services as notify
    from yingshang.org.staff import staff_of

    ids = [int(m.owner_id) for m in moved if m.purpose == PUBLISH]
    if not ids:
        return
    Inspection.objects.filter(pk__in=ids, status=t.RECORDED).update(clock_state=new_state)
    if new_state != "overdue":
        return
    late = Inspection.objects.filter(pk__in=ids, status=t.RECORDED).select_related("plan", "firm")
    for inspection in late:
        notify.send_to(
            staff_of(inspection.plan.lead_unit_id),
            subject=_("抽查结果逾期未公示"),
            body=_("%(plan)s：%(firm)s的检查结果已超过20个工作日未公示，请尽快公示。")
            % {"plan": inspection.plan.number, "firm": inspection.firm.name},
            related=inspection,
        )
