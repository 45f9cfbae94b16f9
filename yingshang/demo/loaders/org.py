"""The demo county 示范县 (data/org/units.yaml) and one demo account per role
(data/org/people.yaml), created through the org services. Idempotent: what exists is kept."""

from django.core.management.base import CommandError
from django.db import transaction

from yingshang.demo.registry import load_yaml
from yingshang.enterprises.models import Firm
from yingshang.org import identifiers, services
from yingshang.org.models import RoleAssignment, Unit, User, Window
from yingshang.org.roles import Role

DEMO_PASSWORD = "Demo2026yingshang"

# Fields of a unit entry that are not Unit fields.
_NOT_UNIT_FIELDS = ("code", "name", "sections", "windows")


def _unit(admin, parent, kind, entry: dict, **extra) -> Unit:
    """The unit with this code, created from its data entry when it does not exist yet."""
    fields = {k: v for k, v in entry.items() if k not in _NOT_UNIT_FIELDS}
    return Unit.objects.filter(code=entry["code"]).first() or services.unit_create(
        actor=admin,
        parent=parent,
        kind=kind,
        code=entry["code"],
        name=entry["name"],
        **fields,
        **extra,
    )


def _admin() -> User:
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        # bootstrap: the first admin cannot be created by an admin
        admin = User.objects.create_user(
            "admin", password=DEMO_PASSWORD, real_name="系统管理员", mobile="13900000001"
        )
        RoleAssignment.objects.create(user=admin, role=Role.ADMIN)
        admin.refresh_from_db(fields=["roles_version"])  # the grant bumped it in the database
    return admin


def _units(admin, data: dict, parent: Unit | None = None) -> dict[str, Unit]:
    """A county (under `parent`, the city, in the two-county demo) with its centre, departments
    and towns, by unit code (the first county's also under the keys "county" and "centre")."""
    county = _unit(admin, parent, Unit.Kind.COUNTY, data["county"])
    centre = _unit(admin, county, Unit.Kind.CENTRE, data["centre"])
    units = {
        "county": county,
        "centre": centre,
        data["county"]["code"]: county,
        data["centre"]["code"]: centre,
    }
    for entry in data["departments"]:
        unit = units[entry["code"]] = _unit(admin, county, Unit.Kind.DEPARTMENT, entry)
        for order, section in enumerate(entry.get("sections", [])):
            units[section["code"]] = _unit(
                admin, unit, Unit.Kind.SECTION, section, sort_order=order
            )
    for entry in data.get("towns", []):
        units[entry["code"]] = _unit(admin, county, Unit.Kind.TOWN, entry)
    for window in data["centre"].get("windows", []):
        Window.objects.get_or_create(
            hall=centre,
            number=window["number"],
            defaults={"name": window["name"], "kind": Window.Kind.GENERAL},
        )
    return units


def _staff(admin, units: dict[str, Unit], people: list[dict]) -> None:
    centre = units["centre"]
    for person in people:
        user = User.objects.filter(username=person["username"]).first()
        if user is None:
            user = services.user_create(
                actor=admin,
                username=person["username"],
                password=DEMO_PASSWORD,
                real_name=person["real_name"],
                mobile=person["mobile"],
            )
        role = Role(person["role"])
        unit = units.get(person["unit"]) if person["unit"] else None
        services.role_grant(actor=admin, user=user, role=role, unit=unit)
        if role == Role.WINDOW_CLERK:
            Window.objects.filter(hall=centre, number="01", clerk__isnull=True).update(clerk=user)


def _applicants(people: list[dict]) -> None:
    for person in people:
        if User.objects.filter(username=person["username"]).exists():
            continue
        firm = None
        if person.get("firm"):
            data = dict(person["firm"])
            # the one normalisation and check (org.identifiers): a wrong demo code fails the load
            code = identifiers.clean_uscc(data.pop("uscc"))
            firm, _created = Firm.objects.get_or_create(uscc=code, defaults=data)
        # applicants register themselves: no acting admin
        services.user_create(
            actor=None,
            username=person["username"],
            password=DEMO_PASSWORD,
            real_name=person["real_name"],
            kind=User.Kind(person["kind"]),
            mobile=person["mobile"],
            id_number=person.get("id_number"),
            firm=firm,
        )


def _city(admin) -> Unit:
    """The city above the demo county (`yingshang demo --city`); refused on a database that
    already holds the one-county demo (a county at the top cannot be moved under a city:
    `make demo-city` starts from an empty database). The city's own units and the second county
    come after every app's demo records (yingshang.demo.city), so the generated history stays
    in the demo county."""
    data = load_yaml("org", "city.yaml")
    city = Unit.objects.filter(code=data["city"]["code"]).first()
    if city is None:
        if Unit.objects.filter(parent__isnull=True).exists():
            raise CommandError(
                "这个数据库里已有单县演示数据，县不能再移到市下面：请用 make demo-city 重建演示库"
            )
        city = _unit(admin, None, Unit.Kind.CITY, data["city"])
    return city


def second_county(city: Unit) -> dict[str, Unit]:
    """The city's own units and the second county, with their staff (data/org/city.yaml)."""
    admin = _admin()
    data = load_yaml("org", "city.yaml")
    for entry in data["city_units"]:
        _unit(admin, city, Unit.Kind.DEPARTMENT, entry)
    units = _units(admin, data["second_county"], parent=city)
    units.update({u.code: u for u in Unit.objects.filter(tenant="")})
    _staff(admin, units, data["staff"])
    return units


@transaction.atomic
def load_demo(ctx) -> None:
    admin = _admin()
    city = _city(admin) if ctx.city else None
    units = _units(admin, load_yaml("org", "units.yaml"), parent=city)
    people = load_yaml("org", "people.yaml")
    _staff(admin, units, people["staff"])
    _applicants(people["applicants"])
    ctx.data["units"] = units
    ctx.data["admin"] = admin


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(role, username, name, unit name) of every demo account, for `yingshang demo`."""
    people = load_yaml("org", "people.yaml")
    names = dict(Unit.objects.values_list("code", "name"))
    staff = people["staff"]
    if "city" in names:  # the two-county demo
        staff = staff + load_yaml("org", "city.yaml")["staff"]
    rows = [
        (Role(p["role"]).label, p["username"], p["real_name"], names.get(p["unit"], ""))
        for p in staff
    ]
    rows += [
        (str(Role.APPLICANT.label), p["username"], p["real_name"], "") for p in people["applicants"]
    ]
    return rows
