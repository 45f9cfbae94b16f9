"""Submission (申请): online, by API or terminal by the applicant, or at the window by a clerk for
the applicant (一窗受理)."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import numbering, uploads, workflow
from yingshang.cases import selectors
from yingshang.cases.models import Case, Channel, Document, Status
from yingshang.cases.services.common import INTAKE_DAYS, PURPOSE_INTAKE, notify_applicant
from yingshang.cases.transitions import CASE
from yingshang.catalog import selectors as catalog_selectors
from yingshang.credit import sanctions
from yingshang.credit import services as credit_services
from yingshang.credit.models import CommitmentText
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.org import identifiers
from yingshang.org.roles import Role
from yingshang.org.scope import grants
from yingshang.processcache import TTLCache
from yingshang.rowload import RowInserter
from yingshang.workcal import clocks

# the rows of every submission: SQL built once (yingshang.rowload; the same on every database)
_CASES = RowInserter(Case)
_DOCUMENTS = RowInserter(Document)
# the id of the service centre that receives a unit's online submissions (unit rows, changed by
# admins)
_CENTRE = TTLCache("cases.centre")


def online_centre_id(unit_id: int) -> int | None:
    """The centre of the county the handling unit belongs to (org.tenancy: in a city deployment
    each county has its own centre; in a county deployment there is one)."""

    def load() -> int | None:
        from django.db.models import Subquery

        from yingshang.org.models import Unit

        county = Unit.objects.filter(pk=unit_id).values("tenant")
        return (
            Unit.objects.filter(kind=Unit.Kind.CENTRE, is_active=True, tenant=Subquery(county))
            .order_by("sort_order", "id")
            .values_list("pk", flat=True)
            .first()
        )

    # the submission's hot path: nothing is built when the centre is cached
    return _CENTRE.get(unit_id, load)


# field types whose value is an identifier: stored normalised (全角 digits, spaces, lower case
# all become the one form), refused with the validator's message when the check fails
IDENTIFIER_TYPES = {
    "phone": identifiers.clean_mobile,
    "id_number": identifiers.clean_id_number,
    "uscc": identifiers.clean_uscc,
}
# a field named for an identifier is checked as one whatever type the catalogue gave it (a
# "firm.uscc" defined as plain text would otherwise store a code that fails its check)
IDENTIFIER_KEYS = {"uscc": "uscc", "id_number": "id_number"}


def validate_form(fields: list[dict], data: dict) -> dict:
    """Required fields present, phone numbers and identifiers well-formed (org.identifiers);
    returns the cleaned data."""
    errors = {}
    reasons = {}
    clean = {}
    for field in fields:
        key = field["key"]
        value = data.get(key, "")
        value = value.strip() if isinstance(value, str) else value
        if field.get("required") and value in ("", None, []):
            errors[key] = _("请填写“%(label)s”") % {"label": field["label"]}
            reasons[key] = "required"
            continue
        check = IDENTIFIER_TYPES.get(field.get("field_type") or "") or IDENTIFIER_TYPES.get(
            IDENTIFIER_KEYS.get(key.rsplit(".", 1)[-1], "")
        )
        if value and check is not None:
            try:
                value = check(str(value))
            except ValidationError as exc:
                errors[key] = _("“%(label)s”：%(message)s") % {
                    "label": field["label"],
                    "message": exc.messages[0],
                }
                reasons[key] = exc.code
                continue
        if value not in ("", None):
            clean[key] = value
    if errors:
        raise InvalidInput(
            "CASE_FORM_INVALID",
            _("申请表有未填写或格式不正确的项目：%(items)s")
            % {"items": "、".join(errors.values())},
            details={"fields": errors, "reasons": reasons},
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


def _require_materials(materials, checked, certificate_keys, deficit_sign) -> None:
    """An applicant's own submission (online, API, terminal) carries every required material,
    or replaces it by a 告知承诺, or — for materials the matter lets wait — signs the 容缺受理
    承诺书. At the window the clerk receives what is brought and issues the 一次性告知."""
    uploaded = {key for key, files in checked.items() if files}
    missing = [
        m
        for m in materials
        if m["required"] and m["key"] not in uploaded and m["key"] not in certificate_keys
    ]
    if not missing:
        return
    names = "、".join(m["name"] for m in missing)
    keys = [m["key"] for m in missing]
    if any(not m["deficit_allowed"] for m in missing):
        raise InvalidInput(
            "CASE_MATERIALS_MISSING",
            _("缺少必要材料：%(names)s。请上传后再提交。") % {"names": names},
            details={"materials": keys},
        )
    if not deficit_sign:
        raise InvalidInput(
            "CASE_DEFICIT_COMMITMENT_REQUIRED",
            _(
                "缺少材料：%(names)s。这些材料可以容缺后补：请签署容缺受理承诺书后提交，"
                "或上传材料后再提交。"
            )
            % {"names": names},
            details={"materials": keys},
        )


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
    at = at or timezone.now()
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
        if not catalog_selectors.is_public(matter):
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
    if channel != Channel.WINDOW:
        _require_materials(materials, checked, certificate_keys, deficit_sign)
    subject_of = applicant.firm if applicant.kind == "firm" else applicant
    if (deficit_sign and sanctions.blocked(subject_of, "deficit")) or (
        certificate_keys and sanctions.blocked(subject_of, "certificate")
    ):
        raise DomainError(
            "CREDIT_DISHONEST",
            _(
                "申请人在失信名单内或有虚假承诺记录，不能适用容缺受理或告知承诺，请按一般程序提交全部材料"
            ),
        )
    # the number the lookup and the SMS notices use: a mobile, stored normalised
    phone = (
        identifiers.require_mobile(contact_phone, field="contact_phone")
        if (contact_phone or "").strip()
        else applicant.mobile or ""
    )
    texts = credit_services.ensure_texts() if (deficit_sign or certificate_keys) else {}
    # no savepoint of its own: a submission is all or nothing, and a caller's transaction
    # around it (the API's idempotency record) fails with it
    with transaction.atomic(savepoint=False):
        case = Case(
            # provisional: the day's counter row stays locked from numbering.case_number() to
            # the commit, so the number is taken last — concurrent submissions wait for two
            # statements, not for this one's file writes and clock
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
            status=CASE.target("submit", Status.DRAFT),
            unit_id=unit_id,
            centre_id=window.hall_id if window is not None else online_centre_id(unit_id),
            window=window,
            received_by=actor if channel == Channel.WINDOW else None,
            first_responder=actor if channel == Channel.WINDOW else None,
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
        _CASES.insert(case)  # created_at names the documents' folder
        store_documents(
            case,
            {k: v for k, v in checked.items() if k in known or not known},
            actor=actor,
            new_case=True,
        )
        case.mirror(
            clocks.clock_start(
                owner=case,
                purpose=PURPOSE_INTAKE,
                amount=INTAKE_DAYS,
                unit="working_days",
                started_at=at,
            )
        )
        case.number = numbering.case_number(at)
        case.save(update_fields=["due_at", "clock_state", "number"])
        workflow.record(
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
