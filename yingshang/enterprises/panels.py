"""Panels of the firm page (一企一档). Each module that knows something about firms lists its
panel in `<app>/firm_panel.py`:

    PANELS = [FirmPanel("cases", _("办件"), order=10, build=build, sources=[(Case, "firm_id")])]

`build(firm, user, *, public) -> Panel | None` counts and lists from the user's scope (staff) or,
with `public=True`, what the firm itself may see on the portal (its own records only); it returns
None when the module has nothing to say about this firm for this user. The firm page discovers
the panels the way the assessment discovers `metrics.py`, so a new module adds its panel without
touching this app.

`sources` names every model the panel reads, with the path from a row to its firm's id: saving
such a row renews the firm's panels (enterprises.panelcache keeps them between saves)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from yingshang import plugins
from yingshang.enterprises import panelcache


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


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    facts: Sequence[Fact] = ()  # headline figures
    rows: Sequence[Row] = ()  # the latest records (at most `limit`)
    total: int = 0  # records behind the panel (rows may show fewer)
    more_url: str = ""  # the module's own list filtered to this firm
    empty: str = ""  # what to say when total == 0


@dataclass(frozen=True)
class FirmPanel:
    key: str
    title: str
    build: Callable[..., Panel | None]
    order: int = 100
    sources: Sequence[tuple[type, str]] = ()  # (model, path to the firm id) of what it reads


LIMIT = 10  # rows shown per panel; the rest behind more_url


def discover() -> list[FirmPanel]:
    found = [
        p
        for module in plugins.app_modules("firm_panel")
        for p in getattr(module, "PANELS", None) or []
        if isinstance(p, FirmPanel)
    ]
    return sorted(found, key=lambda p: (p.order, p.key))


def panels_for(firm, user, *, public: bool = False) -> tuple[Panel, ...]:
    def build() -> tuple[Panel, ...]:
        built = (p.build(firm, user, public=public) for p in discover())
        return tuple(
            replace(panel, facts=tuple(panel.facts), rows=tuple(panel.rows))
            for panel in built
            if panel is not None
        )

    return panelcache.panels(firm, user, public=public, build=build)


def watch_sources() -> None:
    """Connect every panel's sources to the firm version (EnterprisesConfig.ready)."""
    panelcache.connect(source for p in discover() for source in p.sources)
