"""Counties as tenants of a city (issue 24).

One deployment may hold a city (the root unit, kind `city`) and its counties (区县, kind
`county`, children of the city), each with its own departments, centre and towns. Each unit
carries `tenant`: the path of the county it belongs to, or "" for the city's own units. In a
one-county deployment the county is the root and every unit's tenant is "" — nothing below
changes anything there.

The rule: a member of staff whose every unit lies inside counties reads only those counties'
records — a countywide role (营商办, 县领导) sees everything *of its county*, not of the city;
anyone holding a role in a city unit (市营商办, 市领导, the city's 12345 centre) or no unit at all
(the system administrator, applicants, the public) is not bounded by county. `scope.visible_to`
applies it after each model's own rule, through the model's registered `tenant`:

- a lookup to the unit that places a row in a county (`"unit"`, `"case__unit"`);
- `Within(lookup, city_shared=True)`: the county's rows and the city's own (a matter the city
  publishes for every county, a city policy);
- a function `(reach) -> Q` for rows placed some other way (a work order not yet dispatched, by
  its creator's county);
- `SHARED`: one set for the whole city (the calendar, firms, topic tree, credit rules).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q

from yingshang.processcache import TTLCache

SHARED = "shared"


@dataclass(frozen=True)
class Within:
    """Rows placed in a county by the unit `lookup` names; with `city_shared`, the city's own
    rows too (their unit's tenant is "")."""

    lookup: str
    city_shared: bool = False

    def q(self, reach: tuple[str, ...]) -> Q:
        counties = (*reach, "") if self.city_shared else reach
        if not self.lookup:  # the units themselves
            return Q(tenant__in=counties)
        return Q(**{f"{self.lookup}__in": unit_ids(counties)})


def unit_ids(counties: Iterable[str]) -> list[int]:
    """The ids of the units of `counties` (tenants; "" for the city's own units). Filters use
    this list of ids rather than a join on the unit's tenant: with the ids PostgreSQL reads a
    county's rows through an index that leads with the unit, where the join made it scan every
    row of the period — one county's monthly hotline KPIs over a city-year of 10M work orders
    took 0.98 s with the join and 0.42 s with the ids in the same run (3.4 s with the join when a
    month's orders lay spread over the table; bench/bench_city.py, bench/analysis.md)."""
    from yingshang.org.models import Unit

    units = Unit.objects.filter(tenant__in=tuple(counties)).order_by()
    return list(units.values_list("pk", flat=True))


Tenant = str | Within | Callable[[tuple[str, ...]], Q]


def as_filter(tenant: Tenant) -> Callable[[tuple[str, ...]], Q] | None:
    """The function that turns a reader's reach into a filter (None: shared by the city)."""
    if tenant == SHARED:
        return None
    if isinstance(tenant, str):
        return Within(tenant).q
    if isinstance(tenant, Within):
        return tenant.q
    if callable(tenant):
        return tenant
    raise TypeError(f"not a tenant rule: {tenant!r}")


def reach_of(tenants: Iterable[str]) -> tuple[str, ...] | None:
    """The counties a member of staff reads, from the tenants of the units they hold roles in:
    None (not bounded) when any of them is a city unit ("")."""
    held = set(tenants)
    if not held or "" in held:
        return None
    return tuple(sorted(held))


def home_of(actor) -> str:
    """The county an actor works for, as a tenant ("" for city staff, the system and everyone in
    a one-county deployment): what the records they keep for the whole of their area — an
    assessment scheme, its rankings — belong to."""
    from yingshang.org.scope import grants

    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    reach = grants(actor).reach
    return reach[0] if reach and len(reach) == 1 else ""


def tenant_for(parent) -> str:
    """The tenant of a new unit under `parent` (a county under a city is its own tenant; it is
    set once its path is known, by org.services)."""
    return parent.tenant if parent is not None else ""


def created_in(reach: tuple[str, ...], field: str = "created_by") -> Q:
    """Rows placed in a county by the county of the staff member who made them (imports); with
    `field` "", users by the counties they hold roles in."""
    from yingshang.org.models import RoleAssignment

    staff = RoleAssignment.objects.filter(revoked_at__isnull=True, unit__tenant__in=reach)
    # a list of ids, as unit_ids: an index on the creator can serve it (an EXISTS per row cannot)
    ids = sorted(set(staff.values_list("user_id", flat=True)))
    return Q(**{f"{field}_id__in" if field else "pk__in": ids})


_NAMES = TTLCache("org.county_names")


def county_names(reach: tuple[str, ...]) -> str:
    """The short names of the counties a reader is bounded to, for the page header ("示范二县")."""

    def load() -> str:
        from yingshang.org.models import Unit

        units = Unit.objects.filter(path__in=reach).order_by("sort_order", "id")
        return "、".join(u.display_name for u in units)

    return _NAMES.get(reach, load)


def counties() -> tuple[tuple[str, str, str], ...]:
    """(code, path, short name) of the counties of a city, in their order; empty in a one-county
    deployment (whose county is the root)."""

    def load() -> tuple[tuple[str, str, str], ...]:
        from yingshang.org.models import Unit

        rows = Unit.objects.filter(kind=Unit.Kind.COUNTY, parent__isnull=False)
        return tuple((u.code, u.path, u.display_name) for u in rows.order_by("sort_order", "id"))

    return _NAMES.get("all", load)


def labels() -> dict[str, str]:
    """{county path: short name} of the counties of a city; empty in a one-county deployment
    (pages show a 区县 column only when there is more than one)."""
    return {path: name for _code, path, name in counties()}
