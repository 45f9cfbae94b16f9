"""The arrears record's moves, as data (yingshang/transitions.py)."""

from yingshang.arrears.models import Arrears
from yingshang.transitions import TransitionTable

S = Arrears.Status
REPORTED, CONFIRMED, REPAYING, CLEARED = S.REPORTED, S.CONFIRMED, S.REPAYING, S.CLEARED
REJECTED, VOIDED = S.REJECTED, S.VOIDED
OPEN = frozenset({REPORTED, CONFIRMED, REPAYING})
PAYABLE = frozenset({CONFIRMED, REPAYING})

arrears_table = TransitionTable(
    "arrears",
    [
        # the 清欠办 verifies with the debtor: undisputed and disputed parts
        ("verify", {REPORTED}, CONFIRMED),
        ("reject", {REPORTED}, REJECTED),
        # a payment leaves it repaying, or cleared when nothing is left (services decide which)
        ("pay", PAYABLE, REPAYING),
        # a payment entered wrongly is voided: back to repaying/confirmed (services decide)
        ("void_payment", PAYABLE | {CLEARED}, None),
        ("plan", PAYABLE, None),
        ("settle_dispute", PAYABLE, None),
        ("attach", OPEN, None),
        ("void", OPEN, VOIDED),
    ],
    error_prefix="ARREARS",
)
