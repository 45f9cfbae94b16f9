"""Distance-to-frontier scores (DESIGN.md §9; World Bank Doing Business method).

A leaf's score = 100 × (worst − value) / (worst − best), clipped to 0–100 — the formula holds
for both directions (for "higher is better" best > worst). The power transform raises the
linear share to p: 100 × ((worst − value) / (worst − best))^p, keeping 0 and 100 fixed (a
non-linear rescaling of the kind Doing Business applied, with p = 0.8, to the total tax rate). A parent is
the weighted mean of its children that have a score; the county score is the weighted mean of
the first level. Decimal throughout; rounding only for display."""

from dataclasses import dataclass, field
from decimal import Context, Decimal

from django.utils.translation import gettext as _

from yingshang.errors import InvalidInput
from yingshang.indicators.models import Indicator, Transform, Value

HUNDRED = Decimal(100)
ZERO = Decimal(0)
DEFAULT_EXPONENT = Decimal("0.8")


def check_bounds(best, worst, transform: str = Transform.LINEAR, exponent=None) -> None:
    if best is None or worst is None:
        raise InvalidInput("INDICATOR_BOUNDS_MISSING", _("请填写最优值和最差值"))
    if Decimal(best) == Decimal(worst):
        raise InvalidInput(
            "INDICATOR_BOUNDS_EQUAL",
            _("最优值与最差值相同（%(v)s），无法计算前沿距离得分") % {"v": best},
            details={"field": "best"},
        )
    if transform == Transform.POWER and exponent is not None and Decimal(exponent) <= 0:
        raise InvalidInput(
            "INDICATOR_EXPONENT_INVALID", _("幂指数必须大于0"), details={"field": "exponent"}
        )


_CTX = Context(prec=28)  # the arithmetic's own context: no thread-local switching per score


def scorer(best, worst, transform: str = Transform.LINEAR, exponent=None):
    """`f(value) -> score` for one leaf's bounds, checked once (a site leaf scores 30 sites)."""
    check_bounds(best, worst, transform, exponent)
    b, w = Decimal(best), Decimal(worst)
    lo, hi = min(b, w), max(b, w)
    span = _CTX.subtract(w, b)
    p = None
    if transform == Transform.POWER:
        p = Decimal(exponent) if exponent is not None else DEFAULT_EXPONENT

    def score(value) -> Decimal:
        v = Decimal(value)
        v = lo if v < lo else hi if v > hi else v  # outside the bounds: the clipped score
        share = _CTX.divide(_CTX.subtract(w, v), span)  # 0–1 after the clipping above
        if p is not None and share:
            share = _CTX.power(share, p)
        return min(max(_CTX.multiply(HUNDRED, share), ZERO), HUNDRED)

    return score


def leaf_score(value, best, worst, transform: str = Transform.LINEAR, exponent=None) -> Decimal:
    """0–100, unrounded."""
    return scorer(best, worst, transform, exponent)(value)


def formula(ind: Indicator) -> str:
    if ind.transform == Transform.POWER:
        p = ind.exponent if ind.exponent is not None else DEFAULT_EXPONENT
        f = f"100 × ((worst − value) / (worst − best))^{p}"
    else:
        f = "100 × (worst − value) / (worst − best)"
    if ind.by_site:
        f = f"Σ weight_site × [{f}]_site / Σ weight_site"
    return f


def display(d: Decimal | None, places: str = "0.01") -> str:
    return "—" if d is None else str(d.quantize(Decimal(places)))


@dataclass
class Node:
    indicator: Indicator
    children: list["Node"] = field(default_factory=list)
    value: Value | None = None
    score: Decimal | None = None
    share: Decimal = ZERO  # the node's share of the county score (weights normalised)
    target_score: Decimal | None = None
    best_county_score: Decimal | None = None
    flagged: bool = False
    error: str = ""

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def site_scores(self) -> list[tuple]:
        """(site, weight, value, score) of a site-measured leaf, for its explanation."""
        pairs = getattr(self, "_site_pairs", None)
        return site_rows(self.indicator, pairs) if pairs else []

    @property
    def gap(self) -> Decimal | None:
        return None if self.score is None else HUNDRED - self.score

    @property
    def recoverable(self) -> Decimal | None:
        """County points regained if the leaf reaches the frontier (能加回来的分)."""
        return None if self.gap is None else self.gap * self.share

    @property
    def best_county_gain(self) -> Decimal | None:
        """County points gained if the leaf reaches the province's best county."""
        if self.score is None or self.best_county_score is None:
            return None
        return max(self.best_county_score - self.score, ZERO) * self.share

    @property
    def target_gain(self) -> Decimal | None:
        if self.score is None or self.target_score is None:
            return None
        return (self.target_score - self.score) * self.share


@dataclass
class Result:
    roots: list[Node]
    nodes: dict[int, Node]
    score: Decimal | None
    threshold: Decimal

    def leaves(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.is_leaf]

    def gap_rows(self) -> list[Node]:
        rows = [n for n in self.leaves() if n.score is not None]
        return sorted(rows, key=lambda n: (-(n.recoverable or ZERO), n.indicator.sort_order))


def _weighted(children: list[Node]) -> Decimal | None:
    scored = [c for c in children if c.score is not None]
    total = sum((c.indicator.weight for c in scored), ZERO)
    if not scored or not total:
        return None
    return sum((c.score * c.indicator.weight for c in scored), ZERO) / total


def _shares(nodes: list[Node], share: Decimal) -> None:
    total = sum((n.indicator.weight for n in nodes), ZERO)
    for n in nodes:
        n.share = share * n.indicator.weight / total if total else ZERO
        _shares(n.children, n.share)


def site_pairs(value: Value) -> list:
    """The (site, weight, number) rows of a site-measured value: given on the value as
    `sites` (tests, benchmarks) or its saved SiteValue rows."""
    given = value.__dict__.get("sites")
    if given is not None:
        return given
    if value.pk is None:
        return []
    return [
        (sv.site, sv.weight, sv.number) for sv in value.site_values.all() if sv.number is not None
    ]


def site_rows(ind: Indicator, pairs) -> list[tuple]:
    """(site, weight, value, score) per site, for the explanation."""
    f = scorer(ind.best, ind.worst, ind.transform, ind.exponent)
    return [(site, Decimal(w), Decimal(x), f(x)) for site, w, x in pairs]


def site_score(ind: Indicator, pairs) -> Decimal | None:
    """Multi-site aggregation as Doing Business did for its two-city economies: each site is
    scored on the leaf's bounds and transform, the leaf's score is the weighted (population)
    mean of the site scores. A linear score is linear in the clipped value, so the weighted
    mean of the site scores is the score of the weighted mean of the clipped site values — one
    division per leaf instead of one per site; the power transform scores each site."""
    if not pairs:
        return None
    f = scorer(ind.best, ind.worst, ind.transform, ind.exponent)
    if ind.transform == Transform.POWER:
        total = sum((Decimal(w) for _s, w, _x in pairs), ZERO)
        weighted = sum((_CTX.multiply(Decimal(w), f(x)) for _s, w, x in pairs), ZERO)
        return _CTX.divide(weighted, total) if total else None
    lo, hi = min(ind.best, ind.worst), max(ind.best, ind.worst)
    total = clipped = ZERO
    for _site, w, x in pairs:  # the hot loop of a 30-site tree: plain Decimal operators
        v = x if lo <= x <= hi else (lo if x < lo else hi)
        total += w
        clipped += w * v
    return f(_CTX.divide(clipped, total)) if total else None


def value_score(val: Value, node=None) -> Decimal:
    """The score of a value of its leaf (site-weighted for a site-measured leaf)."""
    ind = val.indicator
    if ind.by_site:
        pairs = site_pairs(val)
        if pairs:
            score = site_score(ind, pairs)
            if node is not None:
                node._site_pairs = pairs
            if score is not None:
                return score
    return leaf_score(val.value, ind.best, ind.worst, ind.transform, ind.exponent)


def _score_leaf(node: Node, threshold: Decimal) -> None:
    ind, val = node.indicator, node.value
    try:
        if val is not None and val.value is not None and val.status == Value.Status.APPROVED:
            node.score = value_score(val, node)
            node.flagged = node.score < threshold
        if val is not None and val.target is not None:
            node.target_score = leaf_score(
                val.target, ind.best, ind.worst, ind.transform, ind.exponent
            )
        elif node.score is not None:
            node.target_score = HUNDRED
        if val is not None and val.best_county is not None:
            node.best_county_score = leaf_score(
                val.best_county, ind.best, ind.worst, ind.transform, ind.exponent
            )
    except InvalidInput as exc:
        node.error = exc.message


def _score(node: Node, threshold: Decimal) -> None:
    if node.is_leaf:
        _score_leaf(node, threshold)
        return
    for c in node.children:
        _score(c, threshold)
    node.score = _weighted(node.children)
    node.flagged = node.score is not None and node.score < threshold


def build(indicators, values, threshold: Decimal) -> Result:
    """Score the active `indicators` of one tree with `values` (one period)."""
    nodes = {i.pk: Node(i) for i in indicators if i.is_active}
    roots = []
    for n in sorted(nodes.values(), key=lambda n: (n.indicator.sort_order, n.indicator.pk)):
        parent = nodes.get(n.indicator.parent_id) if n.indicator.parent_id else None
        if parent is not None:
            parent.children.append(n)
        elif n.indicator.parent_id is None:
            roots.append(n)
    for v in values:
        if v.indicator_id in nodes:
            nodes[v.indicator_id].value = v
            v.indicator = nodes[v.indicator_id].indicator  # read through the value, no query
    for r in roots:
        _score(r, threshold)
    _shares(roots, Decimal(1))
    county = _weighted(roots)
    return Result(roots=roots, nodes=nodes, score=county, threshold=threshold)


def compute(period, values=None) -> Result:
    """The scored tree of `period` (its year's tree) from its approved values."""
    tree = period.tree
    indicators = list(
        tree.indicators.filter(is_active=True).select_related("lead_unit").order_by("sort_order")
    )
    if values is None:
        values = list(Value.objects.filter(period=period))
    attach_sites(values, {i.pk for i in indicators if i.by_site})
    return build(indicators, values, tree.threshold)


def attach_sites(values, site_leaves: set[int]) -> None:
    """Give the values of site-measured leaves their (site, weight, number) rows as plain
    tuples in one query (a 200-leaf, 30-site period has 6,000 of them)."""
    from yingshang.indicators.models import Site, SiteValue

    wanted = {v.pk: v for v in values if v.indicator_id in site_leaves and v.pk is not None}
    if not wanted:
        return
    for v in wanted.values():
        v.sites = []
    sites = {s.pk: s for s in Site.objects.all()}
    rows = SiteValue.objects.filter(value_id__in=list(wanted), number__isnull=False)
    for value_id, site_id, weight, number in rows.order_by("site_id").values_list(
        "value_id", "site_id", "weight", "number"
    ):
        wanted[value_id].sites.append((sites[site_id], weight, number))
