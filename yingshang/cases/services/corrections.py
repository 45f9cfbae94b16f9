"""Corrections (一次性告知 补正) and supplied documents: the request (a second one waits for a
supervisor), its approval, the applicant's resubmission, 补交 of 容缺 materials and the clerk's
acceptance of them (which clears the 容缺 and keeps the commitment)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit, uploads, workflow
from yingshang.cases import selectors
from yingshang.cases.models import Case, CorrectionRequest, Document
from yingshang.cases.services.common import (
    PURPOSE_INTAKE,
    notify_applicant,
    touch_first_responder,
)
from yingshang.cases.services.submit import store_documents, validate_form
from yingshang.cases.transitions import CASE
from yingshang.credit import services as credit_services
from yingshang.credit.models import Commitment
from yingshang.errors import DomainError, InvalidInput
from yingshang.notify import services as notify
from yingshang.org.roles import Role
from yingshang.org.staff import staff_of
from yingshang.workcal import calendar, clocks

# Called in the same transaction when the applicant's turn starts (一次性告知 applied) and ends
# (resubmitted): a module keeping its own clock over the case (projects: government time only)
# stops and resumes it. Registered in AppConfig.ready; cases does not know who listens.
_on_applicant_turn: list = []


def on_applicant_turn(handler) -> None:
    """`handler(*, actor, case, waiting: bool, at)`; registering twice keeps one."""
    if handler not in _on_applicant_turn:
        _on_applicant_turn.append(handler)


def _applicant_turn(actor, case: Case, *, waiting: bool, at) -> None:
    for handler in _on_applicant_turn:
        handler(actor=actor, case=case, waiting=waiting, at=at)


def case_request_correction(*, actor, case, items: list[str], note: str = "", at=None):
    """一次性告知: all items at once. A second request waits for a supervisor and counts against the unit."""
    at = at or timezone.now()
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise InvalidInput("CORRECTION_ITEMS_REQUIRED", _("请一次性列明需要补正的全部材料或事项"))
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action="request_correction", table=CASE)
        sequence = case.corrections.exclude(status=CorrectionRequest.Status.REFUSED).count() + 1
        if case.corrections.filter(status=CorrectionRequest.Status.PENDING_APPROVAL).exists():
            raise DomainError("CORRECTION_PENDING_APPROVAL", _("已有一份补正告知等待督查审批"))
        request = CorrectionRequest.objects.create(
            case=case,
            sequence=sequence,
            items=items,
            note=note,
            unit_id=case.unit_id,
            requested_by=actor,
            requested_at=at,
            counted_against_unit=sequence > 1,
            status=CorrectionRequest.Status.OPEN
            if sequence == 1
            else CorrectionRequest.Status.PENDING_APPROVAL,
        )
        touch_first_responder(case, actor)
        if sequence == 1:
            _apply_correction(actor, case, request, at)
        else:
            case.save()
            workflow.record(
                actor,
                "case.request_second_correction",
                case,
                after={"items": items, "sequence": sequence},
                reason=note,
            )
    return request


def _apply_correction(actor, case: Case, request: CorrectionRequest, at) -> None:
    before = {"status": case.status}
    clock = clocks.clock_open(case, PURPOSE_INTAKE)
    due_before = case.due_at
    if clock is not None:
        clock = clocks.clock_pause(clock=clock, kind="correction", at=at, reason="补正")
    case.status = CASE.target("approve_correction", case.status)
    case.correction_count += 1
    case.clock_state = "paused"
    case.save()
    _applicant_turn(actor, case, waiting=True, at=at)
    event = workflow.record(
        actor,
        "case.request_correction",
        case,
        before=before,
        after={"status": case.status, "items": request.items, "sequence": request.sequence},
        reason=request.note,
    )
    audit.record_return(
        event=event,
        kind="return",
        unit=case.unit,
        due_at=due_before,
        label=f"{case.number} {case.title}",
    )
    notify_applicant(
        case,
        _("您的申请“%(title)s”（%(no)s）需要补正：%(items)s。请一次性补齐后重新提交。")
        % {"title": case.title, "no": case.number, "items": "；".join(request.items)},
    )


def correction_approve(
    *, actor, correction: CorrectionRequest, approve: bool, reason: str = "", at=None
):
    at = at or timezone.now()
    with transaction.atomic():
        case = workflow.acquire(
            actor, Case, correction.case_id, action="approve_correction", table=CASE
        )
        correction = CorrectionRequest.objects.select_for_update().get(pk=correction.pk, case=case)
        if correction.status != CorrectionRequest.Status.PENDING_APPROVAL:
            raise DomainError("CORRECTION_NOT_PENDING", _("该补正告知不在待审批状态"))
        correction.approved_by = actor
        correction.approved_at = at
        if approve:
            correction.status = CorrectionRequest.Status.OPEN
            correction.save()
            _apply_correction(actor, case, correction, at)
            workflow.record(
                actor,
                "case.approve_correction",
                case,
                after={"sequence": correction.sequence},
                reason=reason,
            )
        else:
            correction.status = CorrectionRequest.Status.REFUSED
            correction.save()
            workflow.record(
                actor,
                "case.refuse_correction",
                case,
                after={"sequence": correction.sequence},
                reason=reason,
            )
    return correction


def case_resubmit(
    *, actor, case, files: dict | None = None, form_data: dict | None = None, at=None
) -> Case:
    """Back from correction; the intake clock resumes where it paused (a return never resets it)."""
    at = at or timezone.now()
    checked = uploads.check_all(files or {})
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action="resubmit", table=CASE)
        before = {"status": case.status}
        if form_data:
            fields = (
                selectors.form_fields_for(version=case.matter_version)
                if case.matter_version_id
                else None
            )
            merged = {**case.form_data, **form_data}
            case.form_data = validate_form(fields, merged) if fields is not None else merged
        store_documents(case, checked, actor=actor, purpose=Document.Purpose.SUPPLEMENT)
        clock = clocks.clock_open(case, PURPOSE_INTAKE)
        if clock is not None:
            clock = clocks.clock_resume(clock=clock, at=at)
        case.mirror(clock)
        case.status = CASE.target("resubmit", case.status)
        case.save()
        case.corrections.filter(status=CorrectionRequest.Status.OPEN).update(
            status=CorrectionRequest.Status.ANSWERED, answered_at=at
        )
        _applicant_turn(actor, case, waiting=False, at=at)
        workflow.record(
            actor,
            "case.resubmit",
            case,
            before=before,
            after={"status": case.status, "files": sum(len(v) for v in checked.values())},
        )
    return case


def case_supply_documents(*, actor, case, files: dict, at=None) -> Case:
    """Supply (补交) materials. A file for an open 容缺 item waits for the clerk's acceptance
    (case_review_supplement); supplying it does not by itself keep the commitment."""
    at = at or timezone.now()
    checked = uploads.check_all(files or {})
    if not checked:
        raise InvalidInput("FILES_REQUIRED", _("请选择要补交的材料文件"))
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action="supply_documents", table=CASE)
        docs = store_documents(case, checked, actor=actor, purpose=Document.Purpose.SUPPLEMENT)
        after = {"materials": sorted(checked)}
        if case.deficit_open:
            last = {d.material_key: d.pk for d in docs}
            supplied = []
            items = []
            for item in case.deficit_items:
                item = dict(item)
                if item["key"] in last and deficit_state(item) != "accepted":
                    item.update(state="supplied", document_id=last[item["key"]], reason="")
                    supplied.append(item["name"])
                items.append(item)
            case.deficit_items = items
            if supplied:
                after["deficit_supplied"] = supplied
                if case.centre_id:
                    # the centre's clerks check and accept the file (case_review_supplement)
                    notify.send_to(
                        staff_of(case.centre_id, roles=[Role.WINDOW_CLERK]),
                        body=_("办件 %(no)s 已补交容缺材料：%(items)s，请审核接收。")
                        % {"no": case.number, "items": "、".join(supplied)},
                        related=case,
                    )
        case.save()
        workflow.record(
            actor,
            "case.supply_documents",
            case,
            after={**after, "files": len(docs)},
        )
    return case


def deficit_state(item: dict) -> str:
    """missing (nothing supplied yet) / supplied (waits for the clerk) / accepted / refused."""
    return item.get("state") or "missing"


def case_review_supplement(
    *, actor, case, material_key: str, accept: bool, reason: str = "", at=None
) -> Case:
    """The clerk accepts or refuses (with a reason) a file supplied for a 容缺 item. When every
    item is accepted the 容缺 is cleared and the commitment kept; a refused item must be supplied
    again before the 容缺 deadline."""
    at = at or timezone.now()
    reason = (reason or "").strip()
    if not accept and not reason:
        raise InvalidInput("REASON_REQUIRED", _("请填写退回补交材料的理由"))
    with transaction.atomic():
        case = workflow.acquire(actor, Case, case, action="review_supplement", table=CASE)
        items = [dict(i) for i in case.deficit_items or []]
        item = next((i for i in items if i["key"] == material_key), None)
        if not case.deficit_open or item is None:
            raise DomainError("DEFICIT_ITEM_NOT_FOUND", _("该办件没有这项待补容缺材料"), status=404)
        if deficit_state(item) != "supplied":
            raise DomainError(
                "DEFICIT_NOTHING_TO_REVIEW",
                _("“%(name)s”尚无待审核的补交文件") % {"name": item["name"]},
            )
        item.update(
            state="accepted" if accept else "refused",
            reason=reason,
            reviewed_at=at.isoformat(),
        )
        case.deficit_items = items
        cleared = all(deficit_state(i) == "accepted" for i in items)
        if cleared:
            case.deficit_open = False
        case.save()
        if cleared:
            for c in Commitment.objects.filter(
                case=case, kind=Commitment.Kind.DEFICIT, status=Commitment.Status.PENDING
            ):
                credit_services.commitment_resolve(
                    actor=actor,
                    commitment=c,
                    status=Commitment.Status.KEPT,
                    note=_("已按期补齐容缺材料，经窗口审核接收"),
                    at=at,
                )
        workflow.record(
            actor,
            "case.review_supplement",
            case,
            before={"material": item["name"], "result": "supplied"},
            after={
                "material": item["name"],
                "result": "accepted" if accept else "refused",
                **({"deficit_open": False} if cleared else {}),
            },
            reason=reason,
        )
        if not accept:
            notify_applicant(
                case,
                _("您补交的“%(name)s”未通过审核：%(reason)s。请于 %(due)s 前重新补交。")
                % {
                    "name": item["name"],
                    "reason": reason,
                    "due": calendar.local_date(case.deficit_due_at) if case.deficit_due_at else "",
                },
            )
    return case
