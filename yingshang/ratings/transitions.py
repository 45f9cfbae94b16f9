"""The 差评 rectification loop as data: 核实 → 整改 → 反馈 → 复核 (cn_rules.md §1)."""

from yingshang.ratings.models import Rectification
from yingshang.transitions import TransitionTable

S = Rectification.Status
OPEN = {S.VERIFYING, S.RECTIFYING, S.REVIEWING}

RECTIFICATION = TransitionTable(
    "rectification",
    [
        ("verify", {S.VERIFYING}, S.RECTIFYING),
        ("reply", {S.RECTIFYING}, S.REVIEWING),
        ("callback", {S.RECTIFYING, S.REVIEWING}, None),
        ("close", {S.REVIEWING}, S.CLOSED),
        ("send_back", {S.REVIEWING}, S.RECTIFYING),
        ("cancel", OPEN, S.CANCELLED),
    ],
    error_prefix="RECTIFICATION",
)
