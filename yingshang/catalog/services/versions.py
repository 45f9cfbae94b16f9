"""Matter versions: what a version may hold and how it is validated, the codes of a matter, and
publishing a version (the current one is replaced, never edited; nothing is deleted)."""

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from yingshang.catalog.models import (
    FormField,
    HandlingKind,
    Material,
    Matter,
    MatterType,
    MatterVersion,
    Package,
)
from yingshang.catalog.vocab import LIFE_EVENTS, THEMES
from yingshang.errors import InvalidInput

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

SLUG = re.compile(r"^[a-z0-9_][a-z0-9_-]*$")
_FIELD_KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
BASE_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{1,39}$")


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
        if not key or not SLUG.match(key):
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


def raise_invalid(errors: dict[str, str]) -> None:
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


def version_publish(
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
        raise_invalid({field: "；".join(messages) for field, messages in exc.message_dict.items()})
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


def search_text_refresh(matters) -> None:
    for matter in matters:
        if matter.current_version_id:
            matter.search_text = build_search_text(matter, matter.current_version)
            matter.save(update_fields=["search_text"])
