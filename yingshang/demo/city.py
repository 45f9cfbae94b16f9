"""The rest of the two-county demo (`yingshang demo --city`), after every app's demo records:
the city's own units, the second county 示范二县 with its staff, and its records — work orders
its operator registered (most dispatched to its departments) and problems on its ledger — and a
matter the city publishes that 示范二县 localises, from data/org/city.yaml, made through the
services. Idempotent: made once."""

from django.db import transaction

from yingshang import workflow
from yingshang.catalog import services as catalog
from yingshang.catalog.models import Matter
from yingshang.demo.loaders.catalog import matter_publish
from yingshang.demo.loaders.org import second_county
from yingshang.demo.registry import load_yaml
from yingshang.hotline import services as hotline
from yingshang.org.models import Unit, User
from yingshang.supervision import services as supervision


@transaction.atomic
def load_records(ctx) -> None:
    data = load_yaml("org", "city.yaml")
    if not Unit.objects.filter(code=data["second_county"]["county"]["code"]).exists():
        _second_county(ctx, data)
    _localised_matter(ctx, data["catalog"])


def _second_county(ctx, data: dict) -> None:
    units = second_county(Unit.objects.get(code=data["city"]["code"]))
    records = data["records"]
    operator = User.objects.get(username="operator2")
    for entry in records["work_orders"]:
        order = hotline.workorder_register(
            actor=operator,
            content=entry["content"],
            category=entry["category"],
            caller_name=entry["caller_name"],
            caller_phone=entry["caller_phone"],
        )
        if entry.get("unit"):
            hotline.workorder_dispatch(actor=operator, order=order, main_unit=units[entry["unit"]])
    for entry in records["problems"]:
        supervision.problem_create(
            actor=workflow.SYSTEM, unit=units[entry["unit"]], description=entry["description"]
        )
    ctx.log("  · 示范市: the city's units, 示范二县 and its work orders and problems")


def _localised_matter(ctx, data: dict) -> None:
    """The city publishes one matter for every county and 示范二县 localises it (its own hall,
    phone and promise); each made once."""
    admin = ctx.data["admin"]
    entry = data["matter"]
    unit = Unit.objects.get(code=data["unit"])
    source = Matter.objects.filter(base_code=entry["base_code"], unit=unit).first()
    if source is None:
        source = matter_publish(admin, unit, entry, data["hall"])
    local = data["localisation"]
    county_unit = Unit.objects.get(code=local["unit"])
    if not source.localisations.filter(unit__tenant=county_unit.tenant).exists():
        catalog.matter_localise(
            actor=admin,
            source=source,
            unit=county_unit,
            changes=local["changes"],
            note=local["note"],
        )
        ctx.log("  · 示范市: a city matter, localised by 示范二县")
