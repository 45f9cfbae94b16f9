"""A parsed rule against firms: compiled to one ORM filter on Firm (with the annotations the
computed facts need), or evaluated in Python for one firm with the failing clauses named. Both
follow the same rule: a firm lacking a fact never satisfies a comparison on it."""

import datetime as dt

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from yingshang.policies.rules.parse import FACTS, INDUSTRIES, SIZES, Always, Bool, Cmp, Not


# --- ORM ----------------------------------------------------------------------------------------
def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def annotations(used: list[str], on: dt.date) -> dict:
    """The computed facts a rule reads, as annotations on Firm (one subquery each)."""
    from yingshang.cases.models import Case, Status
    from yingshang.credit.models import Commitment, DishonestListing

    out: dict = {}
    if "dishonest" in used:
        listed = DishonestListing.objects.filter(subject__firm=OuterRef("pk"), active=True).filter(
            Q(until__isnull=True) | Q(until__gte=on)
        )
        false = Commitment.objects.filter(
            subject__firm=OuterRef("pk"), status=Commitment.Status.FALSE
        )
        out["_r_listed"] = Exists(listed)
        out["_r_false"] = Exists(false)
    if "cases" in used:
        counted = (
            Case.objects.filter(firm=OuterRef("pk"))
            .exclude(status=Status.DRAFT)
            .order_by()
            .values("firm")
            .annotate(n=Count("pk"))
            .values("n")
        )
        out["_r_cases"] = Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
    return out


def to_q(node, on: dt.date) -> Q:
    """The rule as a filter on Firm (annotated with `annotations`)."""
    if isinstance(node, Always):
        return Q()
    if isinstance(node, Bool):
        q = to_q(node.parts[0], on)
        for part in node.parts[1:]:
            q = (q & to_q(part, on)) if node.op == "and" else (q | to_q(part, on))
        return q
    if isinstance(node, Not):
        return ~to_q(node.part, on)
    return _cmp_q(node, on)


_LOOKUP = {"=": "exact", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}


def _cmp_q(c: Cmp, on: dt.date) -> Q:
    kind = FACTS[c.fact].kind
    if c.op in ("in", "not in"):
        q = Q()
        for v in c.value:  # type: ignore[attr-defined]
            q |= _cmp_q(Cmp(c.fact, "=", v, c.text), on)
        return q if c.op == "in" else (_present(c.fact) & ~q)
    if c.op == "!=":
        return _present(c.fact) & ~_cmp_q(Cmp(c.fact, "=", c.value, c.text), on)
    if kind in ("size", "text"):
        field = c.fact
        return Q(**{field: c.value}) & ~Q(**{field: ""})
    if kind == "industry":
        return Q(industry_code__startswith=c.value)
    if kind == "region":
        return Q(region_code__startswith=c.value)
    if kind == "bool":
        q = Q(_r_listed=True) | Q(_r_false=True)
        return q if c.value else ~q
    if kind == "date":
        return Q(**{f"established_on__{_LOOKUP[c.op]}": c.value})
    if c.fact == "cases":
        return Q(**{f"_r_cases__{_LOOKUP[c.op]}": c.value})
    # age_years: whole years since the date of establishment, on `on`
    n = int(c.value)  # type: ignore[call-overload]
    at_least = lambda k: Q(established_on__lte=_years_before(on, k))  # noqa: E731
    below = lambda k: Q(established_on__gt=_years_before(on, k))  # noqa: E731
    return {
        ">=": lambda: at_least(n),
        ">": lambda: at_least(n + 1),
        "<": lambda: below(n),
        "<=": lambda: below(n + 1),
        "=": lambda: at_least(n) & below(n + 1),
    }[c.op]()


def _present(fact: str) -> Q:
    kind = FACTS[fact].kind
    if kind in ("size", "text"):
        return ~Q(**{fact: ""})
    if kind == "industry":
        return ~Q(industry_code="")
    if kind == "region":
        return ~Q(region_code="")
    if kind in ("date", "int") and fact != "cases":
        return Q(established_on__isnull=False)
    return Q()


# --- one firm, in Python ------------------------------------------------------------------------
def firm_facts(firm, used: list[str], on: dt.date) -> dict:
    """The facts `used` by a rule for one firm (None where the firm lacks one)."""
    from yingshang.credit.selectors import is_dishonest

    out: dict = {}
    for name in used:
        if name in ("size", "declared_size", "firm_type"):
            out[name] = getattr(firm, name) or None
        elif name == "industry":
            out[name] = (firm.industry_code or "")[:1].upper() or None
        elif name == "region":
            out[name] = firm.region_code or None
        elif name == "established_on":
            out[name] = firm.established_on
        elif name == "age_years":
            out[name] = age(firm.established_on, on)
        elif name == "dishonest":
            out[name] = is_dishonest(firm)
        elif name == "cases":
            from yingshang.cases.models import Status

            out[name] = firm.cases.exclude(status=Status.DRAFT).count() if firm.pk else 0
    return out


def age(established_on: dt.date | None, on: dt.date) -> int | None:
    if established_on is None:
        return None
    before = (on.month, on.day) < (established_on.month, established_on.day)
    return on.year - established_on.year - int(before)


def holds(node, facts: dict) -> bool:
    if isinstance(node, Always):
        return True
    if isinstance(node, Bool):
        results = (holds(p, facts) for p in node.parts)
        return all(results) if node.op == "and" else any(results)
    if isinstance(node, Not):
        return not holds(node.part, facts)
    return _cmp_holds(node, facts.get(node.fact))


def _cmp_holds(c: Cmp, have) -> bool:
    if have is None:
        return False
    if c.op == "in":
        return any(_cmp_holds(Cmp(c.fact, "=", v, c.text), have) for v in c.value)  # type: ignore[attr-defined]
    if c.op == "not in":
        return not any(_cmp_holds(Cmp(c.fact, "=", v, c.text), have) for v in c.value)  # type: ignore[attr-defined]
    kind = FACTS[c.fact].kind
    if kind == "region":
        same = str(have).startswith(str(c.value))
        return same if c.op == "=" else not same
    return {
        "=": lambda: have == c.value,
        "!=": lambda: have != c.value,
        ">": lambda: have > c.value,
        ">=": lambda: have >= c.value,
        "<": lambda: have < c.value,
        "<=": lambda: have <= c.value,
    }[c.op]()


def unmet(node, facts: dict) -> list[str]:
    """The clauses of an all-`and` rule the firm fails (the whole rule for other shapes), for
    the message that says why an application is refused."""
    if holds(node, facts):
        return []
    if isinstance(node, Bool) and node.op == "and":
        return [text for p in node.parts for text in unmet(p, facts)]
    if isinstance(node, Cmp):
        return [node.text]
    if isinstance(node, Not) and isinstance(node.part, Cmp):
        return [_("非 %(t)s") % {"t": node.part.text}]
    return [_("整体条件")]


def show(name: str, value) -> str:
    """A fact as people read it."""
    if value is None:
        return _("（无记录）")
    if name in ("size", "declared_size"):
        return SIZES.get(value, value)
    if name == "industry":
        return f"{value} {INDUSTRIES.get(value, '')}".strip()
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)
