"""Matters: create one (publishing its version 1), publish a revision, localise a city matter for
a county, deactivate and activate.
Who may: the matter's abilities (catalog/scopes.py) — the administrator or a head of its unit."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.catalog.models import Matter, MatterVersion, Package
from yingshang.catalog.selectors import localisable
from yingshang.catalog.services.versions import (
    BASE_CODE,
    VERSION_FIELDS,
    form_field_data,
    implementation_code_for,
    material_data,
    raise_invalid,
    validate_form_fields,
    validate_materials,
    validate_version_data,
    version_data,
    version_publish,
)
from yingshang.errors import DomainError, InvalidInput


@transaction.atomic
def matter_create(
    *,
    actor,
    unit,
    base_code: str,
    implementation_code: str = "",
    materials=(),
    form_fields=(),
    note: str = "",
    **fields,
) -> Matter:
    """Create a matter and publish its version 1."""
    workflow.gate(actor, Matter(unit=unit), "revise")
    _refuse_unknown(fields, VERSION_FIELDS)
    base_code = (base_code or "").strip()
    errors = {}
    if not BASE_CODE.match(base_code):
        errors["base_code"] = _("基本编码无效（2–40位字母、数字或连字符）")
    code = (implementation_code or "").strip() or (
        implementation_code_for(base_code, unit) if not errors else ""
    )
    errors.update(_code_taken(code))
    data = dict(fields)
    materials = [dict(m) for m in materials]
    form_fields = [dict(f) for f in form_fields]
    errors.update(validate_version_data(data))
    errors.update(validate_materials(materials))
    errors.update(validate_form_fields(form_fields))
    raise_invalid(errors)
    matter = Matter.objects.create(
        base_code=base_code, implementation_code=code, unit=unit, name_cache=data["name"]
    )
    version = version_publish(
        matter=matter,
        number=1,
        data=data,
        materials=materials,
        form_fields=form_fields,
        actor=actor,
        note=note or _("首次发布"),
    )
    workflow.record(
        actor,
        "matter.create",
        matter,
        after={
            "implementation_code": code,
            "version": 1,
            **version_data(version),
            "materials": [m["key"] for m in materials],
        },
        reason=note,
    )
    return matter


@transaction.atomic
def matter_revise(*, actor, matter: Matter, changes: dict, note: str) -> MatterVersion:
    """Publish version N+1: a copy of the current version, its materials and form fields, with
    `changes` applied (`materials` / `form_fields` in changes replace the whole list; a material
    keeping its key keeps its template and example files unless new ones are given)."""
    matter = workflow.acquire(
        actor, Matter, matter, action="revise", queryset=Matter.objects.select_related("unit")
    )
    note = (note or "").strip()
    if not note:
        raise InvalidInput(
            "CATALOG_NOTE_REQUIRED",
            _("请填写变更说明"),
            details={"fields": {"note": _("请填写变更说明")}},
        )
    current = matter.current_version
    _refuse_unknown(changes, (*VERSION_FIELDS, "materials", "form_fields"))
    data, materials, form_fields = _copy_with(current, changes)
    number = (matter.versions.aggregate(n=Max("version"))["n"] or 0) + 1
    before = {
        **version_data(current),
        "materials": sorted(m.key for m in current.materials.all()),
    }
    version = version_publish(
        matter=matter,
        number=number,
        data=data,
        materials=materials,
        form_fields=form_fields,
        actor=actor,
        note=note,
    )
    after = {**version_data(version), "materials": sorted(m["key"] for m in materials)}
    workflow.record(
        actor,
        "matter.revise",
        matter,
        before={"version": current.version, **before},
        after={"version": number, **after},
        reason=note,
    )
    return version


@transaction.atomic
def matter_localise(*, actor, source: Matter, unit, changes: dict, note: str) -> Matter:
    """A county adopts a matter the city publishes (本地化, 本县承接): a matter of `unit` (a unit
    of a county) with the city matter's base code and its own implementation code, localising
    `source`; its version 1 is a copy of the city's current version — data, materials with
    their blank and example forms, form fields — with the county's `changes` (version fields:
    its promised days, place, hours, phone, fee …). The county's readers are then offered it
    instead of the city's (catalog.selectors.for_county)."""
    workflow.gate(actor, Matter(unit=unit), "revise")
    # the source row locked: two heads of one county localising it at once cannot both pass
    # the one-localisation check below
    source = workflow.acquire(
        actor, Matter, source, queryset=Matter.objects.select_related("unit", "current_version")
    )
    if not localisable(source):
        raise InvalidInput("CATALOG_NOT_CITY_MATTER", _("只能本地化市级部门发布且在用的事项"))
    if unit.tenant == "":
        raise InvalidInput(
            "CATALOG_UNIT_NOT_IN_COUNTY",
            _("只有县（区）的单位可以本地化市级事项"),
            details={"fields": {"unit": _("请选择本县（区）的单位")}},
        )
    existing = Matter.objects.filter(
        localised_from=source, is_active=True, unit__tenant=unit.tenant
    ).first()
    if existing is not None:
        raise InvalidInput(
            "CATALOG_ALREADY_LOCALISED",
            _("本县（区）已本地化该事项（实施编码 %(c)s）") % {"c": existing.implementation_code},
            details={"implementation_code": existing.implementation_code},
        )
    _refuse_unknown(changes, VERSION_FIELDS)
    data, materials, form_fields = _copy_with(source.current_version, changes)
    code = implementation_code_for(source.base_code, unit)
    raise_invalid(_code_taken(code))
    note = (note or "").strip() or _("本地化市级事项 %(c)s") % {"c": source.implementation_code}
    matter = Matter.objects.create(
        base_code=source.base_code,
        implementation_code=code,
        unit=unit,
        localised_from=source,
        name_cache=data["name"],
    )
    version_publish(
        matter=matter,
        number=1,
        data=data,
        materials=materials,
        form_fields=form_fields,
        actor=actor,
        note=note,
    )
    city = version_data(source.current_version)
    workflow.record(
        actor,
        "matter.localise",
        matter,
        after={
            "implementation_code": code,
            "source": source.implementation_code,
            "changed": sorted(k for k in changes if data[k] != city[k]),
        },
        reason=note,
    )
    return matter


@transaction.atomic
def matter_deactivate(*, actor, matter: Matter, reason: str) -> Matter:
    matter = workflow.acquire(actor, Matter, matter, action="revise")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "CATALOG_REASON_REQUIRED",
            _("请填写停用原因"),
            details={"fields": {"reason": _("请填写停用原因")}},
        )
    if not matter.is_active:
        raise DomainError("MATTER_ALREADY_INACTIVE", _("该事项已停用"))
    active_packages = list(
        Package.objects.filter(members__matter=matter, is_active=True).values_list(
            "name", flat=True
        )
    )
    if active_packages:
        raise DomainError(
            "MATTER_IN_PACKAGE",
            _("该事项属于一件事“%(p)s”，请先调整一件事") % {"p": "、".join(active_packages)},
        )
    matter.is_active = False
    matter.deactivated_at = timezone.now()
    matter.deactivate_reason = reason[:200]
    matter.save(update_fields=["is_active", "deactivated_at", "deactivate_reason"])
    workflow.record(
        actor,
        "matter.deactivate",
        matter,
        before={"is_active": True},
        after={"is_active": False},
        reason=reason,
    )
    return matter


@transaction.atomic
def matter_activate(*, actor, matter: Matter, reason: str = "") -> Matter:
    matter = workflow.acquire(actor, Matter, matter, action="revise")
    if matter.is_active:
        raise DomainError("MATTER_ALREADY_ACTIVE", _("该事项已启用"))
    matter.is_active = True
    matter.save(update_fields=["is_active"])
    workflow.record(
        actor,
        "matter.activate",
        matter,
        before={"is_active": False},
        after={"is_active": True},
        reason=reason,
    )
    return matter


def _refuse_unknown(changes, allowed) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise InvalidInput(
            "CATALOG_UNKNOWN_FIELD", _("未知字段：%(f)s") % {"f": "、".join(sorted(unknown))}
        )


def _code_taken(code: str) -> dict[str, str]:
    if code and Matter.objects.filter(implementation_code=code).exists():
        return {"implementation_code": _("实施编码“%(c)s”已存在") % {"c": code}}
    return {}


def _copy_with(current: MatterVersion, changes: dict) -> tuple[dict, list[dict], list[dict]]:
    """The data, materials and form fields of a copy of `current` with `changes` applied
    (`materials` / `form_fields` in changes replace the whole list; a material keeping its key
    keeps its template and example files unless new ones are given), validated: InvalidInput
    naming every field that is wrong."""
    data = version_data(current)
    data.update({k: v for k, v in changes.items() if k in VERSION_FIELDS})
    old_materials = {m.key: material_data(m) for m in current.materials.all()}
    if "materials" in changes:
        materials = []
        for m in changes["materials"]:
            m = dict(m)
            previous = old_materials.get((m.get("key") or "").strip(), {})
            for file_field in ("template", "example"):
                if not m.get(file_field):
                    m[file_field] = previous.get(file_field, "")
            materials.append(m)
    else:
        materials = list(old_materials.values())
    if "form_fields" in changes:
        form_fields = [dict(f) for f in changes["form_fields"]]
    else:
        form_fields = [form_field_data(f) for f in current.form_fields.all()]
    errors = validate_version_data(data)
    errors.update(validate_materials(materials))
    errors.update(validate_form_fields(form_fields))
    raise_invalid(errors)
    return data, materials, form_fields
