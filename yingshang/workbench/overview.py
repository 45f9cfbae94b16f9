"""The county overview (全县概览): the leader's first page. Each module contributes one section
through its `nav.py`:

    OVERVIEW = [OverviewPart(order=10, build=overview.section)]

where `build(user, period) -> Section` counts from the user's scope over a `workcal.periods`
period. A section has headline figures (each a link to the records behind it) and, when the
module has deadlines, the open items past them per unit (`overdue`), which the page joins into
one table: a row per unit, a column per module, every number a link to its records.
The assessment module adds rankings to this page."""

from collections.abc import Callable
from dataclasses import dataclass, field

from yingshang.org.models import Unit
from yingshang.workcal.periods import Period


@dataclass(frozen=True)
class Figure:
    label: str
    value: str  # formatted for display ("87.5%", "1,204", "—")
    url: str = ""
    hint: str = ""  # what the figure counts, shown as the tile's title
    alert: bool = False  # draws attention (overdue > 0, a rate under its bar)


@dataclass
class Section:
    key: str
    title: str
    icon: str
    url: str  # the module's statistics page for the period
    figures: list[Figure]
    overdue_label: str = ""  # column heading in the overdue-by-unit table ("" = no column)
    overdue: dict[int, tuple[int, str]] = field(default_factory=dict)  # unit id → (n, url)


@dataclass(frozen=True)
class OverviewPart:
    build: Callable[..., Section]
    order: int = 100


def count(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def rate(part: float | int | None, whole: float | int | None) -> str:
    """'87.5%' or '—' when nothing was counted (never a made-up 0 % or 100 %)."""
    if not whole or part is None:
        return "—"
    return f"{part / whole * 100:.1f}%"


def percent(value) -> str:
    return "—" if value is None else f"{float(value):.1f}%"


def per_unit(qs, field: str) -> dict[int, int]:
    """{unit id: rows} of `qs` grouped by its unit column `field` (one GROUP BY)."""
    from django.db.models import Count

    rows = qs.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n")
    return {unit_id: n for unit_id, n in rows if unit_id}


def sections(user, period: Period) -> list[Section]:
    from yingshang.workbench.navigation import _collect

    return [part.build(user, period) for part in _collect("OVERVIEW")]


def overdue_table(found: list[Section]) -> dict:
    """{"columns": [section…], "rows": [{"unit", "cells": [(n, url)|None…], "total"}…],
    "totals": [n…]}: units with anything overdue, the most overdue first."""
    columns = [s for s in found if s.overdue_label]
    unit_ids = {uid for s in columns for uid in s.overdue}
    names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    rows = []
    for uid in unit_ids:
        cells = [s.overdue.get(uid) for s in columns]
        total = sum(c[0] for c in cells if c)
        if total:
            rows.append({"unit": names.get(uid, "—"), "cells": cells, "total": total})
    rows.sort(key=lambda r: (-r["total"], r["unit"]))
    totals = [sum(n for n, _url in s.overdue.values()) for s in columns]
    return {"columns": columns, "rows": rows, "totals": totals, "total": sum(totals)}
