"""Writes of the credit file. Every change is audited in the caller's transaction."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.credit import publicity
from yingshang.credit.models import Commitment, CommitmentText, CreditSubject, DishonestListing
from yingshang.credit.selectors import active_listings, subject_for
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.org.roles import Role
from yingshang.org.scope import grants

DEFAULT_TEXTS = {
    CommitmentText.Kind.DEFICIT: (
        "本人/本单位申请容缺受理，郑重承诺：所提交材料真实、合法、有效；对《容缺受理通知书》所列缺少的材料，"
        "将在通知书载明的期限内按要求补齐。逾期未补齐或补交材料不符合要求的，同意终止办理，由此产生的后果由本人/本单位承担，"
        "并同意将违诺情况记入信用档案。"
    ),
    CommitmentText.Kind.CERTIFICATE: (
        "本人/本单位已知晓行政机关告知的证明义务、证明内容及承诺不实的法律责任，郑重承诺符合告知的条件。"
        "如承诺不实，同意行政机关撤销已作出的决定，依法承担相应法律责任，并将虚假承诺记入信用档案。"
    ),
}


CREDIT_ADMIN_ROLES = (Role.SUPERVISOR, Role.ADMIN)


def is_credit_admin(actor) -> bool:
    """Who maintains the dishonest list, the commitment texts and commitment outcomes
    (DESIGN.md §1: the 营商办 supervisor keeps the credit lists; the admin as a fallback)."""
    return grants(actor).has(*CREDIT_ADMIN_ROLES)


def check_credit_admin(actor) -> None:
    if not is_credit_admin(actor):
        raise PermissionDeniedError(
            "CREDIT_FORBIDDEN", _("只有营商办督查人员或管理员可以维护失信名单")
        )


def _role_of(actor) -> str:
    return Role.SUPERVISOR if grants(actor).has(Role.SUPERVISOR) else Role.ADMIN


def ensure_texts() -> dict[str, CommitmentText]:
    """The active commitment text of each kind (created with the default wording if none)."""
    out = {}
    for kind, body in DEFAULT_TEXTS.items():
        text = CommitmentText.objects.filter(kind=kind, active=True).order_by("-version").first()
        if text is None:
            text = CommitmentText.objects.create(kind=kind, version=1, body=body, active=True)
        out[kind] = text
    return out


def text_publish(*, actor, kind: str, body: str) -> CommitmentText:
    """A new version of a commitment text; earlier versions stay for the commitments signed under them."""
    check_credit_admin(actor)
    if kind not in CommitmentText.Kind.values:
        raise InvalidInput("CREDIT_TEXT_KIND_INVALID", _("承诺书类型无效"))
    body = (body or "").strip()
    if not body:
        raise InvalidInput("CREDIT_TEXT_REQUIRED", _("请填写承诺书正文"))
    with transaction.atomic():
        last = (
            CommitmentText.objects.select_for_update()
            .filter(kind=kind)
            .order_by("-version")
            .first()
        )
        current = CommitmentText.objects.filter(kind=kind, active=True).first()
        if current is not None and current.body.strip() == body:
            raise DomainError("CREDIT_TEXT_UNCHANGED", _("正文与当前版本相同，无需发布新版本"))
        CommitmentText.objects.filter(kind=kind, active=True).update(active=False)
        text = CommitmentText.objects.create(
            kind=kind, version=(last.version + 1) if last else 1, body=body
        )
        audit.record(
            actor=actor,
            action="credit.text_publish",
            obj=text,
            before={"version": current.version if current else None},
            after={"kind": kind, "version": text.version},
            role=_role_of(actor),
        )
    return text


def commitment_sign(
    *,
    actor,
    subject_of,
    kind: str,
    text: CommitmentText,
    case=None,
    items=None,
    deadline=None,
    at=None,
) -> Commitment:
    """Record a signed commitment. Call inside the service transaction of the case."""
    if text.kind != kind or not text.active:
        raise DomainError("COMMITMENT_TEXT_OUTDATED", _("承诺书文本已更新，请阅读并签署最新版本"))
    subject = subject_for(subject_of, create=True)
    commitment = Commitment.objects.create(
        subject=subject,
        kind=kind,
        case=case,
        text=text,
        text_version=text.version,
        text_snapshot=text.body,
        items=list(items or []),
        signed_by=actor,
        signed_at=at or timezone.now(),
        deadline=deadline,
    )
    audit.record(
        actor=actor,
        action="credit.commitment_sign",
        obj=commitment,
        after={
            "kind": kind,
            "text_version": text.version,
            "deadline": deadline,
            "case": getattr(case, "number", None),
        },
    )
    return commitment


def commitment_resolve(
    *, actor, commitment: Commitment, status: str, note: str = "", at=None
) -> Commitment:
    """Mark a commitment kept, broken or false (in the caller's transaction)."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    # a kept certificate commitment may still turn out false on a later check
    if commitment.status != Commitment.Status.PENDING and not (
        status == Commitment.Status.FALSE and commitment.status == Commitment.Status.KEPT
    ):
        raise DomainError("COMMITMENT_ALREADY_RESOLVED", _("该承诺已认定，不能重复认定"))
    before = {"status": commitment.status}
    commitment.status = status
    commitment.resolved_at = at or timezone.now()
    commitment.note = note
    commitment.save(update_fields=["status", "resolved_at", "note"])
    audit.record(
        actor=actor,
        action=f"credit.commitment_{status}",
        obj=commitment,
        before=before,
        after={"status": status},
        reason=note,
    )
    return commitment


def listing_add(
    *, actor, subject_of, reason: str, until=None, legal_basis: str = "", unit=None
) -> DishonestListing:
    """Put a firm or person on the dishonest list; from now on they cannot use 容缺 or 告知承诺
    (selectors.is_dishonest). One active listing per subject: a second reason is a new listing
    only after the first one ended."""
    check_credit_admin(actor)
    if not (reason or "").strip():
        raise InvalidInput("LISTING_REASON_REQUIRED", _("请填写列入失信名单的原因"))
    if until is not None and until < timezone.localdate():
        raise InvalidInput("CREDIT_UNTIL_PAST", _("有效期不能早于今天"))
    with transaction.atomic():
        subject = subject_for(subject_of, create=True)
        # the subject row serialises concurrent listings of the same firm/person
        CreditSubject.objects.select_for_update().filter(pk=subject.pk).first()
        if active_listings(subject).exists():
            raise DomainError("CREDIT_LISTING_EXISTS", _("该主体已在失信名单内，请勿重复列入"))
        # in force at once (notice and objection happened outside Yingshang; the steps in
        # Yingshang are records.listing_notice → listing_object/confirm)
        period = publicity.listing_period(timezone.localdate())
        listing = DishonestListing.objects.create(
            subject=subject,
            reason=reason.strip(),
            legal_basis=(legal_basis or "").strip(),
            unit=unit,
            listed_at=timezone.now(),
            until=until or period.public_until - dt.timedelta(days=1),
            repair_from=period.repair_from,
            listed_by=actor,
        )
        audit.record(
            actor=actor,
            action="credit.list",
            obj=listing,
            after={"subject": subject.pk, "until": until},
            reason=reason,
            role=_role_of(actor),
        )
    return listing


def listing_remove(*, actor, listing: DishonestListing, reason: str) -> DishonestListing:
    check_credit_admin(actor)
    if not (reason or "").strip():
        raise InvalidInput("DELIST_REASON_REQUIRED", _("请填写移出失信名单的原因"))
    with transaction.atomic():
        listing = DishonestListing.objects.select_for_update().get(pk=listing.pk)
        if not listing.active:
            raise DomainError("LISTING_NOT_ACTIVE", _("该记录已移出失信名单"))
        listing.active = False
        listing.status = DishonestListing.Status.REMOVED
        listing.delisted_at = timezone.now()
        listing.delist_reason = reason.strip()
        listing.delisted_by = actor
        listing.save(
            update_fields=["active", "status", "delisted_at", "delist_reason", "delisted_by"]
        )
        audit.record(
            actor=actor,
            action="credit.delist",
            obj=listing,
            before={"active": True},
            after={"active": False},
            reason=reason,
            role=_role_of(actor),
        )
    return listing


RESOLVABLE = {
    # what the credit administrator may record by hand, per kind (a broken 容缺 commitment is
    # recorded by the case when the supplement deadline passes; see cases.services.intake)
    Commitment.Kind.CERTIFICATE: (Commitment.Status.KEPT, Commitment.Status.FALSE),
    Commitment.Kind.DEFICIT: (Commitment.Status.KEPT, Commitment.Status.BROKEN),
}


# Called, in the same transaction, when the credit administrator finds a 告知承诺 false on the
# resolve page: the module that owns the commitment's case reacts (cases revokes the decision
# or stops the case). Registered in AppConfig.ready; credit itself does not know about cases.
_on_found_false: list = []


def on_commitment_found_false(handler) -> None:
    """`handler(*, actor, commitment, note, at)`; registering twice keeps one."""
    if handler not in _on_found_false:
        _on_found_false.append(handler)


def commitment_verify(
    *, actor, commitment: Commitment, status: str, note: str = "", at=None
) -> Commitment:
    """The credit administrator records the outcome of a commitment (the resolve page).

    A commitment whose case still has pending 告知承诺 核查 is decided by that check
    (cases.services.review.verification_check), which also revokes the case decision when the
    commitment was false; recording it here would skip that, so it is refused."""
    check_credit_admin(actor)
    note = (note or "").strip()
    with transaction.atomic():
        commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if status not in RESOLVABLE.get(commitment.kind, ()):
            raise InvalidInput("COMMITMENT_STATUS_INVALID", _("请选择有效的认定结果"))
        if status != Commitment.Status.KEPT and not note:
            raise InvalidInput("CREDIT_REASON_REQUIRED", _("认定未履行或虚假承诺时请写明依据"))
        if commitment.verifications.filter(status="pending").exists():
            raise DomainError(
                "COMMITMENT_VERIFICATION_PENDING",
                _("该承诺尚有待核查的证明事项，请由核查部门在办件中完成核查"),
            )
        commitment = commitment_resolve(
            actor=actor, commitment=commitment, status=status, note=note, at=at
        )
        if status == Commitment.Status.FALSE:
            for handler in _on_found_false:
                handler(actor=actor, commitment=commitment, note=note, at=commitment.resolved_at)
        return commitment


__all__ = [
    "CreditSubject",
    "commitment_resolve",
    "commitment_sign",
    "commitment_verify",
    "ensure_texts",
    "is_credit_admin",
    "listing_add",
    "listing_remove",
    "on_commitment_found_false",
    "text_publish",
]
