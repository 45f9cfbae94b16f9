"""Navigation assembled from the apps: each app may have a `nav.py` with

    WORKBENCH = [NavItem(_("办件受理"), "cases:queue", roles={Role.WINDOW_CLERK}, icon="inbox", order=20)]
    PORTAL = [NavItem(_("办事指南"), "catalog:guide_list", order=10)]
    HOME_CARDS = [HomeCard("cases/_home_card.html", roles={...}, context=callable(user) -> dict, order=10)]

so adding a module adds its menu entries and home-page widgets without editing the shell."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.urls import NoReverseMatch, reverse

from yingshang import plugins
from yingshang.processcache import TTLCache


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] | set[str] = field(
        default_factory=frozenset
    )  # empty: everyone (logged in for workbench)
    icon: str = "circle"
    order: int = 100
    group: str = ""

    def url(self) -> str:
        return _reverse(self.url_name)


@dataclass(frozen=True)
class HomeCard:
    template: str
    roles: frozenset[str] | set[str] = field(default_factory=frozenset)
    context: Callable | None = None
    order: int = 100


@cache
def _reverse(url_name: str) -> str:
    """URLs do not change while the process runs: reverse each menu entry once."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return ""


@cache
def _collect(attr: str) -> tuple:
    found = [item for module in plugins.app_modules("nav") for item in getattr(module, attr, [])]
    return tuple(sorted(found, key=lambda item: item.order))


def workbench_items(roles: frozenset[str]) -> list[dict]:
    items = []
    for item in _collect("WORKBENCH"):
        if item.roles and not (roles & set(item.roles)):
            continue
        url = item.url()
        if url:
            items.append({"label": item.label, "url": url, "icon": item.icon, "group": item.group})
    return items


def portal_items() -> list[dict]:
    return [
        {"label": i.label, "url": i.url(), "icon": i.icon} for i in _collect("PORTAL") if i.url()
    ]


# plain dicts of counts and links, nothing personal beyond the user's own queue sizes
_HOME = TTLCache("workbench.home_cards", setting="HOME_CARDS_CACHE_SECONDS")


def _cached(key: tuple, build):
    """A per-process value kept for settings.HOME_CARDS_CACHE_SECONDS (0: always rebuilt)."""
    return _HOME.get(key, build)


def home_cards(user, roles: frozenset[str]) -> list[dict]:
    """The home page's queue counts of every module, per user. Reused for a few seconds in
    this process: a count that is seconds old is fine on a home page (the queues themselves
    are live), and a busy morning of home-page loads does not re-run every module's counts."""

    def build():
        cards = []
        for card in _collect("HOME_CARDS"):
            if card.roles and not (roles & set(card.roles)):
                continue
            context = card.context(user) if card.context else {}
            cards.append({"template": card.template, "context": context})
        return cards

    return _cached(("cards", user.pk, roles), build)


def home_cards_html(request, roles: frozenset[str]) -> str:
    """The rendered cards (rendering them is most of the home page's cost), reused like
    home_cards for the same user and language."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    def build():
        # cards get only their own context (no context processors: they would re-run the
        # shell's queries once per card)
        return mark_safe(  # noqa: S308 - our own templates' output
            "".join(
                render_to_string(card["template"], {"card": card["context"]})
                for card in home_cards(request.user, roles)
            )
        )

    return _cached(("html", request.user.pk, roles, get_language()), build)
