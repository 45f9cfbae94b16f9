"""Every transition refused in the wrong state (409), for the wrong role (403) and for another
unit's staff (404), with no audit event written."""

import pytest
from django.http import Http404

from yingshang.audit.models import AuditEvent
from yingshang.cases import services
from yingshang.cases.models import Case
from yingshang.cases.tests.conftest import all_files, form_for, pdf
from yingshang.errors import DomainError, PermissionDeniedError

pytestmark = pytest.mark.django_db


def _case(personas, cat, state):
    case = services.case_submit(
        actor=personas.applicant,
        matter=cat.matter,
        form_data=form_for(personas.applicant),
        files=all_files(),
        channel="online",
    )
    if state in ("accepted", "in_review", "decided", "delivered"):
        case = services.case_accept(actor=personas.clerk, case=case)
    if state in ("in_review", "decided", "delivered"):
        case = services.case_start_review(actor=personas.handler_a, case=case)
    if state in ("decided", "delivered"):
        case = services.case_decide(actor=personas.handler_a, case=case, decision="approved")
    if state == "delivered":
        case = services.case_deliver(actor=personas.clerk, case=case, method="window_pickup")
    return case


CALLS = {
    "accept": lambda a, c: services.case_accept(actor=a, case=c),
    "accept_with_deficit": lambda a, c: services.case_accept_with_deficit(actor=a, case=c),
    "request_correction": lambda a, c: services.case_request_correction(
        actor=a, case=c, items=["x"]
    ),
    "reject_intake": lambda a, c: services.case_reject_intake(actor=a, case=c, reason="理由"),
    "resubmit": lambda a, c: services.case_resubmit(actor=a, case=c),
    "start_review": lambda a, c: services.case_start_review(actor=a, case=c),
    "decide": lambda a, c: services.case_decide(actor=a, case=c, decision="approved"),
    "deliver": lambda a, c: services.case_deliver(actor=a, case=c, method="window_pickup"),
    "close": lambda a, c: services.case_close(actor=a, case=c),
    "withdraw": lambda a, c: services.case_withdraw(actor=a, case=c),
    "terminate": lambda a, c: services.case_terminate(actor=a, case=c, reason="理由"),
    "supply_documents": lambda a, c: services.case_supply_documents(
        actor=a, case=c, files={"id_card": [pdf()]}
    ),
}

WRONG_STATE = [  # (action, actor allowed by role, a state where the move is not allowed)
    ("accept", "clerk", "accepted"),
    ("accept_with_deficit", "clerk", "in_review"),
    ("request_correction", "clerk", "accepted"),
    ("reject_intake", "clerk", "decided"),
    ("resubmit", "applicant", "submitted"),
    ("start_review", "handler_a", "submitted"),
    ("decide", "handler_a", "submitted"),
    ("deliver", "clerk", "in_review"),
    ("close", "clerk", "decided"),
    ("withdraw", "applicant", "decided"),
    ("terminate", "clerk", "delivered"),
    ("supply_documents", "applicant", "delivered"),
]
WRONG_ROLE = [  # (action, actor who sees the case but may not do this, a state where the move is allowed)
    ("accept", "applicant", "submitted"),
    ("request_correction", "handler_a", "submitted"),
    ("reject_intake", "applicant", "submitted"),
    ("start_review", "clerk", "accepted"),
    ("decide", "applicant", "in_review"),
    ("deliver", "applicant", "decided"),
    ("close", "applicant", "delivered"),
    ("withdraw", "handler_a", "in_review"),
    ("terminate", "applicant", "in_review"),
    ("supply_documents", "handler_a", "accepted"),
]
WRONG_UNIT = ["start_review", "decide", "terminate", "deliver"]  # handler_b of another unit


def _count():
    return AuditEvent.objects.filter(object_type="cases.case").count()


@pytest.mark.parametrize(("action", "who", "state"), WRONG_STATE)
def test_transition_in_the_wrong_state_is_refused(personas, cat, action, who, state):
    case = _case(personas, cat, state)
    before = _count()
    with pytest.raises(DomainError) as exc:
        CALLS[action](personas.by_role(who), case)
    assert exc.value.status == 409 and exc.value.code == f"CASE_{action.upper()}_NOT_ALLOWED"
    assert Case.objects.get(pk=case.pk).status == state and _count() == before


@pytest.mark.parametrize(("action", "who", "state"), WRONG_ROLE)
def test_transition_by_the_wrong_role_is_refused(personas, cat, action, who, state):
    case = _case(personas, cat, state)
    before = _count()
    with pytest.raises(PermissionDeniedError) as exc:
        CALLS[action](personas.by_role(who), case)
    assert exc.value.status == 403
    assert Case.objects.get(pk=case.pk).status == state and _count() == before


@pytest.mark.parametrize("action", WRONG_UNIT)
def test_transition_by_another_units_staff_is_404(personas, cat, action):
    case = _case(personas, cat, "in_review" if action != "deliver" else "decided")
    before = _count()
    with pytest.raises(Http404):
        CALLS[action](personas.handler_b, case)
    assert _count() == before
