"""Review (审查), parallel approval (并联审批), decision, hand-over (一窗出件), 告知承诺 checks."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import uploads, workflow
from yingshang.cases import selectors
from yingshang.cases.models import (
    ApprovalTask,
    Case,
    ClockState,
    ClosureKind,
    Decision,
    Delivery,
    Document,
    Verification,
)
from yingshang.cases.services.common import (
    PURPOSE_CASE,
    PURPOSE_TASK,
    cancel_tasks,
    notify_applicant,
    stop_all_case_clocks,
    touch_first_responder,
)
from yingshang.cases.transitions import CASE
from yingshang.catalog.models import MatterVersion
from yingshang.credit import services as credit_services
from yingshang.credit.models import Commitment
from yingshang.errors import DomainError, InvalidInput
from yingshang.notify import services as notify
from yingshang.org.staff import staff_of
from yingshang.workcal import calendar, clocks


def case_assign_assistant(*, actor, case, assistant, reason: str = "", at=None) -> Case:
    """帮办代办: a staff member assigned to guide and act for the applicant (recorded)."""
    if assistant is None or assistant.kind != "staff":
        raise InvalidInput("ASSISTANT_INVALID", _("帮办代办员必须是工作人员"))
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action="assign_assistant", table=CASE)
        before = {"assistant": case.assistant_id}
        case.assistant = assistant
        touch_first_responder(case, actor)
        case.save(update_fields=["assistant", "first_responder", "updated_at"])
        workflow.record(
            actor,
            "case.assign_assistant",
            case,
            before=before,
            after={"assistant": assistant.pk},
            reason=reason,
        )
    return case


def case_start_review(*, actor, case, at=None) -> Case:
    at = at or timezone.now()
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action="start_review", table=CASE)
        before = {"status": case.status}
        case.status = CASE.target("start_review", case.status)
        touch_first_responder(case, actor)
        case.save()
        workflow.record(
            actor, "case.start_review", case, before=before, after={"status": case.status}
        )
    return case


def task_add_opinion(*, actor, case, unit, days: int, title: str = "", at=None) -> ApprovalTask:
    """Ask another unit's opinion (征求意见) with its own deadline."""
    at = at or timezone.now()
    if days <= 0:
        raise InvalidInput("TASK_DAYS_INVALID", _("征求意见时限应为正整数个工作日"))
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action="add_opinion_task", table=CASE)
        task = ApprovalTask.objects.create(
            case=case,
            unit=unit,
            kind=ApprovalTask.Kind.OPINION,
            title=title or _("征求%(unit)s意见") % {"unit": unit.display_name},
            limit_days=days,
        )
        clock = clocks.clock_start(
            owner=task, purpose=PURPOSE_TASK, amount=days, unit="working_days", started_at=at
        )
        task.mirror(clock)
        task.save(update_fields=["due_at", "clock_state"])
        workflow.record(
            actor,
            "case.add_opinion_task",
            case,
            after={"unit": unit.pk, "days": days, "due_at": task.due_at},
        )
        notify.send_to(
            staff_of(unit),
            body=_("办件 %(no)s 征求贵单位意见，请于 %(due)s 前办理。")
            % {"no": case.number, "due": calendar.local_date(task.due_at)},
            related=task,
        )
    return task


def _produced_values(case, task, produced: dict) -> dict:
    """The values a producing member's unit enters on approval (e.g. the USCC of the licence
    it issued), checked like the form's fields; later members' handlers then read them."""
    from yingshang.cases.services.submit import validate_form

    wanted = [o for o in selectors.member_outputs(case, task.matter_id) if o["kind"] == "field"]
    if not wanted:
        return {}
    types = {}
    for version_id in (case.member_versions or {}).values():
        for f in selectors.form_fields_for(version=MatterVersion.objects.get(pk=version_id)):
            types.setdefault(f["key"], f["field_type"])
    fields = [
        {"key": o["key"], "label": o["name"], "required": True, "field_type": types.get(o["key"])}
        for o in wanted
    ]
    return validate_form(fields, produced or {})


def task_decide(
    *, actor, task, decision: str, opinion: str = "", produced: dict | None = None, at=None
) -> ApprovalTask:
    """One unit's part of a parallel approval. Its lateness is its own (task.late). A package
    member that produces data for the later members (catalog outputs, kind "field") records it on
    approval: the values join the case's form data."""
    at = at or timezone.now()
    if decision not in (Decision.APPROVED, Decision.NOT_APPROVED):
        raise InvalidInput("TASK_DECISION_INVALID", _("请选择同意或不同意"))
    if decision == Decision.NOT_APPROVED and not opinion.strip():
        raise InvalidInput("REASON_REQUIRED", _("不同意时请填写理由"))
    with transaction.atomic():
        task = workflow.acquire(actor, ApprovalTask, task, action="decide")
        # the actor was checked on the task; the case only has to be in a state that takes it
        case = workflow.acquire(
            workflow.SYSTEM, Case, task.case_id, action="task_decide", table=CASE
        )
        if task.status != ApprovalTask.Status.PENDING:
            raise DomainError("TASK_ALREADY_DONE", _("该任务已办理"))
        values = (
            _produced_values(case, task, produced or {}) if decision == Decision.APPROVED else {}
        )
        before = {"status": case.status}
        clock = clocks.clock_stop_open(task, PURPOSE_TASK, at=at)
        task.status = ApprovalTask.Status.DONE
        task.decision = decision
        task.opinion = opinion.strip()
        task.decided_by = actor
        task.decided_at = at
        task.late = bool(clock is not None and clock.outcome == "missed")
        task.clock_state = ClockState.STOPPED
        task.save()
        workflow.record(
            actor,
            "case.task_decide",
            task,
            after={"decision": decision, "late": task.late},
            reason=opinion,
        )
        case.status = CASE.target("task_decide", case.status)
        if values:
            case.form_data = {**(case.form_data or {}), **values}
        case.save(update_fields=["status", "form_data", "updated_at"])
        pending = case.tasks.filter(status=ApprovalTask.Status.PENDING).count()
        total = case.tasks.exclude(status=ApprovalTask.Status.CANCELLED).count()
        workflow.record(
            actor,
            "case.task_done",
            case,
            before=before,
            after={
                "status": case.status,
                "unit": task.unit_id,
                "decision": decision,
                "done": total - pending,
                "total": total,
                **({"produced": values} if values else {}),
            },
        )
        if pending == 0:
            notify.send_to(
                staff_of(case.unit_id),
                body=_("办件 %(no)s 的并联审批意见已全部返回，请作出决定。") % {"no": case.number},
                related=case,
            )
    return task


def case_special_procedure(*, actor, case, start: bool, name: str = "", at=None) -> Case:
    """特别程序 (现场踏勘、专家评审、公示、听证): not counted in the limit — the clock pauses."""
    at = at or timezone.now()
    action = "special_procedure_start" if start else "special_procedure_end"
    if start and not name.strip():
        raise InvalidInput("PROCEDURE_NAME_REQUIRED", _("请填写特别程序名称"))
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action=action, table=CASE)
        clock = clocks.clock_open(case, PURPOSE_CASE)
        if clock is None:
            raise DomainError("CASE_NO_CLOCK", _("该办件没有计时"))
        if start:
            if clock.state == "paused":
                raise DomainError("PROCEDURE_ALREADY_RUNNING", _("已有特别程序在进行中"))
            clock = clocks.clock_pause(clock=clock, kind="special", at=at, reason=name)
        else:
            if clock.state != "paused":
                raise DomainError("PROCEDURE_NOT_RUNNING", _("没有正在进行的特别程序"))
            clock = clocks.clock_resume(clock=clock, at=at)
        case.mirror(clock)
        case.save(update_fields=["due_at", "clock_state", "updated_at"])
        workflow.record(
            actor,
            f"case.{action}",
            case,
            after={"procedure": name, "due_at": case.due_at, "clock_state": case.clock_state},
        )
    return case


def case_decide(*, actor, case, decision: str, reasons: str = "", at=None) -> Case:
    at = at or timezone.now()
    if decision not in (Decision.APPROVED, Decision.NOT_APPROVED):
        raise InvalidInput("DECISION_INVALID", _("请选择准予或不予"))
    if decision == Decision.NOT_APPROVED and not (reasons or "").strip():
        raise InvalidInput("REASON_REQUIRED", _("不予许可/办理时必须说明理由"))
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action="decide", table=CASE)
        pending = case.tasks.filter(status=ApprovalTask.Status.PENDING).count()
        if pending:
            raise DomainError(
                "CASE_TASKS_PENDING",
                _("还有 %(n)s 个并联审批任务未办结，不能作出决定") % {"n": pending},
                details={"pending": pending},
            )
        if case.deficit_open:
            raise DomainError("CASE_DEFICIT_OPEN", _("容缺材料尚未补齐，不能作出决定"))
        before = {"status": case.status}
        clock = clocks.clock_stop_open(case, PURPOSE_CASE, at=at)
        case.status = CASE.target("decide", case.status)
        case.decision = decision
        case.decision_reasons = (reasons or "").strip()
        case.decided_at = at
        case.late = bool(clock is not None and clock.outcome == "missed")
        case.due_at = clock.due_at if clock is not None else case.due_at
        case.clock_state = ClockState.STOPPED
        if case.accepted_at:
            case.working_days_used = max(
                calendar.working_days_between(
                    calendar.local_date(case.accepted_at), calendar.local_date(at)
                ),
                0,
            )
        touch_first_responder(case, actor)
        case.save()
        workflow.record(
            actor,
            "case.decide",
            case,
            before=before,
            after={
                "status": case.status,
                "decision": decision,
                "late": case.late,
                "working_days_used": case.working_days_used,
            },
            reason=reasons,
        )
        notify_applicant(
            case,
            _("您的申请“%(title)s”（%(no)s）已办理完毕：%(decision)s。")
            % {"title": case.title, "no": case.number, "decision": case.get_decision_display()},
        )
    return case


def case_deliver(
    *, actor, case, method: str, tracking_number: str = "", address: str = "", file=None, at=None
) -> Case:
    """一窗出件: window pickup, mail with a tracking number, or an electronic licence file."""
    at = at or timezone.now()
    if method not in Delivery.Method.values:
        raise InvalidInput("DELIVERY_METHOD_INVALID", _("请选择送达方式"))
    if method == Delivery.Method.MAIL and not tracking_number.strip():
        raise InvalidInput("TRACKING_NUMBER_REQUIRED", _("邮寄送达请填写快递单号"))
    checked = None
    if method == Delivery.Method.E_LICENCE:
        if file is None:
            raise InvalidInput("LICENCE_FILE_REQUIRED", _("电子证照送达请上传证照文件"))
        checked = uploads.check(file, field="file")
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action="deliver", table=CASE)
        before = {"status": case.status}
        document = None
        if checked is not None:
            document = Document(
                case=case,
                material_key="",
                material_name=_("电子证照"),
                purpose=Document.Purpose.RESULT,
                original_name=checked.name,
                size=checked.size,
                content_type=checked.content_type,
                sha256=checked.sha256,
                uploaded_by=actor,
            )
            document.file.save(checked.name, checked.file, save=False)
            document.save()
        delivery = Delivery.objects.create(
            case=case,
            method=method,
            tracking_number=tracking_number.strip(),
            address=address.strip(),
            document=document,
            delivered_by=actor,
            delivered_at=at,
        )
        case.status = CASE.target("deliver", case.status)
        case.delivered_at = at
        if method == Delivery.Method.WINDOW_PICKUP:
            case.visits += 1
        case.save()
        workflow.record(
            actor,
            "case.deliver",
            case,
            before=before,
            after={
                "status": case.status,
                "method": method,
                "tracking_number": delivery.tracking_number,
            },
        )
        notify_applicant(
            case,
            _("您的办件 %(no)s 结果已送达（%(method)s）。")
            % {"no": case.number, "method": delivery.get_method_display()},
            sms=method != Delivery.Method.WINDOW_PICKUP,
        )
    return case


def case_close(*, actor, case, at=None) -> Case:
    at = at or timezone.now()
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action="close", table=CASE)
        before = {"status": case.status}
        case.status = CASE.target("close", case.status)
        case.closure_kind = ClosureKind.COMPLETED
        case.closed_at = at
        case.save()
        workflow.record(
            actor,
            "case.close",
            case,
            before=before,
            after={"status": case.status, "closure_kind": case.closure_kind},
        )
    return case


def verification_check(
    *, actor, verification, truthful: bool, note: str = "", at=None
) -> Verification:
    """告知承诺 核查. A false commitment revokes the decision and is written to the credit file."""
    at = at or timezone.now()
    if not truthful and not note.strip():
        raise InvalidInput("REASON_REQUIRED", _("认定承诺不实时请写明核查情况"))
    with transaction.atomic():
        v = workflow.acquire(actor, Verification, verification)
        case = workflow.acquire(actor, Case, v.case_id, action="verify", table=CASE)
        if v.status != Verification.Status.PENDING:
            raise DomainError("VERIFICATION_DONE", _("该核查已完成"))
        v.status = Verification.Status.PASSED if truthful else Verification.Status.FALSE
        v.checked_by, v.checked_at, v.note = actor, at, note
        v.save()
        workflow.record(
            actor,
            "case.verify",
            case,
            after={"material": v.material_name, "result": v.status},
            reason=note,
        )
        commitment = Commitment.objects.get(pk=v.commitment_id)
        if not truthful:
            if commitment.status in (Commitment.Status.PENDING, Commitment.Status.KEPT):
                credit_services.commitment_resolve(
                    actor=actor,
                    commitment=commitment,
                    status=Commitment.Status.FALSE,
                    note=note,
                    at=at,
                )
            _revoke_or_terminate(actor, case, note, at)
        elif (
            not commitment.verifications.filter(status=Verification.Status.PENDING).exists()
            and commitment.status == Commitment.Status.PENDING
        ):
            credit_services.commitment_resolve(
                actor=actor,
                commitment=commitment,
                status=Commitment.Status.KEPT,
                note=_("核查属实"),
                at=at,
            )
    return v


def revoke_for_false_commitment(*, actor, commitment, note: str, at=None) -> Case | None:
    """A 告知承诺 found false later by the credit administrator (credit.commitment_verify): the
    decision it supported is revoked, or the case stopped if not decided yet — as a false
    核查 result does. A case already revoked, withdrawn or closed otherwise stays as it is."""
    if not commitment.case_id:
        return None
    at = at or timezone.now()
    case = workflow.acquire(workflow.SYSTEM, Case, commitment.case_id)
    if case.decision == Decision.REVOKED or not (
        CASE.can("revoke_decision", case.status) or CASE.can("terminate", case.status)
    ):
        return case
    _revoke_or_terminate(actor, case, note, at)
    return case


def _revoke_or_terminate(actor, case: Case, note: str, at) -> None:
    before = {"status": case.status, "decision": case.decision}
    if CASE.can("revoke_decision", case.status):
        case.status = CASE.target("revoke_decision", case.status)
        case.decision = Decision.REVOKED
        case.closure_kind = ClosureKind.REVOKED
        action = "case.revoke_decision"
    else:  # not decided yet: stop the case
        stop_all_case_clocks(case, at)
        cancel_tasks(case, at)
        case.status = CASE.target("terminate", case.status)
        case.closure_kind = ClosureKind.TERMINATED
        action = "case.terminate"
    case.closure_reason = _("告知承诺不实：%(note)s") % {"note": note}
    case.closed_at = at
    case.save()
    workflow.record(
        actor,
        action,
        case,
        before=before,
        after={"status": case.status, "decision": case.decision, "closure_kind": case.closure_kind},
        reason=note,
    )
    notify_applicant(
        case,
        _("经核查，您在办件 %(no)s 中的告知承诺不实，已%(what)s并记入信用档案。")
        % {
            "no": case.number,
            "what": _("撤销决定") if action == "case.revoke_decision" else _("终止办理"),
        },
    )
