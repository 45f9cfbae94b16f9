"""Intake (一窗受理): submit, accept, 容缺, 一次性告知, resubmit, reject, deemed acceptance,
supplying documents, withdrawal."""

import re
import uuid

from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit, uploads
from yingshang.cases import selectors
from yingshang.cases.models import (
    ApprovalTask,
    Case,
    Channel,
    ClosureKind,
    CorrectionRequest,
    Document,
    Status,
    Verification,
)
from yingshang.cases.services.common import (
    INTAKE_DAYS,
    PURPOSE_INTAKE,
    PURPOSE_TASK,
    atomic,
    cancel_tasks,
    clock_of,
    lock,
    next_number,
    notify_applicant,
    now_or,
    record,
    start_case_clock,
    stop_all_case_clocks,
    stop_clock,
    sync_case_clock,
    touch_first_responder,
)
from yingshang.cases.transitions import CASE
from yingshang.credit import selectors as credit_selectors
from yingshang.credit import services as credit_services
from yingshang.credit.models import Commitment, CommitmentText
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.org.roles import Role
from yingshang.org.scope import grants
from yingshang.processcache import TTLCache
from yingshang.rowload import RowInserter, next_id
from yingshang.workcal import calendar, clocks

PHONE_RE = re.compile(r"^1\d{10}$")


# rows of every submission: SQL built once (yingshang.rowload)
_CASES = RowInserter(Case)
_DOCUMENTS = RowInserter(Document)
# the county's service centre of online submissions (a unit row, changed by admins)
_CENTRE = TTLCache("cases.centre")


def _centre_for(window=None):
    from yingshang.org.models import Unit

    if window is not None:
        return window.hall
    return _CENTRE.get(
        "online",
        lambda: (
            Unit.objects.filter(kind=Unit.Kind.CENTRE, is_active=True)
            .order_by("sort_order", "id")
            .first()
        ),
    )


def validate_form(fields: list[dict], data: dict) -> dict:
    """Required fields present, phone numbers well-formed; returns the cleaned data."""
    errors = {}
    clean = {}
    for field in fields:
        key = field["key"]
        value = data.get(key, "")
        value = value.strip() if isinstance(value, str) else value
        if field.get("required") and value in ("", None, []):
            errors[key] = _("请填写“%(label)s”") % {"label": field["label"]}
            continue
        if value and field.get("field_type") == "phone" and not PHONE_RE.match(str(value)):
            errors[key] = _("“%(label)s”应为11位手机号码") % {"label": field["label"]}
            continue
        if value not in ("", None):
            clean[key] = value
    if errors:
        raise InvalidInput(
            "CASE_FORM_INVALID",
            _("申请表有未填写或格式不正确的项目：%(items)s")
            % {"items": "、".join(errors.values())},
            details={"fields": errors},
        )
    return clean


def store_documents(
    case: Case,
    checked: dict[str, list],
    *,
    actor,
    purpose=Document.Purpose.APPLICATION,
    new_case: bool = False,
) -> list[Document]:
    """Save checked uploads; a new file for a material supersedes the old one (never deleted).
    `new_case`: the case was created in this transaction, so nothing can be superseded."""
    names = {m["key"]: m["name"] for m in case.materials}
    keys = [k for k, files in checked.items() if files]
    previous: dict[str, list[int]] = {}
    if keys and not new_case:
        for pk, key in Document.objects.filter(
            case=case, material_key__in=keys, superseded_by__isnull=True
        ).values_list("pk", "material_key"):
            previous.setdefault(key, []).append(pk)
    made = []
    for key in keys:
        for item in checked[key]:
            doc = Document(
                case=case,
                material_key=key,
                material_name=names.get(key, key),
                purpose=purpose,
                original_name=item.name,
                size=item.size,
                content_type=item.content_type,
                sha256=item.sha256,
                uploaded_by=actor,
            )
            doc.file.save(item.name, item.file, save=False)
            made.append(doc)
    _DOCUMENTS.insert_many(made)
    last_of = {}
    for doc in made:
        last_of[doc.material_key] = doc
    for key, pks in previous.items():
        Document.objects.filter(pk__in=pks).update(superseded_by=last_of[key])
    return made


def case_submit(
    *,
    actor,
    matter=None,
    package=None,
    form_data: dict,
    files: dict | None = None,
    channel: str,
    applicant=None,
    window=None,
    assistant=None,
    deficit_sign: bool = False,
    certificate_keys: list[str] | None = None,
    contact_phone: str = "",
    at=None,
) -> Case:
    """Submit an application: online/API/terminal by the applicant, or at the window by a clerk
    for the applicant (一窗受理). The case starts `submitted` with a 5-working-day intake clock."""
    at = now_or(at)
    g = grants(actor)
    if (matter is None) == (package is None):
        raise InvalidInput("CASE_TARGET_REQUIRED", _("请选择一个事项或一件事"))
    if channel not in Channel.values:
        raise InvalidInput("CASE_CHANNEL_INVALID", _("申请渠道无效"))
    if channel == Channel.WINDOW:
        if not g.has(Role.WINDOW_CLERK):
            raise PermissionDeniedError(
                "CASE_SUBMIT_FORBIDDEN", _("只有窗口工作人员可以代申请人在窗口提交")
            )
        if applicant is None:
            raise InvalidInput("CASE_APPLICANT_REQUIRED", _("请选择申请人"))
        if window is None:
            window = actor.windows.filter(is_active=True).first()
        if window is not None and window.hall_id not in g.units(Role.WINDOW_CLERK):
            raise PermissionDeniedError("CASE_SUBMIT_FORBIDDEN", _("只能在本人所在大厅的窗口收件"))
    else:
        if actor.kind == "staff" and not g.has(Role.APPLICANT):
            raise PermissionDeniedError(
                "CASE_SUBMIT_FORBIDDEN", _("工作人员请使用窗口收件功能代为提交")
            )
        applicant = actor
    if matter is not None:
        version = matter.current_version
        if version is None or not matter.is_active:
            raise DomainError("MATTER_NOT_AVAILABLE", _("该事项暂不接受申请"))
        fields = selectors.form_fields_for(version=version)
        materials = selectors.materials_for(version=version)
        unit_id = matter.unit_id
        title = version.name
        limits = (
            version.handling_kind,
            version.legal_limit_days,
            version.promised_limit_days,
            version.max_visits,
        )
        member_versions = {}
    else:
        if not package.is_active:
            raise DomainError("PACKAGE_NOT_AVAILABLE", _("该一件事暂不接受申请"))
        version = None
        versions = selectors.package_versions(package)
        if not versions:
            raise DomainError("PACKAGE_NOT_AVAILABLE", _("该一件事暂不接受申请"))
        fields = selectors.form_fields_for(package=package)
        materials = selectors.materials_for(package=package)
        unit_id = package.lead_unit_id
        title = package.name
        legal = max(v.legal_limit_days for v in versions)
        limits = (
            "promised",
            legal,
            min(package.promised_limit_days, legal),
            max(v.max_visits for v in versions),
        )
        member_versions = {str(v.matter_id): v.pk for v in versions}
    clean = validate_form(fields, form_data or {})
    checked = uploads.check_all(files or {})
    known = {m["key"] for m in materials}
    certificate_keys = [k for k in (certificate_keys or []) if k]
    replaceable = {m["key"] for m in materials if m["commitment_replaces"]}
    if set(certificate_keys) - replaceable:
        raise InvalidInput("CERTIFICATE_NOT_REPLACEABLE", _("所选证明不适用告知承诺"))
    subject_of = applicant.firm if applicant.kind == "firm" else applicant
    if (deficit_sign or certificate_keys) and credit_selectors.is_dishonest(subject_of):
        raise DomainError(
            "CREDIT_DISHONEST",
            _(
                "申请人在失信名单内或有虚假承诺记录，不能适用容缺受理或告知承诺，请按一般程序提交全部材料"
            ),
        )
    phone = (contact_phone or applicant.mobile or "").strip()
    texts = credit_services.ensure_texts() if (deficit_sign or certificate_keys) else {}
    # no savepoint of its own: a submission is all or nothing, and a caller's transaction
    # around it (the API's idempotency record) fails with it
    with atomic(savepoint=False):
        # The day's counter row is locked from next_number() to the commit, so the number is
        # taken at the end — concurrent submissions wait for a few statements, not for this
        # one's file writes and clock. On PostgreSQL the case id comes from its sequence first,
        # the documents and the clock are written against it (foreign keys are checked at
        # commit) and the case row is inserted once, complete, after the number; elsewhere it
        # is inserted first with a provisional number and updated at the end.
        pk = next_id(Case)
        case = Case(
            pk=pk,
            number=f"TMP{uuid.uuid4().hex[:21]}",
            title=title,
            matter=matter,
            matter_version=version,
            package=package,
            applicant=applicant,
            firm=applicant.firm if applicant.kind == "firm" else None,
            applicant_name=(
                applicant.firm.name
                if applicant.kind == "firm" and applicant.firm_id
                else applicant.display_name
            ),
            contact_phone=phone,
            form_data=clean,
            materials=materials,
            member_versions=member_versions,
            channel=channel,
            status=Status.DRAFT,
            unit_id=unit_id,
            centre=_centre_for(window),
            window=window,
            received_by=actor if channel == Channel.WINDOW else None,
            assistant=assistant,
            handling_kind=limits[0],
            legal_limit_days=limits[1],
            promised_limit_days=limits[2],
            max_visits=limits[3],
            received_at=at,
            certificate_keys=certificate_keys,
            visits=1 if channel == Channel.WINDOW else 0,
        )
        if deficit_sign:
            case.deficit_signed_text = texts[CommitmentText.Kind.DEFICIT]
            case.deficit_signed_at = at
        if certificate_keys:
            case.certificate_signed_text = texts[CommitmentText.Kind.CERTIFICATE]
        if channel == Channel.WINDOW:
            case.first_responder = actor
        if matter is not None and type(matter).unit.is_cached(matter):
            case.unit = matter.unit  # the response names the unit
        move = CASE.check("submit", case.status)
        case.status = move.target
        if pk is None:
            case.save()
        else:
            case.created_at = timezone.now()  # the documents' folder is named by it
        store_documents(
            case,
            {k: v for k, v in checked.items() if k in known or not known},
            actor=actor,
            new_case=True,
        )
        clock = clocks.clock_start(
            owner=case,
            purpose=PURPOSE_INTAKE,
            amount=INTAKE_DAYS,
            unit="working_days",
            started_at=at,
        )
        sync_case_clock(case, clock)
        case.number = next_number(at)
        if pk is None:
            case.save(update_fields=["due_at", "clock_state", "number"])
        else:
            _CASES.insert(case)
        record(
            actor,
            "case.submit",
            case,
            after={
                "status": case.status,
                "channel": channel,
                "number": case.number,
                "title": title,
                "deficit_signed": bool(deficit_sign),
                "certificate_keys": certificate_keys,
            },
        )
        notify_applicant(
            case,
            _("您的申请“%(title)s”已提交，办件编号 %(no)s，请等待受理。")
            % {"title": title, "no": case.number},
            sms=False,
        )
    return case


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
            task.due_at, task.clock_state = clock.due_at, clock.state
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
    stop_clock(case, PURPOSE_INTAKE, at)
    case.status = CASE.target(action, case.status)
    case.accepted_at = at
    touch_first_responder(case, actor)
    _begin_review(case, actor, at)
    _certificate_commitments(case, actor, at)
    return before


def case_accept(*, actor, case, at=None) -> Case:
    at = now_or(at)
    with atomic():
        case = lock(actor, case, "accept")
        missing = selectors.missing_materials(case)
        if missing:
            raise DomainError(
                "CASE_MATERIALS_MISSING",
                _("材料不全，不能受理：%(items)s。可一次性告知补正，或对可容缺材料适用容缺受理。")
                % {"items": "、".join(m["name"] for m in missing)},
                details={"missing": [m["key"] for m in missing]},
            )
        if case.certificate_keys and credit_selectors.is_dishonest(case.firm or case.applicant):
            raise DomainError(
                "CREDIT_DISHONEST", _("申请人在失信名单内或有虚假承诺记录，不能适用告知承诺")
            )
        before = _accept(actor=actor, case=case, at=at, action="accept")
        case.save()
        record(
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
    at = now_or(at)
    with atomic():
        case = lock(actor, case, "accept_with_deficit")
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
        if credit_selectors.is_dishonest(subject_of):
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
        record(
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


def case_request_correction(*, actor, case, items: list[str], note: str = "", at=None):
    """一次性告知: all items at once. A second request waits for a supervisor and counts against the unit."""
    at = now_or(at)
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise InvalidInput("CORRECTION_ITEMS_REQUIRED", _("请一次性列明需要补正的全部材料或事项"))
    with atomic():
        case = lock(actor, case, "request_correction")
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
            record(
                actor,
                "case.request_second_correction",
                case,
                after={"items": items, "sequence": sequence},
                reason=note,
            )
    return request


def _apply_correction(actor, case: Case, request: CorrectionRequest, at) -> None:
    before = {"status": case.status}
    clock = clock_of(case, PURPOSE_INTAKE)
    due_before = case.due_at
    if clock is not None:
        clock = clocks.clock_pause(clock=clock, kind="correction", at=at, reason="补正")
    case.status = CASE.target("approve_correction", case.status)
    case.correction_count += 1
    case.clock_state = "paused"
    case.save()
    event = record(
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
    at = now_or(at)
    with atomic():
        case = lock(actor, correction.case_id, "approve_correction")
        correction = CorrectionRequest.objects.select_for_update().get(pk=correction.pk, case=case)
        if correction.status != CorrectionRequest.Status.PENDING_APPROVAL:
            raise DomainError("CORRECTION_NOT_PENDING", _("该补正告知不在待审批状态"))
        correction.approved_by = actor
        correction.approved_at = at
        if approve:
            correction.status = CorrectionRequest.Status.OPEN
            correction.save()
            _apply_correction(actor, case, correction, at)
            record(
                actor,
                "case.approve_correction",
                case,
                after={"sequence": correction.sequence},
                reason=reason,
            )
        else:
            correction.status = CorrectionRequest.Status.REFUSED
            correction.save()
            record(
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
    at = now_or(at)
    checked = uploads.check_all(files or {})
    with atomic():
        case = lock(actor, case, "resubmit")
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
        clock = clock_of(case, PURPOSE_INTAKE)
        if clock is not None:
            clock = clocks.clock_resume(clock=clock, at=at)
        sync_case_clock(case, clock)
        case.status = CASE.target("resubmit", case.status)
        case.save()
        case.corrections.filter(status=CorrectionRequest.Status.OPEN).update(
            status=CorrectionRequest.Status.ANSWERED, answered_at=at
        )
        record(
            actor,
            "case.resubmit",
            case,
            before=before,
            after={"status": case.status, "files": sum(len(v) for v in checked.values())},
        )
    return case


def case_reject_intake(*, actor, case, reason: str, at=None) -> Case:
    at = now_or(at)
    if not (reason or "").strip():
        raise InvalidInput("REASON_REQUIRED", _("请填写不予受理的理由"))
    with atomic():
        case = lock(actor, case, "reject_intake")
        before = {"status": case.status}
        due_before = case.due_at
        stop_all_case_clocks(case, at)
        case.status = CASE.target("reject_intake", case.status)
        case.closure_kind = ClosureKind.REJECTED_INTAKE
        case.closure_reason = reason.strip()
        case.closed_at = at
        touch_first_responder(case, actor)
        case.save()
        event = record(
            actor,
            "case.reject_intake",
            case,
            before=before,
            after={"status": case.status, "closure_kind": case.closure_kind},
            reason=reason,
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
            _("您的申请“%(title)s”（%(no)s）不予受理，理由：%(reason)s")
            % {"title": case.title, "no": case.number, "reason": reason},
        )
    return case


def case_deem_accept(*, case, at=None) -> Case:
    """No intake decision within 5 working days of receipt ⇒ accepted from receipt (system)."""
    at = now_or(at)
    with atomic():
        case = lock(None, case, "deem_accept", system=True)
        before = {"status": case.status}
        stop_clock(case, PURPOSE_INTAKE, at)
        case.status = CASE.target("deem_accept", case.status)
        case.accepted_at = case.received_at
        case.deemed_accepted = True
        _begin_review(case, None, at, started_at=case.received_at)
        _certificate_commitments(case, None, case.received_at)
        case.save()
        record(
            None,
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


def case_supply_documents(*, actor, case, files: dict, at=None) -> Case:
    """Supply (补交) materials; a 容缺 case whose missing items are all in is cleared and the
    commitment kept."""
    at = now_or(at)
    checked = uploads.check_all(files or {})
    if not checked:
        raise InvalidInput("FILES_REQUIRED", _("请选择要补交的材料文件"))
    with atomic():
        case = lock(actor, case, "supply_documents")
        docs = store_documents(case, checked, actor=actor, purpose=Document.Purpose.SUPPLEMENT)
        after = {"materials": sorted(checked)}
        if case.deficit_open:
            present = selectors.present_keys(case)
            outstanding = [i for i in case.deficit_items if i["key"] not in present]
            if not outstanding:
                case.deficit_open = False
                after["deficit_open"] = False
                for c in Commitment.objects.filter(
                    case=case, kind=Commitment.Kind.DEFICIT, status=Commitment.Status.PENDING
                ):
                    credit_services.commitment_resolve(
                        actor=actor,
                        commitment=c,
                        status=Commitment.Status.KEPT,
                        note=_("已按期补齐容缺材料"),
                        at=at,
                    )
        case.save()
        record(
            actor,
            "case.supply_documents",
            case,
            before={"deficit_open": True} if "deficit_open" in after else None,
            after={**after, "files": len(docs)},
        )
    return case


def case_withdraw(*, actor, case, reason: str = "", at=None) -> Case:
    at = now_or(at)
    with atomic():
        case = lock(actor, case, "withdraw")
        before = {"status": case.status}
        due_before = case.due_at
        stop_all_case_clocks(case, at)
        cancel_tasks(case, at)
        case.status = CASE.target("withdraw", case.status)
        case.closure_kind = ClosureKind.WITHDRAWN
        case.closure_reason = reason
        case.closed_at = at
        case.deficit_open = False
        case.save()
        event = record(
            actor,
            "case.withdraw",
            case,
            before=before,
            after={"status": case.status, "closure_kind": case.closure_kind},
            reason=reason,
        )
        audit.record_return(
            event=event,
            kind="withdraw",
            unit=case.unit,
            due_at=due_before,
            label=f"{case.number} {case.title}",
        )
    return case


def case_terminate(*, actor, case, reason: str, at=None, system: bool = False) -> Case:
    """终止办理 (容缺 breach or a false commitment). Marks an open 容缺 commitment broken."""
    at = now_or(at)
    if not (reason or "").strip():
        raise InvalidInput("REASON_REQUIRED", _("请填写终止办理的原因"))
    with atomic():
        case = lock(actor, case, "terminate", system=system)
        before = {"status": case.status}
        stop_all_case_clocks(case, at)
        cancel_tasks(case, at)
        case.status = CASE.target("terminate", case.status)
        case.closure_kind = ClosureKind.TERMINATED
        case.closure_reason = reason
        case.closed_at = at
        broke = case.deficit_open
        case.deficit_open = False
        case.save()
        if broke:
            for c in Commitment.objects.filter(
                case=case, kind=Commitment.Kind.DEFICIT, status=Commitment.Status.PENDING
            ):
                credit_services.commitment_resolve(
                    actor=actor, commitment=c, status=Commitment.Status.BROKEN, note=reason, at=at
                )
        record(
            actor,
            "case.terminate",
            case,
            before=before,
            after={
                "status": case.status,
                "closure_kind": case.closure_kind,
                "commitment_broken": broke,
            },
            reason=reason,
        )
        notify_applicant(
            case,
            _("您的申请“%(title)s”（%(no)s）已终止办理：%(reason)s")
            % {"title": case.title, "no": case.number, "reason": reason},
        )
    return case
