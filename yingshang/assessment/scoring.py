"""The arithmetic of a ranking, with no database: normalise each metric within a group, weigh
it, add the bonus/penalty points, rank with ties sharing a place.

    points(m) = value                         normalisation "rate", direction higher
              = 100 − value                   normalisation "rate", direction lower
              = (value − min)/(max − min)×100 normalisation "minmax" (ranked units of the
                (max − value)/(max − min)×100  group; all equal → 100), higher / lower
    base      = Σ weight(m) × points(m) / 100          (weights sum to 100)
    score     = base + Σ bonus/penalty points
A unit below a metric's minimum sample (or with nothing counted) is shown with its figures and
"样本不足", never ranked."""

from decimal import ROUND_HALF_UP, Decimal

Q2 = Decimal("0.01")
HUNDRED = Decimal(100)


def q2(x: Decimal) -> Decimal:
    return x.quantize(Q2, rounding=ROUND_HALF_UP)


def _points(value: Decimal, m: dict, lo: Decimal, hi: Decimal) -> Decimal:
    if m["normalisation"] == "minmax":
        if hi == lo:
            return HUNDRED
        span = hi - lo
        part = (value - lo) if m["direction"] == "higher" else (hi - value)
        return q2(part * HUNDRED / span)
    value = min(max(value, Decimal(0)), HUNDRED)
    return q2(value if m["direction"] == "higher" else HUNDRED - value)


def rank_group(metrics: list[dict], units: list[tuple[int, str]], figures: dict, bonus: dict):
    """metrics: [{code, weight, direction, normalisation, min_sample}]; units: [(id, name)];
    figures: {code: {unit_id: Figure}}; bonus: {unit_id: [{"points": Decimal, ...}]}.
    Returns rows sorted: ranked by score (ties share the rank, then by name), unranked last."""
    rows = []
    for unit_id, name in units:
        cells, short = {}, []
        for m in metrics:
            fig = figures.get(m["code"], {}).get(unit_id)
            value = None if fig is None else fig.value
            sample = 0 if fig is None else fig.sample
            insufficient = value is None or sample < m["min_sample"]
            if insufficient:
                short.append(m["code"])
            cells[m["code"]] = {
                "value": value,
                "sample": sample,
                "num": None if fig is None else fig.num,
                "den": None if fig is None else fig.den,
                "insufficient": insufficient,
                "points": None,
            }
        items = bonus.get(unit_id, [])
        rows.append(
            {
                "unit_id": unit_id,
                "unit_name": name,
                "metrics": cells,
                "insufficient": bool(short),
                "short": short,
                "bonus": sum((i["points"] for i in items), Decimal(0)),
                "bonus_items": items,
                "base": None,
                "score": None,
                "rank": None,
            }
        )
    ranked = [r for r in rows if not r["insufficient"]]
    for m in metrics:
        values = [r["metrics"][m["code"]]["value"] for r in ranked]
        lo, hi = (min(values), max(values)) if values else (Decimal(0), Decimal(0))
        for r in ranked:
            cell = r["metrics"][m["code"]]
            cell["points"] = _points(cell["value"], m, lo, hi)
    for r in ranked:
        total = sum(
            (Decimal(m["weight"]) * r["metrics"][m["code"]]["points"] for m in metrics),
            Decimal(0),
        )
        r["base"] = q2(total / HUNDRED)
        r["score"] = q2(r["base"] + r["bonus"])
    ranked.sort(key=lambda r: (-r["score"], r["unit_name"]))
    place, previous = 0, None
    for i, r in enumerate(ranked, start=1):
        if r["score"] != previous:
            place, previous = i, r["score"]
        r["rank"] = place
    unranked = sorted((r for r in rows if r["insufficient"]), key=lambda r: r["unit_name"])
    return ranked + unranked


def ladder(rows: list[dict], *, praise_top: int) -> dict[str, list[dict]]:
    """Who is top and who is last in a group (ties included). Fewer than two distinct places:
    nobody (a group where everyone is equal has no last)."""
    ranked = [r for r in rows if r["rank"] is not None]
    places = sorted({r["rank"] for r in ranked})
    if len(places) < 2:
        return {"top": [], "last": []}
    return {
        "top": [r for r in ranked if r["rank"] <= praise_top],
        "last": [r for r in ranked if r["rank"] == places[-1]],
    }


def county_figures(figures: dict, kind: str, county_of: dict[int, int]) -> dict:
    """A metric's figures for the counties of a city (区县 groups, org.tenancy), from the figures
    of the units in each county (`county_of`: unit id → county unit id). A rate is recomputed
    from the summed numerators and denominators (not an average of the units' rates); a count
    is summed; a score is the mean of the units that have one. Units that counted nothing do not
    pull a county down."""
    from yingshang.assessment.registry import Figure, rate

    parts: dict[int, list] = {}
    for unit_id, fig in figures.items():
        county = county_of.get(unit_id)
        if county is not None and fig.value is not None:
            parts.setdefault(county, []).append(fig)
    out = {}
    for county, figs in parts.items():
        sample = sum(f.sample for f in figs)
        if kind == "rate" and all(f.den is not None for f in figs):
            num = sum(f.num or 0 for f in figs)
            den = sum(f.den or 0 for f in figs)
            out[county] = Figure(value=rate(num, den), sample=sample, num=num, den=den)
        elif kind == "count":
            total = sum(f.value for f in figs)
            out[county] = Figure(value=total, sample=sample, num=sum(f.num or 0 for f in figs))
        else:
            mean = sum(f.value for f in figs) / len(figs)
            out[county] = Figure(value=q2(mean), sample=sample)
    return out
