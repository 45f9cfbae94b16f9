"""Time limits per category × urgency (LimitRule), with the defaults of DESIGN.md §6 used
when the table is empty (e.g. after a test flush)."""

from dataclasses import dataclass
from decimal import Decimal

DEFAULTS = [
    # purpose, category, urgency, amount, unit, same_day, note
    ("sign", "", "", 2, "working_hours", False, "签收：派单后2个工作小时内"),
    (
        "handle",
        "",
        "urgent",
        4,
        "working_hours",
        True,
        "紧急：当日答复（当日剩余不足1个工作小时则4个工作小时）",
    ),
    ("handle", "", "critical", 2, "working_hours", False, "特急：2个工作小时"),
    ("handle", "consult", "", 3, "working_days", False, "咨询：3个工作日"),
    ("handle", "help", "", 3, "working_days", False, "求助：3个工作日"),
    ("handle", "praise", "", 3, "working_days", False, "表扬：3个工作日"),
    ("handle", "complaint", "", 13, "working_days", False, "投诉：派单次日起13个工作日"),
    ("handle", "report", "", 13, "working_days", False, "举报：派单次日起13个工作日"),
    ("handle", "suggestion", "", 13, "working_days", False, "建议：派单次日起13个工作日"),
    ("callback", "", "", 1, "working_days", False, "回访：答复后1个工作日内"),
]


@dataclass(frozen=True)
class Limit:
    amount: Decimal
    unit: str
    same_day: bool = False


def _pick(rows, category: str, urgency: str):
    best, best_score = None, -1
    for _purpose, cat, urg, amount, unit, same_day in rows:
        if cat and cat != category:
            continue
        if urg and urg != urgency:
            continue
        score = (2 if urg else 0) + (
            1 if cat else 0
        )  # urgency beats category: an urgent complaint is same-day
        if score > best_score:
            best, best_score = Limit(Decimal(str(amount)), unit, same_day), score
    return best


def limit_for(purpose: str, category: str, urgency: str) -> Limit:
    from yingshang.hotline.models import LimitRule

    rows = list(
        LimitRule.objects.filter(purpose=purpose, is_active=True).values_list(
            "purpose", "category", "urgency", "amount", "unit", "same_day"
        )
    )
    found = _pick(rows, category, urgency) if rows else None
    if found is None:
        found = _pick(
            [(p, c, u, a, un, sd) for p, c, u, a, un, sd, _n in DEFAULTS if p == purpose],
            category,
            urgency,
        )
    return found


def ensure_defaults() -> int:
    """Seed the default rules if the table is empty (the data migration does it once; a flushed
    test database or a fresh demo needs it again). Returns the number of rules created."""
    from yingshang.hotline.models import KpiConfig, LimitRule

    KpiConfig.objects.get_or_create(pk=1)
    if LimitRule.objects.exists():
        return 0
    LimitRule.objects.bulk_create(
        [
            LimitRule(purpose=p, category=c, urgency=u, amount=a, unit=un, same_day=sd, note=n)
            for p, c, u, a, un, sd, n in DEFAULTS
        ]
    )
    return len(DEFAULTS)
