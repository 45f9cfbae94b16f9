"""The case lifecycle of DESIGN.md §5 as data."""

from yingshang.cases.models import Status as S
from yingshang.transitions import TransitionTable

OPEN = {S.DRAFT, S.SUBMITTED, S.AWAITING_CORRECTION, S.ACCEPTED, S.IN_REVIEW}

CASE = TransitionTable(
    "case",
    [
        ("submit", {S.DRAFT}, S.SUBMITTED),
        ("accept", {S.SUBMITTED}, S.ACCEPTED),
        ("accept_with_deficit", {S.SUBMITTED}, S.ACCEPTED),
        ("deem_accept", {S.SUBMITTED}, S.ACCEPTED),
        (
            "request_correction",
            {S.SUBMITTED},
            None,
        ),  # the first moves to awaiting_correction; a second waits for approval
        ("approve_correction", {S.SUBMITTED}, S.AWAITING_CORRECTION),
        ("resubmit", {S.AWAITING_CORRECTION}, S.SUBMITTED),
        ("reject_intake", {S.SUBMITTED}, S.CLOSED),
        ("start_review", {S.ACCEPTED}, S.IN_REVIEW),
        ("task_decide", {S.ACCEPTED, S.IN_REVIEW}, S.IN_REVIEW),
        ("add_opinion_task", {S.ACCEPTED, S.IN_REVIEW}, None),
        ("reassign_task", {S.ACCEPTED, S.IN_REVIEW}, None),
        ("special_procedure_start", {S.IN_REVIEW}, None),
        ("special_procedure_end", {S.IN_REVIEW}, None),
        ("decide", {S.ACCEPTED, S.IN_REVIEW}, S.DECIDED),
        ("deliver", {S.DECIDED}, S.DELIVERED),
        ("close", {S.DELIVERED}, S.CLOSED),
        ("withdraw", OPEN, S.CLOSED),
        ("terminate", {S.ACCEPTED, S.IN_REVIEW}, S.CLOSED),
        ("supply_documents", {S.SUBMITTED, S.AWAITING_CORRECTION, S.ACCEPTED, S.IN_REVIEW}, None),
        ("review_supplement", {S.ACCEPTED, S.IN_REVIEW}, None),
        ("verify", {S.ACCEPTED, S.IN_REVIEW, S.DECIDED, S.DELIVERED, S.CLOSED}, None),
        ("assign_assistant", OPEN, None),
        ("revoke_decision", {S.DECIDED, S.DELIVERED, S.CLOSED}, S.CLOSED),
    ],
    error_prefix="CASE",
)
