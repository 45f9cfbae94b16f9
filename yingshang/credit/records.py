"""Writes of the credit records beyond commitments: administrative penalties (with their
publicity period), praise (红名单), the dishonest list's notice and objection steps, and the
two rule tables. Every write is audited in its transaction; nothing is deleted (voided with a
reason)."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.credit import publicity, sanctions
from yingshang.credit import transitions as t
from yingshang.credit.models import (
    DishonestListing,
    Penalty,
    Praise,
    PublicityRule,
    SanctionRule,
    Severity,
)
from yingshang.credit.scopes import is_credit_admin, may_record
from yingshang.credit.selectors import active_listings, subject_for
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.org.masking import mask_id_number, mask_name, mask_text
from yingshang.org.scope import grants
from yingshang.workcal import calendar

OBJECTION_DAYS = getattr(settings, "CREDIT_OBJECTION_WORKING_DAYS", 5)


def _text(value, code: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(code, message)
    return value


def public_identity(subject) -> tuple[str, str]:
    """How the public page names a subject: a firm by name and USCC (public by law), a person
    by a masked name and ID number."""
    if subject.firm_id:
        return subject.firm.name[:120], subject.firm.uscc
    person = subject.person
    return mask_name(person.display_name)[:120], mask_id_number(person.id_number or "")[:32]


def public_text(subject, facts: str, content: str) -> str:
    names = [] if subject.firm_id else [subject.person.real_name or ""]
    parts = [p.strip() for p in (facts or "", content or "") if (p or "").strip()]
    return mask_text("\n".join(parts), names=names)


def _check_recorder(actor, unit) -> None:
    if unit is None:
        raise InvalidInput("CREDIT_UNIT_REQUIRED", _("请选择处罚/认定机关"))
    if not may_record(grants(actor), unit.pk):
        raise PermissionDeniedError(
            "CREDIT_RECORD_FORBIDDEN", _("只能录入本单位作出的决定（或由信用管理人员录入）")
        )


def _past_date(value, field: str, label: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise InvalidInput(
            "CREDIT_DATE_REQUIRED", _("请填写%(f)s") % {"f": label}, details={"field": field}
        )
    if value > timezone.localdate():
        raise InvalidInput(
            "CREDIT_DATE_FUTURE", _("%(f)s不能晚于今天") % {"f": label}, details={"field": field}
        )
    return value


def penalty_record(
    *,
    actor,
    subject_of,
    unit,
    decision_number: str,
    decided_on: dt.date,
    types: list[str],
    legal_basis: str,
    severity: str = Severity.GENERAL,
    facts: str = "",
    content: str = "",
) -> Penalty:
    """Record a penalty decision; its publicity period comes from the rules (publicity.py). A
    decision whose maximum has already passed is recorded as no longer public."""
    workflow.require_actor(actor)
    _check_recorder(actor, unit)
    number = _text(decision_number, "PENALTY_NUMBER_REQUIRED", _("请填写处罚决定书文号"))
    basis = _text(legal_basis, "PENALTY_BASIS_REQUIRED", _("请填写处罚依据"))
    decided_on = _past_date(decided_on, "decided_on", _("处罚决定日期"))
    if severity not in Severity.values:
        raise InvalidInput("PENALTY_SEVERITY_INVALID", _("请选择严重程度"))
    period = publicity.period_for(types, decided_on)
    today = timezone.localdate()
    with transaction.atomic():
        subject = subject_for(subject_of, create=True)
        name, code = public_identity(subject)
        penalty = Penalty(
            subject=subject,
            subject_name=name,
            subject_code=code,
            decision_number=number[:64],
            decided_on=decided_on,
            types=list(period.rules),
            unit=unit,
            legal_basis=basis,
            facts=(facts or "").strip(),
            content=(content or "").strip(),
            public_text=public_text(subject, facts, content),
            severity=severity,
            repair_from=period.repair_from,
            public_until=period.public_until,
            recorded_by=actor,
        )
        if period.public_until <= today:
            penalty.status, penalty.ended_at = Penalty.Status.ENDED, timezone.now()
        try:
            with transaction.atomic():
                penalty.save()
        except IntegrityError:
            raise DomainError(
                "PENALTY_DUPLICATE",
                _("该机关已录入文号为%(no)s的处罚决定") % {"no": number},
            ) from None
        workflow.record(
            actor,
            "credit.penalty_record",
            penalty,
            after={
                "decision_number": penalty.decision_number,
                "decided_on": decided_on,
                "types": penalty.types,
                "repair_from": penalty.repair_from,
                "public_until": penalty.public_until,
                "status": penalty.status,
            },
        )
    return penalty


def penalty_void(*, actor, penalty: Penalty, reason: str) -> Penalty:
    reason = _text(reason, "CREDIT_REASON_REQUIRED", _("请填写作废原因"))
    with transaction.atomic():
        penalty = workflow.lock(actor, penalty, action="void")
        before = workflow.snapshot(penalty, "status")
        penalty.status = Penalty.Status.VOIDED
        penalty.void_reason = reason
        penalty.ended_at = penalty.ended_at or timezone.now()
        penalty.save(update_fields=["status", "void_reason", "ended_at"])
        workflow.record(
            actor,
            "credit.penalty_void",
            penalty,
            before=before,
            after={"status": penalty.status},
            reason=reason,
        )
    return penalty


def praise_add(
    *,
    actor,
    subject_of,
    unit,
    kind: str,
    title: str,
    decided_on: dt.date,
    document_number: str = "",
    valid_until: dt.date | None = None,
    legal_basis: str = "",
) -> Praise:
    workflow.require_actor(actor)
    _check_recorder(actor, unit)
    if kind not in Praise.Kind.values:
        raise InvalidInput("PRAISE_KIND_INVALID", _("请选择激励类型"))
    title = _text(title, "PRAISE_TITLE_REQUIRED", _("请填写名称"))
    decided_on = _past_date(decided_on, "decided_on", _("认定日期"))
    if valid_until is not None and valid_until < decided_on:
        raise InvalidInput("PRAISE_UNTIL_INVALID", _("有效期不能早于认定日期"))
    with transaction.atomic():
        praise = Praise.objects.create(
            subject=subject_for(subject_of, create=True),
            kind=kind,
            title=title[:120],
            document_number=(document_number or "").strip()[:64],
            unit=unit,
            decided_on=decided_on,
            valid_until=valid_until,
            legal_basis=(legal_basis or "").strip(),
            recorded_by=actor,
        )
        workflow.record(
            actor,
            "credit.praise_add",
            praise,
            after={"kind": kind, "title": praise.title, "decided_on": decided_on},
        )
    return praise


def praise_void(*, actor, praise: Praise, reason: str) -> Praise:
    reason = _text(reason, "CREDIT_REASON_REQUIRED", _("请填写作废原因"))
    with transaction.atomic():
        praise = workflow.lock(actor, praise, action="void")
        praise.voided, praise.void_reason = True, reason
        praise.save(update_fields=["voided", "void_reason"])
        workflow.record(
            actor,
            "credit.praise_void",
            praise,
            before={"voided": False},
            after={"voided": True},
            reason=reason,
        )
    return praise


# --- the dishonest list: notice (告知) → objection (异议) → listed -----------------------------
def listing_notice(
    *, actor, subject_of, reason: str, legal_basis: str, unit=None, at=None
) -> DishonestListing:
    """Tell the subject it is to be listed and why; it may object until the objection
    deadline (working days, workcal). Not in force until confirmed."""
    if not is_credit_admin(grants(actor)):
        raise PermissionDeniedError(
            "CREDIT_FORBIDDEN", _("只有营商办督查人员或管理员可以维护失信名单")
        )
    reason = _text(reason, "LISTING_REASON_REQUIRED", _("请填写列入失信名单的原因"))
    basis = _text(legal_basis, "LISTING_BASIS_REQUIRED", _("请填写列入失信名单的法律依据"))
    at = at or timezone.now()
    with transaction.atomic():
        subject = subject_for(subject_of, create=True)
        open_ = DishonestListing.objects.filter(subject=subject, status__in=[t.NOTICED, t.OBJECTED])
        if active_listings(subject).exists() or open_.exists():
            raise DomainError(
                "CREDIT_LISTING_EXISTS", _("该主体已在失信名单内或正在告知中，请勿重复列入")
            )
        listing = DishonestListing.objects.create(
            subject=subject,
            reason=reason,
            legal_basis=basis,
            unit=unit,
            status=t.NOTICED,
            active=False,
            listed_at=at,
            listed_by=actor,
            noticed_at=at,
            objection_due=calendar.deadline(at, OBJECTION_DAYS, "working_days").due_at,
        )
        workflow.record(
            actor,
            "credit.listing_notice",
            listing,
            after={"status": listing.status, "objection_due": listing.objection_due},
            reason=reason,
        )
    return listing


def _put_in_force(listing: DishonestListing, at) -> None:
    period = publicity.listing_period(timezone.localdate(at))
    listing.status, listing.active, listing.listed_at = t.LISTED, True, at
    listing.repair_from = period.repair_from
    if listing.until is None:
        listing.until = period.public_until - dt.timedelta(days=1)


def listing_object(
    *, actor, listing: DishonestListing, objection: str, at=None
) -> DishonestListing:
    """The subject objects within the objection period (on the portal or over the API)."""
    objection = _text(objection, "OBJECTION_REQUIRED", _("请填写异议理由"))
    at = at or timezone.now()
    with transaction.atomic():
        listing = workflow.lock(actor, listing, action="object", table=t.LISTING)
        if listing.objection_due and at > listing.objection_due:
            raise DomainError(
                "OBJECTION_PERIOD_OVER",
                _("异议期已于%(d)s届满") % {"d": calendar.local_date(listing.objection_due)},
            )
        before = workflow.snapshot(listing, "status")
        listing.status, listing.objection, listing.objected_at = t.OBJECTED, objection, at
        listing.save(update_fields=["status", "objection", "objected_at"])
        workflow.record(
            actor,
            "credit.listing_object",
            listing,
            before=before,
            after={"status": listing.status},
            reason=objection,
        )
    return listing


def listing_rule_objection(
    *, actor, listing: DishonestListing, upheld: bool, ruling: str, at=None
) -> DishonestListing:
    ruling = _text(ruling, "OBJECTION_RULING_REQUIRED", _("请填写异议处理意见"))
    at = at or timezone.now()
    action = "uphold_objection" if upheld else "reject_objection"
    with transaction.atomic():
        listing = workflow.lock(actor, listing, action=action, table=t.LISTING)
        before = workflow.snapshot(listing, "status", "active")
        listing.objection_ruling = ruling
        if upheld:
            listing.status = t.CANCELLED
        else:
            _put_in_force(listing, at)
        listing.save()
        workflow.record(
            actor,
            f"credit.listing_{action}",
            listing,
            before=before,
            after={"status": listing.status, "active": listing.active},
            reason=ruling,
        )
    return listing


def listing_confirm(*, actor, listing: DishonestListing, at=None) -> DishonestListing:
    """List the subject once the objection period passed without an objection."""
    at = at or timezone.now()
    with transaction.atomic():
        listing = workflow.lock(actor, listing, action="confirm", table=t.LISTING)
        if listing.objection_due and at <= listing.objection_due:
            raise DomainError(
                "OBJECTION_PERIOD_OPEN",
                _("异议期至%(d)s，期满后方可列入")
                % {"d": calendar.local_date(listing.objection_due)},
            )
        before = workflow.snapshot(listing, "status", "active")
        _put_in_force(listing, at)
        listing.save()
        workflow.record(
            actor,
            "credit.listing_confirm",
            listing,
            before=before,
            after={"status": listing.status, "active": True, "until": listing.until},
        )
    return listing


# --- the rule tables ---------------------------------------------------------------------------
def _check_admin(actor) -> None:
    if not is_credit_admin(grants(actor)):
        raise PermissionDeniedError("CREDIT_FORBIDDEN", _("只有营商办督查人员或管理员可以修改规则"))


def publicity_rule_update(
    *, actor, rule: PublicityRule, min_months, max_months, legal_basis: str, active: bool = True
) -> PublicityRule:
    """Change a publicity period; applies to penalties recorded from now on."""
    _check_admin(actor)
    basis = _text(legal_basis, "RULE_BASIS_REQUIRED", _("请填写规则依据"))
    try:
        lo, hi = int(min_months), int(max_months)
    except (TypeError, ValueError):
        raise InvalidInput("RULE_MONTHS_INVALID", _("公示期限请填写整数月数")) from None
    if not (1 <= lo <= hi <= 120):
        raise InvalidInput("RULE_MONTHS_INVALID", _("公示期限须满足 1 ≤ 最短 ≤ 最长 ≤ 120 个月"))
    with transaction.atomic():
        rule = PublicityRule.objects.select_for_update().get(pk=rule.pk)
        before = workflow.snapshot(rule, "min_months", "max_months", "legal_basis", "active")
        rule.min_months, rule.max_months, rule.legal_basis, rule.active = (
            lo,
            hi,
            basis,
            bool(active),
        )
        rule.save()
        workflow.record(
            actor,
            "credit.publicity_rule",
            rule,
            before=before,
            after=workflow.snapshot(rule, "min_months", "max_months", "legal_basis", "active"),
        )
    return rule


def sanction_rule_set(
    *, actor, record_kind: str, benefit: str, active: bool, legal_basis: str
) -> SanctionRule:
    """Switch a 联合惩戒 rule on or off (created when new); never deleted."""
    _check_admin(actor)
    if record_kind not in SanctionRule.RecordKind.values:
        raise InvalidInput("SANCTION_KIND_INVALID", _("请选择信用记录类型"))
    if benefit not in sanctions.BENEFITS:
        raise InvalidInput("SANCTION_BENEFIT_INVALID", _("请选择限制事项"))
    basis = _text(legal_basis, "RULE_BASIS_REQUIRED", _("请填写规则依据"))
    with transaction.atomic():
        rule, created = SanctionRule.objects.select_for_update().get_or_create(
            record_kind=record_kind,
            benefit=benefit,
            defaults={"legal_basis": basis, "active": active},
        )
        before = None if created else workflow.snapshot(rule, "active", "legal_basis")
        rule.active, rule.legal_basis = bool(active), basis
        rule.save()
        workflow.record(
            actor,
            "credit.sanction_rule",
            rule,
            before=before,
            after=workflow.snapshot(rule, "active", "legal_basis"),
        )
    return rule
