"""Metric plug-ins: each module that has figures to rank lists them in `<app>/metrics.py`

    METRICS = [Metric("hotline_score", _("热线综合得分"), "hotline", compute=..., drill=...)]

and the assessment discovers them (as the workbench discovers `nav.py`). A metrics.py without
`METRICS` is skipped. `compute(period, ctx) -> {unit_id: Figure}` counts county-wide over a
`workcal.periods` period (the ranking is the county's, computed by the system); `ctx` is a dict
shared by the metrics of one computation, so a module computes its figures once.
`drill(unit_id, period, part) -> url` is the module's own page listing the records behind the
figure (part: "numerator" or "denominator")."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from yingshang import plugins


@dataclass(frozen=True)
class Figure:
    value: Decimal | None  # the rate (0–100), count or score; None when nothing was counted
    sample: int = 0  # what the minimum-sample rule is checked against
    num: int | None = None
    den: int | None = None


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    module: str
    compute: Callable[..., dict]
    drill: Callable[..., str] | None = None
    kind: str = "rate"  # rate (%), count, score
    direction: str = "higher"  # the default offered when a scheme adds it
    normalisation: str = "rate"
    min_sample: int = 0


def rate(num: int, den: int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def discover() -> dict[str, Metric]:
    return {
        metric.code: metric
        for module in plugins.app_modules("metrics")
        for metric in getattr(module, "METRICS", None) or []
        if isinstance(metric, Metric)
    }


def get(code: str) -> Metric | None:
    return discover().get(code)


def choices() -> list[tuple[str, str]]:
    return [(m.code, str(m.label)) for m in discover().values()]
