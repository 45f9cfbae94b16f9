"""The demo county and the data generator framework.

The demo lives in this package, not in the domain apps: `yingshang/demo/loaders/<app label>.py`
loads the records described by the data files under `yingshang/demo/data/<app label>/`
(YAML/CSV) through the app's services, and may generate benchmark volume. Each loader module has
either or both of:

    def load_demo(ctx: DemoContext) -> None      # small, realistic, idempotent demo records
    def generate(ctx: DemoContext, scale: Scale) -> dict   # volume for benchmarks (counts made)

They run in INSTALLED_APPS order, so an app's generator can use what the apps before it made
(org first: units and people; then catalogue, cases, hotline, ratings, supervision)."""

import random
import time
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from django.apps import apps

SCALES = {
    # name: multiplier of a county-year (≈ 200,000 cases, 150,000 work orders …)
    "demo": 0.0,
    "small": 0.01,
    "county-year": 1.0,
    "province": 20.0,
}


@dataclass
class Scale:
    name: str
    factor: float
    days: int = 365  # how far back the generated records reach

    def n(self, county_year_count: int) -> int:
        return int(county_year_count * self.factor)


@dataclass
class DemoContext:
    seed: int = 20261122
    rng: random.Random = field(default_factory=lambda: random.Random(20261122))
    stdout: object = None
    data: dict = field(default_factory=dict)  # what earlier generators made, for later ones
    # also make the last three months (HISTORY); `seed` and tests of one state skip them
    history: bool = True
    # the two-county demo: the city above the demo county, and a second county (data/org/city.yaml)
    city: bool = False

    def rng_for(self, label: str) -> random.Random:
        """A generator of its own per loader, seeded from the demo seed: a loader's numbers do
        not depend on which loaders ran before it."""
        return random.Random(f"{self.seed}:{label}")

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)


# The demo county's own history (`yingshang demo`): the last three months, by app: ~800 cases
# over all matters, ~3,000 work orders (every unit's monthly KPIs have a sample, smart dispatch
# learns from and is measured on past decisions); ratings rate the finished ones.
HISTORY = {
    "cases": Scale("history", 0.004, days=92),
    "hotline": Scale("history", 0.02, days=92),
}


def history_made(label: str) -> bool:
    """Whether `label`'s history was made in this database (a numbering series marks it, so a
    second `yingshang demo` adds nothing)."""
    from yingshang.numbering.models import Counter

    return Counter.objects.filter(series=f"demo-history:{label}").exists()


def mark_history_made(label: str) -> None:
    from yingshang import numbering

    numbering.take(f"demo-history:{label}")


DATA = Path(__file__).resolve().parent / "data"


def data_file(label: str, name: str) -> Path:
    """Path of a demo data file: yingshang/demo/data/<label>/<name>."""
    return DATA / label / name


def load_yaml(label: str, name: str):
    import yaml

    with data_file(label, name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("yingshang."):
            continue
        for name in (f"yingshang.demo.loaders.{config.label}", f"{config.name}.demo"):
            if find_spec(name.rsplit(".", 1)[0]) and find_spec(name):
                yield config.label, import_module(name)
                break


def load_demo(ctx: DemoContext) -> None:
    """Each app's demo records, then its history (`history(ctx)`: the last three months made
    with the app's generator at the HISTORY scale, once per database), app by app, so a later
    app sees the earlier apps' history (ratings rate the cases and orders, knowledge trains
    smart dispatch on the orders)."""
    for label, module in _modules():
        if hasattr(module, "load_demo"):
            ctx.log(f"  · {label}")
            started = time.perf_counter()
            module.load_demo(ctx)
            ctx.log(f"    ({time.perf_counter() - started:.1f} s)")
        if ctx.history and hasattr(module, "history"):
            ctx.log(f"  · {label} history")
            started = time.perf_counter()
            module.history(ctx)
            ctx.log(f"    ({time.perf_counter() - started:.1f} s)")


def generate(ctx: DemoContext, scale: Scale) -> dict:
    made = {}
    for label, module in _modules():
        if hasattr(module, "generate"):
            ctx.log(f"  · {label} …")
            made[label] = module.generate(ctx, scale)
    return made
