"""Publicity periods (公示期限) of penalties, from the rules table (cn_rules §9): the period
starts on the decision date; a decision with several penalty types takes the longest minimum
and the longest maximum; repair may be asked from the end of the minimum; publication stops
automatically at the maximum (`expire`, the nightly job)."""

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang.errors import InvalidInput


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months; the 31st plus one month is the last day of a shorter month."""
    return day + relativedelta(months=months)


@dataclass(frozen=True)
class Period:
    min_months: int
    max_months: int
    repair_from: dt.date  # first day a repair application is accepted
    public_until: dt.date  # first day the record is no longer public
    rules: tuple[str, ...]  # the rule codes that gave the period


def rules_by_code() -> dict:
    from yingshang.credit.defaults import ensure_defaults
    from yingshang.credit.models import PublicityRule

    rules = {r.code: r for r in PublicityRule.objects.filter(active=True)}
    if not rules:  # a flushed database (the data migration's rows gone): put them back
        ensure_defaults()
        rules = {r.code: r for r in PublicityRule.objects.filter(active=True)}
    return rules


def period_for(types: list[str], start: dt.date, rules: dict | None = None) -> Period:
    rules = rules if rules is not None else rules_by_code()
    codes = list(dict.fromkeys(t for t in types or [] if t))
    if not codes:
        raise InvalidInput("PENALTY_TYPES_REQUIRED", _("请至少选择一种处罚类型"))
    unknown = [c for c in codes if c not in rules]
    if unknown:
        raise InvalidInput(
            "PENALTY_TYPE_INVALID",
            _("处罚类型无效或已停用：%(codes)s") % {"codes": "、".join(unknown)},
            details={"field": "types"},
        )
    lo = max(rules[c].min_months for c in codes)
    hi = max(rules[c].max_months for c in codes)
    return Period(lo, hi, add_months(start, lo), add_months(start, hi), tuple(codes))


def listing_period(start: dt.date) -> Period:
    from yingshang.credit.defaults import LISTING_RULE

    return period_for([LISTING_RULE], start)


def expire(today: dt.date | None = None, *, actor=None) -> int:
    """Stop publishing every penalty whose maximum period has passed: one set-based UPDATE
    (index penalty_status_until), then one audit event with the count. Returns the count."""
    from yingshang import audit, workflow
    from yingshang.credit.models import Penalty

    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        n = Penalty.objects.filter(status=Penalty.Status.PUBLIC, public_until__lte=today).update(
            status=Penalty.Status.ENDED, ended_at=now
        )
        if n:
            audit.record(
                actor=None if actor is None or workflow.is_system(actor) else actor,
                action="credit.publicity_expire",
                object_type="credit.publicity",
                object_id=today.isoformat(),
                after={"count": n, "date": today.isoformat()},
                reason=_("公示期满自动停止公示"),
            )
    return n
