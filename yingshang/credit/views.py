"""The credit file page: a subject's commitments (kept/broken) and dishonest listings, for the
applicant themself and for staff whose scope includes the subject."""

from django.shortcuts import render
from django.utils import timezone

from yingshang.cases.models import Case
from yingshang.credit import selectors
from yingshang.credit.models import CreditSubject
from yingshang.org import scope
from yingshang.workbench.access import login_required_view, staff_required


def _render(request, subject, base: str):
    if subject is None:
        return render(request, "credit/file.html", {"file": None, "base": base})
    file = selectors.credit_file(subject)
    today = timezone.localdate()
    for listing in file.listings:
        listing.abilities = scope.abilities(request.user, listing)
    own = base == "portal/base.html"
    return render(
        request,
        "credit/file.html",
        {"file": file, "base": base, "own": own, "today": today},
    )


@login_required_view
def mine(request):
    user = request.user
    subject = selectors.subject_for(user.firm if user.kind == "firm" and user.firm_id else user)
    return _render(request, subject, "portal/base.html")


@staff_required()
def subject_page(request, pk: int):
    subject = scope.get_for(request.user, CreditSubject, pk)
    return _render(request, subject, "workbench/base.html")


@staff_required()
def for_case(request, case_pk: int):
    """The credit file of a case's applicant (reached from the case page)."""
    case = scope.get_for(request.user, Case, case_pk)
    subject = selectors.subject_for(case.firm or case.applicant)
    if subject is not None:
        subject = scope.get_for(request.user, CreditSubject, subject.pk)
    return _render(request, subject, "workbench/base.html")
