"""Demo evaluation: last year's tree and its approved annual values, this year's tree (a copy)
with a third-quarter round in every state, made through the indicators services from
yingshang/demo/data/indicators/values.yaml. Measured leaves are measured from the demo's own
cases, ratings and hotline orders when there are any."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yingshang import workflow
from yingshang.demo.loaders.supervision import png
from yingshang.demo.registry import load_yaml
from yingshang.errors import DomainError
from yingshang.indicators import services
from yingshang.indicators.models import Period, Source, Tree, Value
from yingshang.org.models import User
from yingshang.org.roles import Role
from yingshang.org.staff import staff_of

DATA = load_yaml("indicators", "values.yaml")


def _lead(value: Value):
    """The lead unit's first handler; last year's figures of measured leaves (before Yingshang
    kept the records) are put in by the system."""
    if value.indicator.source == Source.MEASURED:
        return workflow.SYSTEM
    unit = value.indicator.lead_unit_id
    person = staff_of(unit, (Role.DEPT_HANDLER, Role.DEPT_HEAD)).first() if unit else None
    return person or workflow.SYSTEM


def _scan(name: str):
    return SimpleUploadedFile(f"{name}佐证材料.png", png(), content_type="image/png")


def _fill(value: Value, number, state: str, reason: str, office) -> None:
    lead = _lead(value)
    sites = value.indicator.by_site and DATA.get("by_site", {}).get(value.indicator.name)
    if sites:  # entered per town; the value is their population-weighted mean
        value = services.value_sites(actor=lead, value=value, numbers=sites)
        number = None
    value = services.value_enter(
        actor=lead,
        value=value,
        number=None if number is None else Decimal(str(number)),
        files=[_scan(value.indicator.name)],
    )
    if state == "draft":
        return
    value = services.value_submit(actor=lead, value=value)
    if state == "approved":
        services.value_approve(actor=office, value=value)
    elif state == "returned":
        services.value_return(actor=office, value=value, reason=reason)


def load_demo(ctx) -> None:
    office = User.objects.filter(username="supervisor").first()
    if office is None or Tree.objects.exists():
        return
    year = timezone.localdate().year
    last = services.tree_create(actor=office, year=year - 1)
    annual = services.period_open(
        actor=office,
        tree=last,
        code=f"{year - 1}",
        name=f"{year - 1}年度营商环境评价",
        starts_on=dt.date(year - 1, 1, 1),
        ends_on=dt.date(year - 1, 12, 31),
        today=dt.date(year - 1, 12, 1),
    )
    for value in annual.values.select_related("indicator"):
        number = DATA["last_year"].get(value.indicator.name)
        if number is not None:
            _fill(value, number, "approved", "", office)
    this = services.tree_create(actor=office, year=year)
    for site in DATA.get("sites", []):
        services.site_create(actor=office, **site)
    for name in DATA.get("by_site", {}):
        services.indicator_update(
            actor=office, indicator=this.indicators.get(name=name), by_site=True
        )
    quarter = services.period_open(
        actor=office,
        tree=this,
        code=f"{year}Q3",
        name=f"{year}年第三季度营商环境自评",
        starts_on=dt.date(year, 7, 1),
        ends_on=dt.date(year, 9, 30),
    )
    for value in quarter.values.select_related("indicator", "period"):
        item = DATA["quarter"].get(value.indicator.name)
        if not item:
            continue
        if item[0] == "measured":
            try:
                v = services.value_measure(actor=office, value=value)
                services.value_approve(actor=office, value=v)
            except DomainError:
                pass  # no demo records in the period: left to fill
            continue
        number, state, reason = [*item, "", ""][:3]
        _fill(value, number, state, reason, office)
    ctx.log(
        f"    {Period.objects.count()} periods, "
        f"{Value.objects.filter(status='approved').count()} approved values"
    )
