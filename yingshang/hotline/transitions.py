"""The work-order state table of DESIGN.md §6, as data."""

from yingshang.transitions import TransitionTable

REG = "registered"
SIGN = "awaiting_sign"
PROG = "in_progress"
REVIEW = "awaiting_review"
CALLBACK = "awaiting_callback"
CLOSED = "closed"
OPEN = {REG, SIGN, PROG, REVIEW, CALLBACK}

ORDER = TransitionTable(
    "hotline.workorder",
    [
        ("answer_directly", {REG}, CLOSED),
        ("dispatch", {REG}, SIGN),
        ("sign", {SIGN}, PROG),
        ("return", {SIGN}, REG),
        ("reassign", {SIGN, PROG}, SIGN),  # 改派 (services/reassign.py)
        ("rule_return", OPEN | {CLOSED}, None),
        ("ask_extension", {PROG}, None),
        ("decide_extension", {PROG, REVIEW}, None),
        ("reply", {PROG}, REVIEW),
        ("approve_reply", {REVIEW}, CALLBACK),
        ("send_back", {REVIEW}, PROG),
        ("callback", {CALLBACK}, None),
        ("redo", {CALLBACK}, PROG),
        ("close", {CALLBACK}, CLOSED),
        ("merge", {REG, SIGN, PROG}, CLOSED),
        ("reclassify", OPEN, None),
        ("supervise", OPEN, None),
        ("urge", OPEN, None),
    ],
    error_prefix="HOTLINE",
)
