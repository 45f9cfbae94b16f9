"""Writes of the credit file. Every change is audited in the caller's transaction."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.credit.models import Commitment, CommitmentText, CreditSubject, DishonestListing
from yingshang.credit.selectors import subject_for
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


def _check_credit_admin(actor) -> None:
    if not grants(actor).has(Role.SUPERVISOR, Role.ADMIN):
        raise PermissionDeniedError(
            "CREDIT_FORBIDDEN", _("只有营商办督查人员或管理员可以维护失信名单")
        )


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
    _check_credit_admin(actor)
    with transaction.atomic():
        last = (
            CommitmentText.objects.select_for_update()
            .filter(kind=kind)
            .order_by("-version")
            .first()
        )
        CommitmentText.objects.filter(kind=kind, active=True).update(active=False)
        text = CommitmentText.objects.create(
            kind=kind, version=(last.version + 1) if last else 1, body=body
        )
        audit.record(
            actor=actor,
            action="credit.text_publish",
            obj=text,
            after={"kind": kind, "version": text.version},
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


def listing_add(*, actor, subject_of, reason: str, until=None) -> DishonestListing:
    _check_credit_admin(actor)
    if not (reason or "").strip():
        raise InvalidInput("LISTING_REASON_REQUIRED", _("请填写列入失信名单的原因"))
    with transaction.atomic():
        subject = subject_for(subject_of, create=True)
        listing = DishonestListing.objects.create(
            subject=subject,
            reason=reason.strip(),
            listed_at=timezone.now(),
            until=until,
            listed_by=actor,
        )
        audit.record(
            actor=actor,
            action="credit.list",
            obj=listing,
            after={"subject": subject.pk, "until": until},
            reason=reason,
            role=Role.SUPERVISOR,
        )
    return listing


def listing_remove(*, actor, listing: DishonestListing, reason: str) -> DishonestListing:
    _check_credit_admin(actor)
    if not (reason or "").strip():
        raise InvalidInput("DELIST_REASON_REQUIRED", _("请填写移出失信名单的原因"))
    with transaction.atomic():
        listing = DishonestListing.objects.select_for_update().get(pk=listing.pk)
        if not listing.active:
            raise DomainError("LISTING_NOT_ACTIVE", _("该记录已移出失信名单"))
        listing.active = False
        listing.delisted_at = timezone.now()
        listing.delist_reason = reason.strip()
        listing.save(update_fields=["active", "delisted_at", "delist_reason"])
        audit.record(
            actor=actor,
            action="credit.delist",
            obj=listing,
            before={"active": True},
            after={"active": False},
            reason=reason,
        )
    return listing


__all__ = [
    "CreditSubject",
    "commitment_resolve",
    "commitment_sign",
    "ensure_texts",
    "listing_add",
    "listing_remove",
]
