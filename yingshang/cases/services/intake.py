"""Intake (一窗受理): accept, 容缺受理, reject, deemed acceptance (the 5-working-day sweep), and the
start of review they lead to (the case clock, one parallel task per member unit)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.cases import selectors
from yingshang.cases.models import ApprovalTask, Case, Channel, ClosureKind, Verification
from yingshang.cases.services.common import (
    PURPOSE_INTAKE,
    PURPOSE_TASK,
    notify_applicant,
    record_early_closure,
    start_case_clock,
    stop_all_case_clocks,
    touch_first_responder,
)
from yingshang.cases.transitions import CASE
from yingshang.credit import sanctions
from yingshang.credit import services as credit_services
from yingshang.credit.models import Commitment, CommitmentText
from yingshang.errors import DomainError, InvalidInput
from yingshang.workcal import calendar, clocks


def _begin_review(case: Case, actor, at, *, started_at=None) -> None:
    """Start the case clock and, for a package, one parallel task per member unit."""
    start_case_clock(case, started_at or at)
    if case.package_id:
        from yingshang.catalog.models import MatterVersion

        version_ids = list(case.member_versions.values())
        versions = {
            v.pk: v
            for v in MatterVersion.objects.filter(pk__in=version_ids).select_related("matter")
        }
        for vid in version_ids:
            v = versions.get(vid)
            if v is None:
                continue
            days = max(
                1,
                min(
                    v.promised_limit_days or 1,
                    case.promised_limit_days or v.promised_limit_days or 1,
                ),
            )
            task = ApprovalTask.objects.create(
                case=case,
                unit_id=v.matter.unit_id,
                matter_id=v.matter_id,
                matter_version=v,
                title=v.name,
                limit_days=days,
            )
            clock = clocks.clock_start(
                owner=task,
                purpose=PURPOSE_TASK,
                amount=days,
                unit="working_days",
                started_at=started_at or at,
            )
            task.mirror(clock)
            task.save(update_fields=["due_at", "clock_state"])


def _certificate_commitments(case: Case, actor, at) -> None:
    if not case.certificate_keys:
        return
    text = (
        case.certificate_signed_text
        or credit_services.ensure_texts()[CommitmentText.Kind.CERTIFICATE]
    )
    names = {m["key"]: m["name"] for m in case.materials}
    due = calendar.deadline(at, max(case.promised_limit_days, 1), "working_days").due_at
    commitment = credit_services.commitment_sign(
        actor=case.applicant,
        subject_of=case.firm or case.applicant,
        kind=Commitment.Kind.CERTIFICATE,
        text=text,
        case=case,
        items=[names.get(k, k) for k in case.certificate_keys],
        deadline=due,
        at=case.received_at or at,
    )
    for key in case.certificate_keys:
        Verification.objects.create(
            case=case,
            commitment=commitment,
            material_key=key,
            material_name=names.get(key, key),
            unit_id=case.unit_id,
            due_at=due,
        )


def _accept(*, actor, case, at, action: str) -> Case:
    before = {"status": case.status}
    clocks.clock_stop_open(case, PURPOSE_INTAKE, at=at)
    case.status = CASE.target(action, case.status)
    case.accepted_at = at
    touch_first_responder(case, actor)
    _begin_review(case, actor, at)
    _certificate_commitments(case, actor, at)
    return before


def case_accept(*, actor, case, at=None) -> Case:
    at = at or timezone.now()
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action="accept", table=CASE)
        missing = selectors.missing_materials(case)
        if missing:
            raise DomainError(
                "CASE_MATERIALS_MISSING",
                _("材料不全，不能受理：%(items)s。可一次性告知补正，或对可容缺材料适用容缺受理。")
                % {"items": "、".join(m["name"] for m in missing)},
                details={"missing": [m["key"] for m in missing]},
            )
        if case.certificate_keys and sanctions.blocked(case.firm or case.applicant, "certificate"):
            raise DomainError(
                "CREDIT_DISHONEST", _("申请人在失信名单内或有虚假承诺记录，不能适用告知承诺")
            )
        before = _accept(actor=actor, case=case, at=at, action="accept")
        case.save()
        workflow.record(
            actor,
            "case.accept",
            case,
            before=before,
            after={"status": case.status, "due_at": case.due_at},
        )
        notify_applicant(
            case,
            _("您的申请“%(title)s”（%(no)s）已受理，承诺办结时间 %(due)s。")
            % {"title": case.title, "no": case.number, "due": calendar.local_date(case.due_at)},
        )
    return case


def case_accept_with_deficit(*, actor, case, signed_at_window: bool = False, at=None) -> Case:
    """容缺受理: every non-容缺 required material present, at least one 容缺 material missing, the
    applicant signed the current commitment text, not on the dishonest list."""
    at = at or timezone.now()
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action="accept_with_deficit", table=CASE)
        missing = selectors.missing_materials(case)
        blocking = [m for m in missing if not m["deficit_allowed"]]
        if blocking:
            raise DomainError(
                "DEFICIT_MAIN_MATERIALS_MISSING",
                _("主要材料不全，不能容缺受理：%(items)s")
                % {"items": "、".join(m["name"] for m in blocking)},
                details={"missing": [m["key"] for m in blocking]},
            )
        if not missing:
            raise DomainError("DEFICIT_NOTHING_MISSING", _("材料齐全，请直接受理"))
        subject_of = case.firm or case.applicant
        if sanctions.blocked(subject_of, "deficit"):
            raise DomainError(
                "CREDIT_DISHONEST",
                _("申请人在失信名单内或有虚假承诺记录，不能容缺受理，请按一般程序补齐材料"),
            )
        current = credit_services.ensure_texts()[CommitmentText.Kind.DEFICIT]
        text = case.deficit_signed_text
        if text is None and signed_at_window and case.channel == Channel.WINDOW:
            text, case.deficit_signed_at = current, at
        if text is None:
            raise DomainError("DEFICIT_NOT_SIGNED", _("申请人尚未签署容缺受理承诺书"))
        if text.pk != current.pk:
            raise DomainError(
                "COMMITMENT_TEXT_OUTDATED", _("承诺书文本已更新，请申请人签署最新版本后再容缺受理")
            )
        before = _accept(actor=actor, case=case, at=at, action="accept_with_deficit")
        deadline = calendar.deadline(
            at, max(case.promised_limit_days, 1), "working_days"
        ).due_at  # ≤ the promised limit
        credit_services.commitment_sign(
            actor=case.applicant,
            subject_of=subject_of,
            kind=Commitment.Kind.DEFICIT,
            text=text,
            case=case,
            items=[m["name"] for m in missing],
            deadline=deadline,
            at=case.deficit_signed_at or at,
        )
        case.has_deficit = True
        case.deficit_open = True
        case.deficit_items = [{"key": m["key"], "name": m["name"]} for m in missing]
        case.deficit_due_at = deadline
        case.save()
        workflow.record(
            actor,
            "case.accept_with_deficit",
            case,
            before=before,
            after={
                "status": case.status,
                "due_at": case.due_at,
                "deficit_items": [m["name"] for m in missing],
                "deficit_due_at": deadline,
            },
        )
        notify_applicant(
            case,
            _("您的申请“%(title)s”（%(no)s）已容缺受理，请于 %(due)s 前补齐：%(items)s。")
            % {
                "title": case.title,
                "no": case.number,
                "due": calendar.local_date(deadline),
                "items": "、".join(m["name"] for m in missing),
            },
        )
    return case


def case_reject_intake(*, actor, case, reason: str, at=None) -> Case:
    at = at or timezone.now()
    if not (reason or "").strip():
        raise InvalidInput("REASON_REQUIRED", _("请填写不予受理的理由"))
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action="reject_intake", table=CASE)
        before = {"status": case.status}
        due_before = case.due_at
        stop_all_case_clocks(case, at)
        case.status = CASE.target("reject_intake", case.status)
        case.closure_kind = ClosureKind.REJECTED_INTAKE
        case.closure_reason = reason.strip()
        case.closed_at = at
        touch_first_responder(case, actor)
        case.save()
        record_early_closure(
            actor,
            case,
            "case.reject_intake",
            before=before,
            reason=reason,
            due_before=due_before,
            kind="return",
        )
        notify_applicant(
            case,
            _("您的申请“%(title)s”（%(no)s）不予受理，理由：%(reason)s")
            % {"title": case.title, "no": case.number, "reason": reason},
        )
    return case


def case_deem_accept(*, actor, case, at=None) -> Case:
    """No intake decision within 5 working days of receipt ⇒ accepted from receipt (system)."""
    at = at or timezone.now()
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action="deem_accept", table=CASE)
        before = {"status": case.status}
        clocks.clock_stop_open(case, PURPOSE_INTAKE, at=at)
        case.status = CASE.target("deem_accept", case.status)
        case.accepted_at = case.received_at
        case.deemed_accepted = True
        _begin_review(case, actor, at, started_at=case.received_at)
        _certificate_commitments(case, actor, case.received_at)
        case.save()
        workflow.record(
            actor,
            "case.deem_accept",
            case,
            before=before,
            after={
                "status": case.status,
                "accepted_at": case.accepted_at,
                "deemed_accepted": True,
                "due_at": case.due_at,
            },
            reason=_("收件后5个工作日内未作出受理决定，自收件之日起视为受理"),
        )
        notify_applicant(
            case,
            _("您的申请“%(title)s”（%(no)s）自收件之日起视为受理。")
            % {"title": case.title, "no": case.number},
        )
    return case
