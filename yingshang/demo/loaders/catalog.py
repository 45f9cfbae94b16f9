"""Demo catalogue of 示范县 (data/catalog/): the matters of the demo units with their materials,
form fields, limits and legal basis, published through the catalogue services, and the 一件事
packages 开办餐饮店, 企业开办 and 水电气网联合报装. Idempotent: existing matters and packages are
kept. `generate` adds benchmark volume (licence sub-items and every town's matters)."""

import io
from functools import cache

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from yingshang.catalog import services
from yingshang.catalog.models import FormField, Material, Matter, MatterType, MatterVersion, Package
from yingshang.demo.registry import data_file, load_yaml

# Keys of a matter entry that are version fields (the rest: codes, material and field keys).
_VERSION_KEYS = (
    "name",
    "matter_type",
    "handling_kind",
    "legal_limit_days",
    "promised_limit_days",
    "fee",
    "max_visits",
    "online",
    "conditions",
    "legal_basis",
    "themes",
    "life_events",
    "faq",
    "special_procedures",
)


@cache
def materials() -> dict[str, dict]:
    return load_yaml("catalog", "materials.yaml")


@cache
def form_fields() -> dict[str, dict]:
    return load_yaml("catalog", "form_fields.yaml")


def matters() -> list[tuple[str, dict]]:
    """(unit code, matter entry) of every demo matter, unit file by unit file."""
    out = []
    for path in sorted(data_file("catalog", "matters").glob("*.yaml")):
        data = load_yaml("catalog", f"matters/{path.name}")
        out.extend((data["unit"], entry) for entry in data["matters"])
    return out


def material_rows(keys, name: str) -> list[dict]:
    """The materials of a matter called `name`, as matter_create takes them."""
    rows = []
    for order, key in enumerate(keys):
        item = materials()[key]
        rows.append(
            {
                "key": key,
                # each matter's own application form carries its name
                "name": f"《{name}》申请表" if key == "application_form" else item["name"],
                "required": item.get("required", True),
                "form": item["form"],
                "copies": 1,
                "deficit_allowed": item.get("deficit_allowed", False),
                "commitment_replaces": item.get("commitment_replaces", False),
                "notes": item.get("notes", ""),
                "order": order,
            }
        )
    return rows


def field_rows(keys) -> list[dict]:
    rows = []
    for order, key in enumerate(keys):
        item = form_fields()[key]
        rows.append(
            {
                "key": key,
                "label": item["label"],
                "field_type": item["type"],
                "required": item.get("required", True),
                "profile_source": item.get("profile_source", ""),
                "choices": list(item.get("choices", [])),
                "order": order,
            }
        )
    return rows


def version_fields(entry: dict, hall: dict) -> dict:
    """MatterVersion fields of a demo matter entry handled at `hall` (address, hours, phone)."""
    fields = {key: entry[key] for key in _VERSION_KEYS if key in entry}
    fields.setdefault("fee", "不收费")
    fields.setdefault("faq", [])
    fields.setdefault("special_procedures", [])
    fields.update(
        address=hall["address"],
        hours=hall["hours"],
        phone=hall["phone"],
        appointment=not entry.get("online", False) or entry.get("max_visits", 1) > 0,
    )
    return fields


def _form_file(base: str, name: str, field_keys, *, example: bool) -> str:
    """A blank (or filled-in example) application form as .xlsx under MEDIA_ROOT; written once."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = f"catalog/demo/{base}-{'example' if example else 'template'}.xlsx"
    if default_storage.exists(path):
        return path
    examples = load_yaml("catalog", "form_examples.yaml")
    wb = Workbook()
    ws = wb.active
    ws.title = "申请表"
    ws.append([f"《{name}》申请表" + ("（填写示例）" if example else "")])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    for key in field_keys:
        ws.append([form_fields()[key]["label"], examples.get(key, "（示例）") if example else ""])
    ws.append([])
    ws.append(["申请人（签字/盖章）", "张三" if example else ""])
    ws.append(["申请日期", "2026年11月22日" if example else "    年  月  日"])
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 48
    buffer = io.BytesIO()
    wb.save(buffer)
    return default_storage.save(path, ContentFile(buffer.getvalue()))


def matter_publish(admin, unit, entry: dict, hall: dict) -> Matter:
    """A demo matter entry published through the catalogue service, its blank (and example)
    application form written under MEDIA_ROOT."""
    base, name = entry["base_code"], entry["name"]
    rows = material_rows(entry["materials"], name)
    for material in rows:
        if material["key"] == "application_form":
            material["template"] = _form_file(base, name, entry["form_fields"], example=False)
            if entry.get("example_form"):
                material["example"] = _form_file(base, name, entry["form_fields"], example=True)
    return services.matter_create(
        actor=admin,
        unit=unit,
        base_code=base,
        materials=rows,
        form_fields=field_rows(entry["form_fields"]),
        note="示范目录首次发布",
        **version_fields(entry, hall),
    )


@transaction.atomic
def load_demo(ctx) -> None:
    units = ctx.data["units"]
    admin = ctx.data["admin"]
    hall = load_yaml("catalog", "hall.yaml")
    by_base = {}
    for unit_code, entry in matters():
        unit = units.get(unit_code) or units["xzsp"]
        matter = Matter.objects.filter(base_code=entry["base_code"], unit=unit).first()
        by_base[entry["base_code"]] = matter or matter_publish(admin, unit, entry, hall)
    for entry in load_yaml("catalog", "packages.yaml"):
        if Package.objects.filter(code=entry["code"]).exists():
            continue
        services.package_create(
            actor=admin,
            code=entry["code"],
            name=entry["name"],
            lead_unit=units[entry["lead_unit"]],
            promised_limit_days=entry["promised_limit_days"],
            matters=[by_base[base] for base in entry["matters"]],
            description=entry["description"],
            life_event=entry["life_event"],
            theme=entry["theme"],
        )
        if entry.get("form") or entry.get("outputs"):
            # the package's own form and its members' outputs (catalog.services.package_define)
            services.package_define(
                actor=admin,
                package=Package.objects.get(code=entry["code"]),
                form_fields=entry.get("form"),
                outputs={by_base[b].pk: o for b, o in (entry.get("outputs") or {}).items()},
            )
    ctx.data["matters"] = by_base
    ctx.data["packages"] = {p.code: p for p in Package.objects.all()}
    ctx.log(f"    {len(by_base)} matters, {Package.objects.count()} packages")


# --- benchmark volume --------------------------------------------------------------------------
# The sub-items every demo licence gets in the volume (base code …00k for the k-th).
SUB_ITEMS = ["变更", "延续", "注销"]
PERSON_FIELDS = ["applicant.name", "applicant.id_number", "applicant.mobile"]


def _volume_rows(units: dict, towns: list) -> list[tuple]:
    """(base code, unit, version fields, material keys, field keys) of the volume matters."""
    hall = load_yaml("catalog", "hall.yaml")
    rows = []
    for unit_code, entry in matters():
        unit = units.get(unit_code)
        if unit is None or entry["matter_type"] != MatterType.LICENSING:
            continue
        for k, variant in enumerate(SUB_ITEMS, start=1):
            fields = version_fields(entry, hall)
            fields.update(
                name=f"{entry['name']}（{variant}）",
                faq=[],
                special_procedures=[],
                promised_limit_days=max(0, entry["promised_limit_days"] - 2),
            )
            base = f"{entry['base_code'][:-3]}00{k}"
            rows.append((base, unit, fields, entry["materials"], entry["form_fields"]))
    town_matters = load_yaml("catalog", "town_matters.yaml")
    for town in towns:
        town_hall = {
            "address": f"{town.name}便民服务中心",
            "hours": hall["hours"],
            "phone": town.phone,
        }
        for entry in town_matters:
            town_entry = {**entry, "fee": "不收费", "max_visits": 1, "online": False}
            fields = version_fields(town_entry, town_hall)
            fields["appointment"] = True
            rows.append(
                (f"{entry['base_code']}000", town, fields, entry["materials"], PERSON_FIELDS)
            )
    return rows


def generate(ctx, scale) -> dict:
    """A few hundred extra matters (bulk-created, no services) for benchmarks: the sub-items
    (变更/延续/注销) of the demo licences and the matters of every town's service centre, with
    the search text the catalogue's own rule builds (services.build_search_text: names,
    materials, themes and life events, unit, conditions)."""
    from yingshang.org.models import Unit

    if scale.factor <= 0:
        return {"matters": 0}
    units = {u.code: u for u in Unit.objects.all()}
    towns = list(Unit.objects.filter(kind=Unit.Kind.TOWN).order_by("id"))
    existing = set(Matter.objects.values_list("implementation_code", flat=True))
    pending = []
    for base, unit, fields, material_keys, field_keys in _volume_rows(units, towns):
        code = services.implementation_code_for(base, unit)
        if code not in existing:
            matter = Matter(
                base_code=base, implementation_code=code, unit=unit, name_cache=fields["name"]
            )
            pending.append((matter, fields, material_keys, field_keys))
    new_matters = [p[0] for p in pending]
    Matter.objects.bulk_create(new_matters, batch_size=500)
    versions = [
        MatterVersion(matter=m, version=1, change_note="批量生成", **fields)
        for m, fields, _materials, _fields in pending
    ]
    MatterVersion.objects.bulk_create(versions, batch_size=500)
    material_objs, field_objs = [], []
    for matter, version, (_m, fields, material_keys, field_keys) in zip(
        new_matters, versions, pending, strict=True
    ):
        rows = material_rows(material_keys, fields["name"])
        material_objs.extend(Material(version=version, **d) for d in rows)
        field_objs.extend(FormField(version=version, **d) for d in field_rows(field_keys))
        matter.current_version = version
        matter.search_text = services.build_search_text(matter, version, rows)
    Material.objects.bulk_create(material_objs, batch_size=1000)
    FormField.objects.bulk_create(field_objs, batch_size=1000)
    Matter.objects.bulk_update(new_matters, ["current_version", "search_text"], batch_size=500)
    return {"matters": len(new_matters)}
