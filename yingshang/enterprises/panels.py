"""Panels of the firm page (一企一档). Each module that knows something about firms lists its
panel in `<app>/firm_panel.py`:

    PANELS = [FirmPanel("cases", _("办件"), order=10, build=build)]

`build(firm, user, *, public) -> Panel | None` counts and lists from the user's scope (staff) or,
with `public=True`, what the firm itself may see on the portal (its own records only); it returns
None when the module has nothing to say about this firm for this user. The firm page discovers
the panels the way the assessment discovers `metrics.py`, so a new module adds its panel without
touching this app."""

from collections.abc import Callable
from dataclasses import dataclass, field

from yingshang import plugins


@dataclass(frozen=True)
class Row:
    """One line of a panel's list: a record the figure stands for."""

    label: str  # the record's number or title
    detail: str = ""  # status, date, amount — already formatted
    url: str = ""  # its page (empty when the viewer may not open it)
    alert: bool = False  # overdue, broken, in publicity…


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    url: str = ""
    alert: bool = False


@dataclass
class Panel:
    key: str
    title: str
    facts: list[Fact] = field(default_factory=list)  # headline figures
    rows: list[Row] = field(default_factory=list)  # the latest records (at most `limit`)
    total: int = 0  # records behind the panel (rows may show fewer)
    more_url: str = ""  # the module's own list filtered to this firm
    empty: str = ""  # what to say when total == 0


@dataclass(frozen=True)
class FirmPanel:
    key: str
    title: str
    build: Callable[..., Panel | None]
    order: int = 100


LIMIT = 10  # rows shown per panel; the rest behind more_url


def discover() -> list[FirmPanel]:
    found = [
        p
        for module in plugins.app_modules("firm_panel")
        for p in getattr(module, "PANELS", None) or []
        if isinstance(p, FirmPanel)
    ]
    return sorted(found, key=lambda p: (p.order, p.key))


def panels_for(firm, user, *, public: bool = False) -> list[Panel]:
    built = (p.build(firm, user, public=public) for p in discover())
    return [panel for panel in built if panel is not None]
