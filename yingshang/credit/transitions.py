"""The credit file's state tables, as data."""

from yingshang.transitions import TransitionTable

# 信用修复 applications
SUBMITTED, RETURNED, ACCEPTED, REFUSED, WITHDRAWN = (
    "submitted",
    "returned",
    "accepted",
    "refused",
    "withdrawn",
)
REPAIR = TransitionTable(
    "credit.repairapplication",
    [
        ("return", {SUBMITTED}, RETURNED),
        ("resubmit", {RETURNED}, SUBMITTED),
        ("accept", {SUBMITTED}, ACCEPTED),
        ("refuse", {SUBMITTED}, REFUSED),
        ("withdraw", {SUBMITTED, RETURNED}, WITHDRAWN),
    ],
    error_prefix="REPAIR",
)

# 失信名单 entries: prior notice, objection, listing, removal, repair
NOTICED, OBJECTED, LISTED, CANCELLED, REMOVED, REPAIRED = (
    "noticed",
    "objected",
    "listed",
    "cancelled",
    "removed",
    "repaired",
)
LISTING = TransitionTable(
    "credit.dishonestlisting",
    [
        ("object", {NOTICED}, OBJECTED),
        ("uphold_objection", {OBJECTED}, CANCELLED),
        ("reject_objection", {OBJECTED}, LISTED),
        ("confirm", {NOTICED}, LISTED),
        ("remove", {LISTED}, REMOVED),
    ],
    error_prefix="LISTING",
)
