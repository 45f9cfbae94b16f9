"""Reads of the credit file."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from yingshang.credit.models import Commitment, CreditSubject, DishonestListing


def subject_for(firm_or_user, *, create: bool = False) -> CreditSubject | None:
    """The credit subject of a firm, or of a person account (a firm account's subject is its firm)."""
    from yingshang.enterprises.models import Firm

    if firm_or_user is None:
        return None
    if isinstance(firm_or_user, CreditSubject):
        return firm_or_user
    if isinstance(firm_or_user, Firm):
        lookup = {"firm": firm_or_user}
    elif getattr(firm_or_user, "kind", None) == "firm" and getattr(firm_or_user, "firm_id", None):
        lookup = {"firm_id": firm_or_user.firm_id}
    else:
        lookup = {"person": firm_or_user}
    if create:
        return CreditSubject.objects.get_or_create(**lookup)[0]
    return CreditSubject.objects.filter(**lookup).first()


def active_listings(subject: CreditSubject):
    today = timezone.localdate()
    return DishonestListing.objects.filter(subject=subject, active=True).filter(
        Q(until__isnull=True) | Q(until__gte=today)
    )


def is_dishonest(firm_or_user) -> bool:
    """On the dishonest list now, or with a previous false commitment (虚假承诺) — both block
    容缺 and 告知承诺 until credit repair (cn_rules §4)."""
    subject = subject_for(firm_or_user)
    if subject is None:
        return False
    if active_listings(subject).exists():
        return True
    return Commitment.objects.filter(subject=subject, status=Commitment.Status.FALSE).exists()


@dataclass
class CreditFile:
    subject: CreditSubject
    commitments: list
    listings: list
    kept: int
    broken: int
    pending: int
    false: int
    dishonest: bool


def credit_file(subject: CreditSubject) -> CreditFile:
    commitments = list(
        Commitment.objects.filter(subject=subject).select_related("case").order_by("-signed_at")
    )
    listings = list(DishonestListing.objects.filter(subject=subject).order_by("-listed_at"))
    count = lambda s: sum(1 for c in commitments if c.status == s)  # noqa: E731
    return CreditFile(
        subject=subject,
        commitments=commitments,
        listings=listings,
        kept=count(Commitment.Status.KEPT),
        broken=count(Commitment.Status.BROKEN),
        pending=count(Commitment.Status.PENDING),
        false=count(Commitment.Status.FALSE),
        dishonest=is_dishonest(subject),
    )


def current_text(kind: str):
    from yingshang.credit.models import CommitmentText

    return CommitmentText.objects.filter(kind=kind, active=True).order_by("-version").first()
