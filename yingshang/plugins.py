"""The modules each app may add by name — `<app>/metrics.py` (assessment), `<app>/firm_panel.py`
(the firm page), `<app>/tasks.py` (periodic jobs) — found once per process.

The set of installed apps does not change while a process runs, so the lookup (an import-system
probe per app, about 0.5–1 ms for 30 apps, measured on the firm page which ran it on every
request) is kept; the modules themselves are Python's to cache."""

from functools import cache
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps


@cache
def app_modules(suffix: str) -> tuple[ModuleType, ...]:
    """`yingshang.<app>.<suffix>` of every installed Yingshang app that has one, in app order."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("yingshang."):
            continue
        name = f"{config.name}.{suffix}"
        if find_spec(name) is not None:
            found.append(import_module(name))
    return tuple(found)
