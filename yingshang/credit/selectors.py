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
    penalties: list = None
    praises: list = None
    repairs: list = None
    blocks: dict = None  # benefit label → refusal message (联合惩戒 in force)


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
        penalties=list(subject.penalties.select_related("unit").order_by("-decided_on", "-pk")),
        praises=list(subject.praises.select_related("unit").order_by("-decided_on", "-pk")),
        repairs=list(
            subject.repair_applications.select_related("penalty", "listing").order_by("-pk")
        ),
        blocks=blocks_of(subject),
    )


def blocks_of(subject) -> dict:
    from yingshang.credit import sanctions

    out = {}
    for code, label in sanctions.BENEFITS.items():
        message = sanctions.refusal(subject, code)
        if message:
            out[str(label)] = message
    return out


def current_text(kind: str):
    from yingshang.credit.models import CommitmentText

    return CommitmentText.objects.filter(kind=kind, active=True).order_by("-version").first()


# --- the maintenance pages of the credit administrator ----------------------------------------
SUBJECT_KINDS = ("firm", "person")


def find_subject_of(*, kind: str, identifier: str):
    """The firm (by USCC) or the person (by ID number or mobile) a listing is about. Only
    registered firms and applicant accounts have a credit file; staff accounts never do."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from yingshang.enterprises.models import Firm
    from yingshang.errors import DomainError, InvalidInput
    from yingshang.org import identifiers
    from yingshang.org.models import User

    identifier = (identifier or "").strip()
    if kind not in SUBJECT_KINDS:
        raise InvalidInput("CREDIT_SUBJECT_KIND_INVALID", _("请选择主体类型：企业或个人"))
    if not identifier:
        raise InvalidInput(
            "CREDIT_SUBJECT_REQUIRED", _("请填写统一社会信用代码、身份证号码或手机号码")
        )
    if kind == "firm":
        # USCC_INVALID, the code every form and API uses for a wrong USCC
        code = identifiers.require_uscc(identifier, field="identifier")
        firm = Firm.objects.filter(uscc=code).first()
        if firm is None:
            raise DomainError(
                "CREDIT_SUBJECT_NOT_FOUND",
                _("未找到统一社会信用代码为%(code)s的企业，请先在企业库中登记") % {"code": code},
                status=404,
            )
        return firm
    if identifiers.is_mobile(identifier):
        lookup = {"mobile": identifiers.normalize_mobile(identifier)}
    else:
        code = identifiers.normalize_id_number(identifier)
        try:
            identifiers.validate_id_number(code)
        except ValidationError as exc:
            raise InvalidInput("CREDIT_ID_NUMBER_INVALID", " ".join(exc.messages)) from None
        lookup = {"id_number": code}
    person = User.objects.filter(kind=User.Kind.PERSON, **lookup).first()
    if person is None:
        raise DomainError(
            "CREDIT_SUBJECT_NOT_FOUND",
            _("未找到该身份证号码或手机号码对应的个人用户"),
            status=404,
        )
    return person


def listings_for(user, *, q: str = "", active_only: bool = False):
    """The dishonest list as `user` may see it, newest first; `q` matches a firm or person name,
    a USCC, or an exact ID number/mobile (the full number is never shown, only matched)."""
    from yingshang.org import scope

    qs = scope.visible_to(user, DishonestListing).select_related(
        "subject__firm", "subject__person", "listed_by", "delisted_by"
    )
    q = (q or "").strip()
    if q:
        from yingshang.org import identifiers

        # codes are stored normalised (org.identifiers): match them however they were typed
        code = identifiers.normalize(q)
        qs = qs.filter(
            Q(subject__firm__name__icontains=q)
            | Q(subject__firm__uscc=code)
            | Q(subject__person__real_name__icontains=q)
            | Q(subject__person__id_number=code)
            | Q(subject__person__mobile=identifiers.normalize_mobile(q))
        )
    if active_only:
        qs = qs.filter(active=True).filter(
            Q(until__isnull=True) | Q(until__gte=timezone.localdate())
        )
    return qs.order_by("-listed_at", "-pk")


def commitments_for(user, *, kind: str = "", status: str = ""):
    from yingshang.org import scope

    qs = scope.visible_to(user, Commitment).select_related(
        "subject__firm", "subject__person", "case"
    )
    if kind in Commitment.Kind.values:
        qs = qs.filter(kind=kind)
    if status in Commitment.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-signed_at", "-pk")


def subject_history(subject: CreditSubject):
    """Every audit event of the subject's listings and commitments, oldest first: the subject's
    timeline (the events are recorded on the listing/commitment rows themselves). The caller has
    fetched `subject` through its scope."""
    from yingshang.audit.models import AuditEvent

    listing_ids = [str(pk) for pk in subject.listings.values_list("pk", flat=True)]
    commitment_ids = [str(pk) for pk in subject.commitments.values_list("pk", flat=True)]
    return (
        AuditEvent.objects.filter(
            Q(object_type="credit.dishonestlisting", object_id__in=listing_ids)
            | Q(object_type="credit.commitment", object_id__in=commitment_ids)
        )
        .select_related("unit")
        .order_by("seq")
    )


def text_versions(kind: str):
    from yingshang.credit.models import CommitmentText

    return CommitmentText.objects.filter(kind=kind).order_by("-version")
