"""免申即享: the firms an item's rule entitles, from what Yingshang already knows about them, so
the review unit can pay without an application. The rule is compiled to one filter on the firm
table (policies.rules), so the list is one query however many firms the county has; each match
carries the facts the rule read."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.enterprises.models import Firm
from yingshang.errors import DomainError
from yingshang.policies import rules
from yingshang.policies import transitions as t
from yingshang.policies.models import Application, PolicyItem
from yingshang.policies.services import common, delivery
from yingshang.workcal import clocks, periods

# the Firm columns behind each fact, read for the matches (the "data behind each match")
_COLUMNS = {
    "size": "size",
    "declared_size": "declared_size",
    "industry": "industry_code",
    "region": "region_code",
    "firm_type": "firm_type",
    "established_on": "established_on",
    "age_years": "established_on",
    "dishonest": None,
    "cases": "_r_cases",
}


@dataclass
class Match:
    firm_id: int
    uscc: str
    name: str
    facts: dict  # fact name → value
    shown: dict = field(default_factory=dict)  # fact label → value as people read it
    blocked: str = ""  # 联合惩戒 reason: listed, but not payable
    granted: str = ""  # number of an application that already covers the firm


def entitled_firms(rule: str, *, on: dt.date | None = None, queryset=None):
    """Firms the rule entitles on `on`, annotated with the computed facts it reads."""
    on = on or periods.today()
    tree = rules.parse(rule, field="rule")
    used = rules.facts_used(tree)
    qs = Firm.objects.all() if queryset is None else queryset
    notes = rules.annotations(used, on)
    if notes:
        qs = qs.annotate(**notes)
    return qs.filter(rules.to_q(tree, on)), used


def matches(
    item: PolicyItem, *, on: dt.date | None = None, limit: int | None = None
) -> tuple[int, list[Match]]:
    """(how many firms the item's rule entitles, the first `limit` of them with their facts)."""
    on = on or periods.today()
    qs, used = entitled_firms(item.rule, on=on)
    columns = sorted({c for f in used if (c := _COLUMNS[f])} | {"pk", "uscc", "name"})
    if "dishonest" in used:
        columns += ["_r_listed", "_r_false"]
    total = qs.count()
    rows = list(qs.order_by("pk").values(*columns)[: limit if limit is not None else None])
    covered = dict(
        Application.objects.filter(
            item=item, firm_id__in=[r["pk"] for r in rows], status__in=sorted(t.LIVE)
        ).values_list("firm_id", "number")
    )
    blocked = _blocked_ids([r["pk"] for r in rows], on)
    out = []
    for r in rows:
        facts = {}
        for name in used:
            if name == "industry":
                facts[name] = (r["industry_code"] or "")[:1] or None
            elif name == "age_years":
                facts[name] = rules.age(r["established_on"], on)
            elif name == "dishonest":
                facts[name] = bool(r["_r_listed"] or r["_r_false"])
            else:
                facts[name] = r[_COLUMNS[name]] if r[_COLUMNS[name]] not in ("",) else None
        out.append(
            Match(
                firm_id=r["pk"],
                uscc=r["uscc"],
                name=r["name"],
                facts=facts,
                shown={rules.FACTS[k].label: rules.show(k, v) for k, v in facts.items()},
                blocked=_("失信惩戒中，不能享受政策兑现") if r["pk"] in blocked else "",
                granted=covered.get(r["pk"], ""),
            )
        )
    return total, out


def _blocked_ids(firm_ids: list[int], on: dt.date) -> set[int]:
    """Of these firms, those 联合惩戒 blocks (the sanctions rule, read in one query)."""
    if not firm_ids:
        return set()
    qs = Firm.objects.filter(pk__in=firm_ids).annotate(**rules.annotations(["dishonest"], on))
    q = rules.to_q(rules.Cmp("dishonest", "=", True, "dishonest"), on)
    return set(qs.filter(q).values_list("pk", flat=True))


def grant(*, actor, item: PolicyItem, firm_id: int, reason: str = "") -> Application:
    """The review unit grants the item to a firm its rule entitles, without an application:
    approved at once (the payment clock starts), with the rule and facts behind the match."""
    workflow.require_actor(actor)
    pk = common.db_id(firm_id)
    firm = Firm.objects.filter(pk=pk).first() if pk is not None else None
    if firm is None:
        raise common.bad("POLICY_FIRM_UNKNOWN", "firm", _("找不到该企业"))
    today = periods.today()
    with transaction.atomic():
        item = workflow.lock(actor, item, action="grant")
        item = PolicyItem.objects.select_related("policy").get(pk=item.pk)
        if item.policy.status != t.PUBLISHED:
            raise DomainError("POLICY_ITEM_CLOSED", _("所属政策未发布"))
        checked = delivery.eligibility(item, firm, on=today)
        if checked["unmet"]:
            raise common.bad(
                "POLICY_NOT_ELIGIBLE",
                "rule",
                _("该企业不符合条件：%(c)s") % {"c": "；".join(checked["unmet"])},
                unmet=checked["unmet"],
            )
        delivery._check_blocked(firm)
        if item.rate is not None:
            raise common.bad(
                "POLICY_PROACTIVE_NEEDS_AMOUNT",
                "amount",
                _("按申报基数计算金额的事项需要企业申报基数，不能免申即享"),
            )
        amount = item.amount
        assert amount is not None
        delivery._check_budget(item, amount, "amount")
        if Application.objects.filter(item=item, firm=firm, status__in=sorted(t.LIVE)).exists():
            raise DomainError(
                "POLICY_ALREADY_APPLIED",
                _("该企业已有该事项的申请或兑现记录"),
                details={"field": "firm"},
            )
        now = timezone.now()
        application = Application.objects.create(
            number=delivery._number(now),
            item=item,
            firm=firm,
            applicant=None,
            channel=Application.Channel.PROACTIVE,
            requested=amount,
            approved_amount=amount,
            status=t.APPROVED,
            note=common.text(reason, "reason", required=False, max_length=2000),
            eligibility=checked,
            submitted_at=now,
            decided_at=now,
        )
        clock = clocks.clock_start(
            owner=application,
            purpose="payment",
            amount=item.pay_days,
            unit="working_days",
            started_at=now,
        )
        application.mirror(clock)
        application.save(update_fields=["due_at", "clock_state"])
        workflow.record(
            actor,
            "policy.grant",
            application,
            after={
                "status": t.APPROVED,
                "approved_amount": str(amount),
                "rule": item.rule,
                "facts": checked["facts"],
            },
            reason=reason,
        )
        delivery._tell_firm(
            application,
            _(
                "免申即享：贵企业符合“%(i)s”条件，无需申请，核定金额 %(a)s 元，将在 %(d)s 个工作日内拨付。"
            )
            % {"i": item.title, "a": amount, "d": item.pay_days},
        )
    return application
