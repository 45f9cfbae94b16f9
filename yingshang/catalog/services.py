"""Writes to the catalogue. A matter's content is an immutable published version: a change makes
version N+1 (copied from the current one with the changes applied). Nothing is deleted."""

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang.audit import services as audit
from yingshang.catalog.models import (
    FormField,
    HandlingKind,
    Material,
    Matter,
    MatterType,
    MatterVersion,
    Package,
    PackageMember,
)
from yingshang.catalog.vocab import LIFE_EVENTS, THEMES
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.org.roles import Role
from yingshang.org.scope import grants

# Fields of MatterVersion a caller may set (the rest is bookkeeping).
VERSION_FIELDS = (
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
    "address",
    "hours",
    "phone",
    "faq",
    "themes",
    "life_events",
    "special_procedures",
    "appointment",
)
MATERIAL_FIELDS = (
    "key",
    "name",
    "required",
    "form",
    "copies",
    "template",
    "example",
    "deficit_allowed",
    "commitment_replaces",
    "notes",
    "order",
)
FORM_FIELD_FIELDS = ("key", "label", "field_type", "required", "choices", "order", "profile_source")

_SLUG = re.compile(r"^[a-z0-9_][a-z0-9_-]*$")
_FIELD_KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
_BASE_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{1,39}$")


# --- actor checks ------------------------------------------------------------------------------
def _require_admin(actor) -> None:
    if actor is None or not grants(actor).has(Role.ADMIN):
        raise PermissionDeniedError("CATALOG_FORBIDDEN", _("只有系统管理员可以维护事项目录"))


def _require_matter_editor(actor, unit_id: int) -> None:
    if actor is None:
        raise PermissionDeniedError(
            "CATALOG_FORBIDDEN", _("只有系统管理员或本单位负责人可以维护该事项")
        )
    g = grants(actor)
    if g.has(Role.ADMIN) or unit_id in g.units(Role.DEPT_HEAD):
        return
    raise PermissionDeniedError(
        "CATALOG_FORBIDDEN", _("只有系统管理员或本单位负责人可以维护该事项")
    )


def _role_of(actor) -> str:
    g = grants(actor)
    return Role.ADMIN if g.has(Role.ADMIN) else Role.DEPT_HEAD


# --- codes -------------------------------------------------------------------------------------
def region12(unit) -> str:
    """The 12-digit region code of the unit (its own, an ancestor's, or the county's + 000000)."""
    node = unit
    while node is not None:
        if node.region_code and len(node.region_code) == 12:
            return node.region_code
        node = node.parent
    return settings.COUNTY_REGION_CODE + "000000"


def implementation_code_for(base_code: str, unit) -> str:
    return f"{base_code}-{region12(unit)}-000-{unit.code.upper()}-1-00"


# --- validation --------------------------------------------------------------------------------
def _int(value, field: str, errors: dict, label: str) -> int | None:
    if value is None or value == "":
        errors[field] = _("%(label)s不能为空") % {"label": label}
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[field] = _("%(label)s必须是整数") % {"label": label}
        return None
    if number < 0:
        errors[field] = _("%(label)s不能为负数") % {"label": label}
        return None
    return number


def validate_version_data(data: dict) -> dict[str, str]:
    """Field → Chinese message for everything wrong with a version's data (empty if valid).
    Normalises `data` in place (integers, lists)."""
    errors: dict[str, str] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = _("事项名称不能为空")
    elif len(name) > 200:
        errors["name"] = _("事项名称不能超过200个字符")
    data["name"] = name
    if data.get("matter_type") not in MatterType.values:
        errors["matter_type"] = _("事项类型无效，可选：%(v)s") % {
            "v": "、".join(str(label) for label in MatterType.labels)
        }
    if data.get("handling_kind") not in HandlingKind.values:
        errors["handling_kind"] = _("办件类型无效，可选：即办件、承诺件")
    legal = _int(data.get("legal_limit_days"), "legal_limit_days", errors, _("法定办结时限"))
    promised = _int(
        data.get("promised_limit_days"), "promised_limit_days", errors, _("承诺办结时限")
    )
    if legal is not None and promised is not None:
        data["legal_limit_days"], data["promised_limit_days"] = legal, promised
        if promised > legal:
            errors["promised_limit_days"] = _(
                "承诺办结时限（%(p)s 个工作日）不得超过法定办结时限（%(l)s 个工作日）"
            ) % {"p": promised, "l": legal}
    if "max_visits" in data:
        visits = _int(data.get("max_visits"), "max_visits", errors, _("到现场次数"))
        if visits is not None:
            data["max_visits"] = visits
    for key in ("faq", "themes", "life_events", "special_procedures"):
        if data.get(key) is None:
            data[key] = []
        if not isinstance(data[key], list):
            errors[key] = _("格式无效，应为列表")
    if not errors.get("faq"):
        for item in data.get("faq", []):
            if (
                not isinstance(item, dict)
                or not str(item.get("q", "")).strip()
                or not str(item.get("a", "")).strip()
            ):
                errors["faq"] = _("常见问题每一条都要有问题和答案")
                break
    unknown = (
        [t for t in data.get("themes", []) if t not in THEMES] if not errors.get("themes") else []
    )
    if unknown:
        errors["themes"] = _("未知的主题：%(v)s") % {"v": "、".join(map(str, unknown))}
    unknown = (
        [t for t in data.get("life_events", []) if t not in LIFE_EVENTS]
        if not errors.get("life_events")
        else []
    )
    if unknown:
        errors["life_events"] = _("未知的生命周期事件：%(v)s") % {"v": "、".join(map(str, unknown))}
    if not errors.get("special_procedures"):
        normalised = []
        for item in data.get("special_procedures", []):
            try:
                days = int(item.get("max_days", 0)) if isinstance(item, dict) else -1
            except (TypeError, ValueError):
                days = -1
            if not isinstance(item, dict) or not str(item.get("name", "")).strip() or days < 0:
                errors["special_procedures"] = _("特别程序每一条都要有名称和不小于0的最长天数")
                break
            normalised.append(
                {
                    "name": str(item["name"]).strip(),
                    "max_days": days,
                    "counted": bool(item.get("counted", False)),
                }
            )
        else:
            data["special_procedures"] = normalised
    return errors


def validate_materials(materials: list[dict]) -> dict[str, str]:
    errors: dict[str, str] = {}
    seen = set()
    for i, m in enumerate(materials, start=1):
        key = (m.get("key") or "").strip()
        if not key or not _SLUG.match(key):
            errors[f"materials.{i}.key"] = _(
                "第%(i)s项材料的标识无效（只能用小写字母、数字、下划线）"
            ) % {"i": i}
        elif key in seen:
            errors[f"materials.{i}.key"] = _("材料标识“%(k)s”重复") % {"k": key}
        seen.add(key)
        m["key"] = key
        if not (m.get("name") or "").strip():
            errors[f"materials.{i}.name"] = _("第%(i)s项材料的名称不能为空") % {"i": i}
        if m.get("form", Material.Form.ORIGINAL) not in Material.Form.values:
            errors[f"materials.{i}.form"] = _("第%(i)s项材料的形式无效") % {"i": i}
        try:
            if int(m.get("copies", 1)) < 1:
                raise ValueError
        except (TypeError, ValueError):
            errors[f"materials.{i}.copies"] = _("第%(i)s项材料的份数必须是正整数") % {"i": i}
    return errors


def validate_form_fields(fields: list[dict]) -> dict[str, str]:
    errors: dict[str, str] = {}
    seen = set()
    for i, f in enumerate(fields, start=1):
        key = (f.get("key") or "").strip()
        if not key or not _FIELD_KEY.match(key):
            errors[f"form_fields.{i}.key"] = _("第%(i)s个表单字段的标识无效（如 firm.name）") % {
                "i": i
            }
        elif key in seen:
            errors[f"form_fields.{i}.key"] = _("表单字段标识“%(k)s”重复") % {"k": key}
        seen.add(key)
        f["key"] = key
        if not (f.get("label") or "").strip():
            errors[f"form_fields.{i}.label"] = _("第%(i)s个表单字段的名称不能为空") % {"i": i}
        if f.get("field_type", FormField.FieldType.TEXT) not in FormField.FieldType.values:
            errors[f"form_fields.{i}.field_type"] = _("第%(i)s个表单字段的类型无效") % {"i": i}
        if f.get("field_type") == FormField.FieldType.CHOICE and not f.get("choices"):
            errors[f"form_fields.{i}.choices"] = _(
                "第%(i)s个表单字段是选项类型，必须给出可选项"
            ) % {"i": i}
    return errors


def _raise_invalid(errors: dict[str, str]) -> None:
    if errors:
        raise InvalidInput(
            "CATALOG_INVALID", "；".join(errors.values()), details={"fields": errors}
        )


# --- helpers -----------------------------------------------------------------------------------
def version_data(version: MatterVersion) -> dict[str, Any]:
    return {f: getattr(version, f) for f in VERSION_FIELDS}


def material_data(material: Material) -> dict[str, Any]:
    data = {f: getattr(material, f) for f in MATERIAL_FIELDS}
    data["template"] = material.template.name or ""
    data["example"] = material.example.name or ""
    return data


def form_field_data(field: FormField) -> dict[str, Any]:
    return {f: getattr(field, f) for f in FORM_FIELD_FIELDS}


def _publish(
    *,
    matter: Matter,
    number: int,
    data: dict,
    materials: list[dict],
    form_fields: list[dict],
    actor,
    note: str,
):
    version = MatterVersion(
        matter=matter, version=number, created_by=actor, change_note=note[:300], **data
    )
    try:
        version.full_clean(
            exclude=["matter", "created_by"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        _raise_invalid({field: "；".join(messages) for field, messages in exc.message_dict.items()})
    version.save()
    Material.objects.bulk_create(
        [
            Material(
                version=version, **{f: m.get(f) for f in MATERIAL_FIELDS if m.get(f) is not None}
            )
            for m in materials
        ]
    )
    FormField.objects.bulk_create(
        [
            FormField(
                version=version,
                **{f: ff.get(f) for f in FORM_FIELD_FIELDS if ff.get(f) is not None},
            )
            for ff in form_fields
        ]
    )
    matter.current_version = version
    matter.name_cache = version.name
    matter.search_text = build_search_text(matter, version, materials)
    matter.save(update_fields=["current_version", "name_cache", "search_text"])
    return version


def build_search_text(
    matter: Matter, version: MatterVersion, materials: list[dict] | None = None
) -> str:
    if materials is None:
        materials = [{"name": m.name} for m in version.materials.all()]
    packages = (
        list(
            Package.objects.filter(members__matter=matter, is_active=True).values_list(
                "name", "description"
            )
        )
        if matter.pk
        else []
    )
    parts = [
        version.name,
        " ".join(m.get("name", "") for m in materials),
        " ".join(f"{n} {d}" for n, d in packages),
        " ".join(str(THEMES.get(t, t)) for t in version.themes or []),
        " ".join(str(LIFE_EVENTS.get(t, t)) for t in version.life_events or []),
        matter.unit.name if matter.unit_id else "",
        version.conditions,
    ]
    return "\n".join(p for p in parts if p).lower()


def _refresh_search_text(matters) -> None:
    for matter in matters:
        if matter.current_version_id:
            matter.search_text = build_search_text(matter, matter.current_version)
            matter.save(update_fields=["search_text"])


# --- matters -----------------------------------------------------------------------------------
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
    _require_matter_editor(actor, unit.pk)
    unknown = set(fields) - set(VERSION_FIELDS)
    if unknown:
        raise InvalidInput(
            "CATALOG_UNKNOWN_FIELD", _("未知字段：%(f)s") % {"f": "、".join(sorted(unknown))}
        )
    base_code = (base_code or "").strip()
    errors = {}
    if not _BASE_CODE.match(base_code):
        errors["base_code"] = _("基本编码无效（2–40位字母、数字或连字符）")
    code = (implementation_code or "").strip() or (
        implementation_code_for(base_code, unit) if not errors else ""
    )
    if code and Matter.objects.filter(implementation_code=code).exists():
        errors["implementation_code"] = _("实施编码“%(c)s”已存在") % {"c": code}
    data = dict(fields)
    materials = [dict(m) for m in materials]
    form_fields = [dict(f) for f in form_fields]
    errors.update(validate_version_data(data))
    errors.update(validate_materials(materials))
    errors.update(validate_form_fields(form_fields))
    _raise_invalid(errors)
    matter = Matter.objects.create(
        base_code=base_code, implementation_code=code, unit=unit, name_cache=data["name"]
    )
    version = _publish(
        matter=matter,
        number=1,
        data=data,
        materials=materials,
        form_fields=form_fields,
        actor=actor,
        note=note or _("首次发布"),
    )
    audit.record(
        actor=actor,
        action="matter.create",
        obj=matter,
        role=_role_of(actor),
        unit=unit,
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
    matter = Matter.objects.select_for_update().select_related("unit").get(pk=matter.pk)
    _require_matter_editor(actor, matter.unit_id)
    note = (note or "").strip()
    if not note:
        raise InvalidInput(
            "CATALOG_NOTE_REQUIRED",
            _("请填写变更说明"),
            details={"fields": {"note": _("请填写变更说明")}},
        )
    current = matter.current_version
    unknown = set(changes) - set(VERSION_FIELDS) - {"materials", "form_fields"}
    if unknown:
        raise InvalidInput(
            "CATALOG_UNKNOWN_FIELD", _("未知字段：%(f)s") % {"f": "、".join(sorted(unknown))}
        )
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
    _raise_invalid(errors)
    number = (matter.versions.aggregate(n=Max("version"))["n"] or 0) + 1
    before = {**version_data(current), "materials": sorted(old_materials)}
    version = _publish(
        matter=matter,
        number=number,
        data=data,
        materials=materials,
        form_fields=form_fields,
        actor=actor,
        note=note,
    )
    after = {**version_data(version), "materials": sorted(m["key"] for m in materials)}
    audit.record(
        actor=actor,
        action="matter.revise",
        obj=matter,
        role=_role_of(actor),
        unit=matter.unit,
        before={"version": current.version, **before},
        after={"version": number, **after},
        reason=note,
    )
    return version


@transaction.atomic
def matter_deactivate(*, actor, matter: Matter, reason: str) -> Matter:
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    _require_matter_editor(actor, matter.unit_id)
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
    audit.record(
        actor=actor,
        action="matter.deactivate",
        obj=matter,
        role=_role_of(actor),
        unit=matter.unit_id,
        before={"is_active": True},
        after={"is_active": False},
        reason=reason,
    )
    return matter


@transaction.atomic
def matter_activate(*, actor, matter: Matter, reason: str = "") -> Matter:
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    _require_matter_editor(actor, matter.unit_id)
    if matter.is_active:
        raise DomainError("MATTER_ALREADY_ACTIVE", _("该事项已启用"))
    matter.is_active = True
    matter.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="matter.activate",
        obj=matter,
        role=_role_of(actor),
        unit=matter.unit_id,
        before={"is_active": False},
        after={"is_active": True},
        reason=reason,
    )
    return matter


# --- packages ----------------------------------------------------------------------------------
def _validate_package(
    *,
    code: str,
    name: str,
    lead_unit,
    promised_limit_days,
    matters: list[Matter],
    package: Package | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not code or not _SLUG.match(code):
        errors["code"] = _("代号无效（只能用小写字母、数字、下划线和连字符）")
    elif Package.objects.filter(code=code).exclude(pk=getattr(package, "pk", None)).exists():
        errors["code"] = _("代号“%(c)s”已被使用") % {"c": code}
    if not (name or "").strip():
        errors["name"] = _("名称不能为空")
    if lead_unit is None:
        errors["lead_unit"] = _("请选择牵头单位")
    if len(matters) < 2:
        errors["matters"] = _("一件事至少包含两个事项")
    elif len({m.pk for m in matters}) != len(matters):
        errors["matters"] = _("同一事项不能重复加入")
    inactive = [m.name for m in matters if not m.is_active or m.current_version_id is None]
    if inactive:
        errors["matters"] = _("以下事项已停用，不能加入：%(m)s") % {"m": "、".join(inactive)}
    try:
        limit = int(promised_limit_days)
        if limit < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors["promised_limit_days"] = _("承诺办结时限必须是不小于0的整数")
    else:
        if matters and not errors.get("matters"):
            longest = max(m.current_version.promised_limit_days for m in matters)
            if limit > longest:
                errors["promised_limit_days"] = _(
                    "一件事的承诺时限（%(p)s 个工作日）不得超过成员事项中最长的承诺时限（%(l)s 个工作日）"
                ) % {"p": limit, "l": longest}
    return errors


def _load_matters(matters) -> list[Matter]:
    ids = [getattr(m, "pk", m) for m in matters]
    found = {
        m.pk: m for m in Matter.objects.select_related("current_version", "unit").filter(pk__in=ids)
    }
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise InvalidInput(
            "CATALOG_INVALID",
            _("事项不存在：%(m)s") % {"m": "、".join(missing)},
            details={"fields": {"matters": _("事项不存在")}},
        )
    return [found[i] for i in ids]


@transaction.atomic
def package_create(
    *,
    actor,
    code: str,
    name: str,
    lead_unit,
    promised_limit_days: int,
    matters,
    description: str = "",
    life_event: str = "",
    theme: str = "",
) -> Package:
    _require_admin(actor)
    code = (code or "").strip()
    members = _load_matters(matters)
    errors = _validate_package(
        code=code,
        name=name,
        lead_unit=lead_unit,
        promised_limit_days=promised_limit_days,
        matters=members,
    )
    if life_event and life_event not in LIFE_EVENTS:
        errors["life_event"] = _("未知的生命周期事件")
    if theme and theme not in THEMES:
        errors["theme"] = _("未知的主题")
    _raise_invalid(errors)
    package = Package.objects.create(
        code=code,
        name=name.strip(),
        lead_unit=lead_unit,
        promised_limit_days=int(promised_limit_days),
        description=description,
        life_event=life_event,
        theme=theme,
    )
    PackageMember.objects.bulk_create(
        [PackageMember(package=package, matter=m, order=i) for i, m in enumerate(members)]
    )
    _refresh_search_text(members)
    audit.record(
        actor=actor,
        action="package.create",
        obj=package,
        role=Role.ADMIN,
        unit=lead_unit,
        after={
            "code": code,
            "name": package.name,
            "lead_unit": lead_unit.pk,
            "promised_limit_days": package.promised_limit_days,
            "matters": [m.pk for m in members],
        },
    )
    return package


PACKAGE_FIELDS = (
    "name",
    "lead_unit",
    "promised_limit_days",
    "description",
    "life_event",
    "theme",
    "is_active",
)


@transaction.atomic
def package_update(*, actor, package: Package, changes: dict, reason: str = "") -> Package:
    """Change a package's fields and/or its members (`matters`: the full ordered list). Deactivate
    with `is_active=False` (never deleted)."""
    _require_admin(actor)
    package = Package.objects.select_for_update().get(pk=package.pk)
    unknown = set(changes) - set(PACKAGE_FIELDS) - {"matters"}
    if unknown:
        raise InvalidInput(
            "CATALOG_UNKNOWN_FIELD", _("未知字段：%(f)s") % {"f": "、".join(sorted(unknown))}
        )
    old_members = list(
        package.members.select_related("matter__current_version", "matter__unit").order_by("order")
    )
    members = (
        _load_matters(changes["matters"])
        if "matters" in changes
        else [pm.matter for pm in old_members]
    )
    before = {
        f: getattr(package, f if f != "lead_unit" else "lead_unit_id") for f in PACKAGE_FIELDS
    }
    before["matters"] = [pm.matter_id for pm in old_members]
    for field in PACKAGE_FIELDS:
        if field in changes:
            setattr(package, field, changes[field])
    errors = {}
    if package.is_active:
        errors = _validate_package(
            code=package.code,
            name=package.name,
            lead_unit=package.lead_unit,
            promised_limit_days=package.promised_limit_days,
            matters=members,
            package=package,
        )
    if package.life_event and package.life_event not in LIFE_EVENTS:
        errors["life_event"] = _("未知的生命周期事件")
    if package.theme and package.theme not in THEMES:
        errors["theme"] = _("未知的主题")
    _raise_invalid(errors)
    package.promised_limit_days = int(package.promised_limit_days)
    package.save()
    if "matters" in changes and [m.pk for m in members] != before["matters"]:
        # Membership is configuration, not a record of anything done: the audit event keeps the old list.
        package.members.all().delete()
        PackageMember.objects.bulk_create(
            [PackageMember(package=package, matter=m, order=i) for i, m in enumerate(members)]
        )
    _refresh_search_text({m.pk: m for m in [*members, *(pm.matter for pm in old_members)]}.values())
    after = {f: getattr(package, f if f != "lead_unit" else "lead_unit_id") for f in PACKAGE_FIELDS}
    after["matters"] = [m.pk for m in members]
    audit.record(
        actor=actor,
        action="package.update",
        obj=package,
        role=Role.ADMIN,
        unit=package.lead_unit_id,
        before=before,
        after=after,
        reason=reason,
    )
    return package
