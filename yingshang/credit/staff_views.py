"""The credit administrator's pages (营商办 supervisors and admins; leaders read): the dishonest
list (失信名单) with adding and removing, a subject's history, the commitments and their
outcome, and the commitment texts. Every write goes through credit.services."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from yingshang.credit import selectors, services
from yingshang.credit.models import Commitment, CommitmentText, CreditSubject, DishonestListing
from yingshang.errors import DomainError, InvalidInput
from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.workbench.access import staff_required

READERS = (Role.SUPERVISOR, Role.ADMIN, Role.LEADER)
ADMINS = services.CREDIT_ADMIN_ROLES


def _page(request, qs, per_page: int = 30):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def parse_until(raw: str):
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("CREDIT_UNTIL_INVALID", _("有效期格式应为 年-月-日")) from None


@staff_required(*READERS)
def listing_list(request):
    q = request.GET.get("q", "").strip()
    active_only = request.GET.get("active") == "1"
    page = _page(request, selectors.listings_for(request.user, q=q, active_only=active_only))
    for listing in page:
        listing.abilities = scope.abilities(request.user, listing)
    query = urlencode({k: v for k, v in (("q", q), ("active", "1" if active_only else "")) if v})
    return render(
        request,
        "credit/staff/listings.html",
        {
            "page": page,
            "q": q,
            "active_only": active_only,
            "query": query,
            "can_add": services.is_credit_admin(request.user),
        },
    )


@staff_required(*ADMINS)
def listing_add(request):
    values = {"kind": "firm", "identifier": "", "reason": "", "until": ""}
    error = None
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        try:
            subject_of = selectors.find_subject_of(
                kind=values["kind"], identifier=values["identifier"]
            )
            listing = services.listing_add(
                actor=request.user,
                subject_of=subject_of,
                reason=values["reason"],
                until=parse_until(values["until"]),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("已将%(name)s列入失信名单") % {"name": listing.subject.display_name},
            )
            return redirect("credit:subject_history", pk=listing.subject_id)
    return render(
        request,
        "credit/staff/listing_add.html",
        {"values": values, "error": error},
        status=error.status if error else 200,
    )


@staff_required(*ADMINS)
def listing_remove(request, pk: int):
    listing = scope.get_for(
        request.user,
        DishonestListing,
        pk,
        queryset=DishonestListing.objects.select_related("subject__firm", "subject__person"),
    )
    error = None
    reason = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()
        try:
            services.listing_remove(actor=request.user, listing=listing, reason=reason)
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("已将%(name)s移出失信名单") % {"name": listing.subject.display_name},
            )
            return redirect("credit:subject_history", pk=listing.subject_id)
    return render(
        request,
        "credit/staff/listing_remove.html",
        {"listing": listing, "reason": reason, "error": error},
        status=error.status if error else 200,
    )


@staff_required(*READERS)
def subject_history(request, pk: int):
    subject = scope.get_for(
        request.user,
        CreditSubject,
        pk,
        queryset=CreditSubject.objects.select_related("firm", "person"),
    )
    listings = list(
        scope.visible_to(request.user, DishonestListing)
        .filter(subject=subject)
        .select_related("listed_by", "delisted_by")
        .order_by("-listed_at", "-pk")
    )
    for listing in listings:
        listing.abilities = scope.abilities(request.user, listing)
    return render(
        request,
        "credit/staff/subject_history.html",
        {
            "subject": subject,
            "listings": listings,
            "dishonest": selectors.is_dishonest(subject),
            "events": selectors.subject_history(subject),
            "hidden": set(),
        },
    )


@staff_required(*READERS)
def commitment_list(request):
    kind = request.GET.get("kind", Commitment.Kind.CERTIFICATE)
    status = request.GET.get("status", "")
    page = _page(request, selectors.commitments_for(request.user, kind=kind, status=status))
    for c in page:
        c.abilities = scope.abilities(request.user, c)
    return render(
        request,
        "credit/staff/commitments.html",
        {
            "page": page,
            "kind": kind,
            "status": status,
            "kinds": Commitment.Kind.choices,
            "statuses": Commitment.Status.choices,
            "query": urlencode({"kind": kind, "status": status}),
        },
    )


@staff_required(*ADMINS)
def commitment_resolve(request, pk: int):
    commitment = scope.get_for(
        request.user,
        Commitment,
        pk,
        queryset=Commitment.objects.select_related("subject__firm", "subject__person", "case"),
    )
    choices = [
        (value, label)
        for value, label in Commitment.Status.choices
        if value in services.RESOLVABLE.get(commitment.kind, ())
    ]
    values = {"status": "", "note": ""}
    error = None
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        try:
            services.commitment_verify(
                actor=request.user,
                commitment=commitment,
                status=values["status"],
                note=values["note"],
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("已记录承诺认定结果"))
            return redirect("credit:commitments")
    return render(
        request,
        "credit/staff/commitment_resolve.html",
        {
            "c": commitment,
            "abilities": scope.abilities(request.user, commitment),
            "choices": choices,
            "pending_checks": commitment.verifications.filter(status="pending").count(),
            "values": values,
            "error": error,
        },
        status=error.status if error else 200,
    )


@staff_required(*READERS)
def texts(request):
    services.ensure_texts()
    can_publish = services.is_credit_admin(request.user)
    error = None
    drafts = {}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        drafts[kind] = request.POST.get("body", "")
        try:
            text = services.text_publish(actor=request.user, kind=kind, body=drafts[kind])
        except DomainError as exc:
            error = (kind, exc)
        else:
            messages.success(
                request,
                _("已发布%(kind)s第%(version)s版，此后签署的承诺使用新版本")
                % {"kind": text.get_kind_display(), "version": text.version},
            )
            return redirect("credit:texts")
    kinds = []
    visible = scope.visible_to(request.user, CommitmentText)
    for value, label in CommitmentText.Kind.choices:
        versions = list(visible.filter(kind=value).order_by("-version"))
        current = next((t for t in versions if t.active), None)
        kinds.append(
            {
                "kind": value,
                "label": label,
                "current": current,
                "versions": versions,
                "draft": drafts.get(value, current.body if current else ""),
                "error": error[1] if error and error[0] == value else None,
            }
        )
    return render(
        request,
        "credit/staff/texts.html",
        {"kinds": kinds, "can_publish": can_publish},
        status=error[1].status if error else 200,
    )
