"""REST of the credit file under /api/v1/credit/: the dishonest list (list, add, remove) and the
commitments with their outcome, for the credit administrator (营商办 supervisors, admins) and,
read-only, leaders. ID numbers and mobiles are returned masked."""

import datetime as dt
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from yingshang.apiaccess.idempotency import idempotent
from yingshang.credit import selectors, services
from yingshang.credit.models import Commitment, CommitmentText, CreditSubject, DishonestListing
from yingshang.errors import PermissionDeniedError
from yingshang.org import scope
from yingshang.org.masking import mask_id_number, mask_phone
from yingshang.org.roles import Role
from yingshang.org.scope import grants

router = Router(tags=["credit"])

READERS = (Role.SUPERVISOR, Role.ADMIN, Role.LEADER)


def _check_reader(user) -> None:
    if not grants(user).has(*READERS):
        raise PermissionDeniedError("CREDIT_FORBIDDEN", _("无权查看失信名单和信用承诺"))


class SubjectOut(Schema):
    id: int
    kind: Literal["firm", "person"]
    name: str
    uscc: str = ""
    id_number: str = Field("", description="脱敏：前6位+后4位")
    mobile: str = Field("", description="脱敏：138****5678")


def subject_out(subject: CreditSubject) -> dict:
    if subject.firm_id:
        return {
            "id": subject.pk,
            "kind": "firm",
            "name": subject.firm.name,
            "uscc": subject.firm.uscc,
        }
    person = subject.person
    return {
        "id": subject.pk,
        "kind": "person",
        "name": person.display_name,
        "id_number": mask_id_number(person.id_number),
        "mobile": mask_phone(person.mobile),
    }


class ListingOut(Schema):
    id: int
    subject: SubjectOut
    reason: str
    listed_at: dt.datetime
    listed_by: str
    until: dt.date | None
    active: bool
    in_force: bool = Field(..., description="现在是否有效（未移出且未过有效期）")
    removed_at: dt.datetime | None
    removed_by: str
    removal_reason: str


def listing_out(listing: DishonestListing) -> dict:
    today = timezone.localdate()
    return {
        "id": listing.pk,
        "subject": subject_out(listing.subject),
        "reason": listing.reason,
        "listed_at": listing.listed_at,
        "listed_by": listing.listed_by.display_name if listing.listed_by_id else "",
        "until": listing.until,
        "active": listing.active,
        "in_force": listing.active and (listing.until is None or listing.until >= today),
        "removed_at": listing.delisted_at,
        "removed_by": listing.delisted_by.display_name if listing.delisted_by_id else "",
        "removal_reason": listing.delist_reason,
    }


class ListingIn(Schema):
    subject_kind: Literal["firm", "person"] = Field(..., description="firm 企业 / person 个人")
    identifier: str = Field(..., description="企业：统一社会信用代码；个人：身份证号码或手机号码")
    reason: str = Field(..., description="列入原因（必填）")
    until: dt.date | None = Field(None, description="有效期至（可不填：长期）")


class ReasonIn(Schema):
    reason: str = Field(..., description="移出原因（必填）")


@router.get("/listings", response=list[ListingOut], summary="失信名单（含已移出的记录）")
def listing_list(
    request, q: str = "", active: bool = False, limit: int = 100, offset: int = 0
) -> list[dict]:
    _check_reader(request.user)
    limit = max(1, min(limit, 500))
    qs = selectors.listings_for(request.user, q=q, active_only=active)
    return [listing_out(x) for x in qs[offset : offset + limit]]


@router.post("/listings", response={201: ListingOut}, summary="列入失信名单")
def listing_add(request, payload: ListingIn):
    def create():
        subject_of = selectors.find_subject_of(
            kind=payload.subject_kind, identifier=payload.identifier
        )
        listing = services.listing_add(
            actor=request.user,
            subject_of=subject_of,
            reason=payload.reason,
            until=payload.until,
        )
        return 201, listing_out(_load(listing.pk))

    services.check_credit_admin(request.user)
    return idempotent(request, "credit.listing_add", payload, create)


def _load(pk: int) -> DishonestListing:
    return DishonestListing.objects.select_related(
        "subject__firm", "subject__person", "listed_by", "delisted_by"
    ).get(pk=pk)


@router.post(
    "/listings/{listing_id}/remove",
    response=ListingOut,
    summary="移出失信名单（须写明原因，记录保留）",
)
def listing_remove(request, listing_id: int, payload: ReasonIn):
    services.check_credit_admin(request.user)
    listing = scope.get_for(request.user, DishonestListing, listing_id)
    services.listing_remove(actor=request.user, listing=listing, reason=payload.reason)
    return listing_out(_load(listing.pk))


class CommitmentOut(Schema):
    id: int
    subject: SubjectOut
    kind: str
    kind_label: str
    case_number: str
    items: list
    text_version: int
    signed_at: dt.datetime
    deadline: dt.datetime | None
    status: str
    status_label: str
    resolved_at: dt.datetime | None
    note: str


def commitment_out(c: Commitment) -> dict:
    return {
        "id": c.pk,
        "subject": subject_out(c.subject),
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "case_number": c.case.number if c.case_id else "",
        "items": c.items,
        "text_version": c.text_version,
        "signed_at": c.signed_at,
        "deadline": c.deadline,
        "status": c.status,
        "status_label": c.get_status_display(),
        "resolved_at": c.resolved_at,
        "note": c.note,
    }


@router.get("/commitments", response=list[CommitmentOut], summary="信用承诺及履行状态")
def commitment_list(
    request,
    kind: Literal["deficit", "certificate", ""] = "",
    status: Literal["pending", "kept", "broken", "false", ""] = "",
    limit: int = 100,
    offset: int = 0,
) -> list[dict]:
    _check_reader(request.user)
    limit = max(1, min(limit, 500))
    qs = selectors.commitments_for(request.user, kind=kind, status=status)
    return [commitment_out(c) for c in qs[offset : offset + limit]]


class ResolveIn(Schema):
    status: Literal["kept", "broken", "false"]
    note: str = ""


@router.post(
    "/commitments/{commitment_id}/resolve", response=CommitmentOut, summary="认定承诺履行情况"
)
def commitment_resolve(request, commitment_id: int, payload: ResolveIn):
    services.check_credit_admin(request.user)
    commitment = scope.get_for(request.user, Commitment, commitment_id)
    services.commitment_verify(
        actor=request.user, commitment=commitment, status=payload.status, note=payload.note
    )
    return commitment_out(
        Commitment.objects.select_related("subject__firm", "subject__person", "case").get(
            pk=commitment.pk
        )
    )


class TextOut(Schema):
    kind: str
    version: int
    body: str
    published_at: dt.datetime


@router.get("/texts", auth=None, response=list[TextOut], summary="当前使用的承诺书文本")
def text_list(request) -> list[dict]:
    services.ensure_texts()
    qs = scope.visible_to(request.user, CommitmentText).filter(active=True).order_by("kind")
    return [
        {"kind": t.kind, "version": t.version, "body": t.body, "published_at": t.created_at}
        for t in qs
    ]


# the full credit file (penalties, praise, repair, rules, public list)
from yingshang.credit.api_records import router as _records  # noqa: E402
from yingshang.credit.api_rules import router as _rules  # noqa: E402

router.add_router("", _records)
router.add_router("", _rules)
