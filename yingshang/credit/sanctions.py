"""联合惩戒: which credit records block which benefits, checked in one place (DESIGN.md §11,
cn_rules §9). Every module that grants a benefit asks `refusal(subject_of, benefit)` before
granting it and shows the message it returns. The table is `SanctionRule` (data the credit
administrator switches on and off with a legal basis; seeded by a data migration); a record
stops blocking when it ends, is removed or is repaired (信用修复)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# the benefits a credit record can block; modules pass these codes
BENEFITS = {
    "deficit": gettext_lazy("容缺受理"),
    "certificate": gettext_lazy("告知承诺制审批"),
    "policy_benefit": gettext_lazy("政策兑现"),
    "award": gettext_lazy("评优评先"),
    "inspection_relief": gettext_lazy("降低抽查比例"),
}


def _exists(subject, kind: str) -> bool:
    """Whether `subject` has a record of `kind` in force now."""
    from yingshang.credit import selectors
    from yingshang.credit.models import Commitment, Penalty

    today = timezone.localdate()
    if kind == "listing":
        return selectors.active_listings(subject).exists()
    if kind == "false_commitment":
        return Commitment.objects.filter(subject=subject, status=Commitment.Status.FALSE).exists()
    if kind == "broken_commitment":
        return Commitment.objects.filter(subject=subject, status=Commitment.Status.BROKEN).exists()
    penalties = Penalty.objects.filter(
        subject=subject, status=Penalty.Status.PUBLIC, public_until__gt=today
    )
    if kind == "serious_penalty":
        return penalties.filter(severity="serious").exists()
    if kind == "penalty":
        return penalties.exists()
    return False


def blocking_kinds(subject_of, benefit: str) -> list[str]:
    """The record kinds (SanctionRule.RecordKind) that block `benefit` for the subject now."""
    from yingshang.credit import selectors
    from yingshang.credit.defaults import ensure_defaults
    from yingshang.credit.models import SanctionRule

    if benefit not in BENEFITS:
        raise ValueError(f"unknown benefit {benefit!r}")
    subject = selectors.subject_for(subject_of)
    if subject is None:
        return []
    rules = SanctionRule.objects.filter(benefit=benefit)
    if not rules.exists():  # a flushed database (test flush): the seeded table is back
        ensure_defaults()
    kinds = list(rules.filter(active=True).values_list("record_kind", flat=True).order_by("pk"))
    return [k for k in kinds if _exists(subject, k)]


def blocked_benefits(subject_of, known: dict[str, bool] | None = None) -> list[str]:
    """Every benefit blocked for the subject now (the firm page's 受限事项): the rule table read
    once and each record kind checked once, instead of `blocked` per benefit. `known` gives
    record kinds the caller has already counted (kind → in force), which are not asked again."""
    from yingshang.credit import selectors
    from yingshang.credit.defaults import ensure_defaults
    from yingshang.credit.models import SanctionRule

    subject = selectors.subject_for(subject_of)
    if subject is None:
        return []
    rules = list(SanctionRule.objects.filter(active=True).values_list("benefit", "record_kind"))
    if not rules and not SanctionRule.objects.exists():  # a flushed database (test flush)
        ensure_defaults()
        rules = list(SanctionRule.objects.filter(active=True).values_list("benefit", "record_kind"))
    known = known or {}
    in_force = {
        kind: known[kind] if kind in known else _exists(subject, kind)
        for kind in {kind for _b, kind in rules}
    }
    hit = {benefit for benefit, kind in rules if in_force[kind]}
    return [code for code in BENEFITS if code in hit]


def refusal(subject_of, benefit: str) -> str | None:
    """The reason `subject_of` (a Firm, a person account or a CreditSubject) may not have
    `benefit` now, or None when nothing blocks it."""
    from yingshang.credit.models import SanctionRule

    kinds = blocking_kinds(subject_of, benefit)
    if not kinds:
        return None
    labels = "、".join(str(SanctionRule.RecordKind(k).label) for k in kinds)
    return _("该主体在失信惩戒期内（%(records)s），不能享受%(benefit)s；信用修复后恢复。") % {
        "records": labels,
        "benefit": BENEFITS[benefit],
    }


def blocked(subject_of, benefit: str) -> bool:
    return refusal(subject_of, benefit) is not None


__all__ = ["BENEFITS", "blocked", "blocked_benefits", "blocking_kinds", "refusal"]
