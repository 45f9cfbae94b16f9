"""The demo county 示范县 (data/org/units.yaml) and one demo account per role
(data/org/people.yaml), created through the org services. Idempotent: what exists is kept."""

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
    return admin


def _units(admin) -> dict[str, Unit]:
    data = load_yaml("org", "units.yaml")
    county = _unit(admin, None, Unit.Kind.COUNTY, data["county"])
    centre = _unit(admin, county, Unit.Kind.CENTRE, data["centre"])
    units = {"county": county, "centre": centre}
    for entry in data["departments"]:
        unit = units[entry["code"]] = _unit(admin, county, Unit.Kind.DEPARTMENT, entry)
        for order, section in enumerate(entry.get("sections", [])):
            units[section["code"]] = _unit(
                admin, unit, Unit.Kind.SECTION, section, sort_order=order
            )
    for entry in data["towns"]:
        units[entry["code"]] = _unit(admin, county, Unit.Kind.TOWN, entry)
    for window in data["centre"]["windows"]:
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


@transaction.atomic
def load_demo(ctx) -> None:
    admin = _admin()
    units = _units(admin)
    people = load_yaml("org", "people.yaml")
    _staff(admin, units, people["staff"])
    _applicants(people["applicants"])
    ctx.data["units"] = units
    ctx.data["admin"] = admin


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(role, username, name, unit name) of every demo account, for `yingshang demo`."""
    people = load_yaml("org", "people.yaml")
    names = dict(Unit.objects.values_list("code", "name"))
    rows = [
        (Role(p["role"]).label, p["username"], p["real_name"], names.get(p["unit"], ""))
        for p in people["staff"]
    ]
    rows += [
        (str(Role.APPLICANT.label), p["username"], p["real_name"], "") for p in people["applicants"]
    ]
    return rows
