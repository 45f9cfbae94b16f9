"""The moves of the assessment's records, as data."""

from yingshang.transitions import TransitionTable

SCHEME = TransitionTable(
    "scheme",
    [("activate", {"draft"}, "active"), ("retire", {"active"}, "retired")],
    error_prefix="ASSESSMENT_SCHEME",
)
SNAPSHOT = TransitionTable(
    "snapshot",
    [("publish", {"draft"}, "published"), ("discard", {"draft"}, "discarded")],
    error_prefix="ASSESSMENT_SNAPSHOT",
)
LISTING = TransitionTable(
    "listing", [("followup", {"pending"}, "held")], error_prefix="ASSESSMENT_LISTING"
)
ADJUSTMENT = TransitionTable(
    "adjustment", [("void", {"active"}, "voided")], error_prefix="ASSESSMENT_ADJUSTMENT"
)
VISIT = TransitionTable(
    "visit",
    [("conduct", {"planned"}, "conducted"), ("cancel", {"planned"}, "cancelled")],
    error_prefix="ASSESSMENT_VISIT",
)
FINDING = TransitionTable(
    "finding",
    [("confirm", {"recorded"}, "confirmed"), ("void", {"recorded", "confirmed"}, "voided")],
    error_prefix="ASSESSMENT_FINDING",
)
EXPOSURE = TransitionTable(
    "exposure",
    [
        ("submit", {"draft"}, "review"),
        ("approve", {"review"}, "published"),
        ("send_back", {"review"}, "draft"),
        ("withdraw", {"draft", "review", "published"}, "withdrawn"),
    ],
    error_prefix="ASSESSMENT_EXPOSURE",
)
