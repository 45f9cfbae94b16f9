"""一件事 packages: create one and change its fields or members (deactivate with
`is_active=False`; never deleted). Who may: the package abilities (catalog/scopes.py)."""

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.catalog.models import FormField, Matter, Package, PackageMember
from yingshang.catalog.selectors import is_public
from yingshang.catalog.services.versions import (
    SLUG,
    raise_invalid,
    search_text_refresh,
    validate_form_fields,
)
from yingshang.catalog.vocab import LIFE_EVENTS, THEMES
from yingshang.errors import InvalidInput


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
    if not code or not SLUG.match(code):
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
    inactive = [m.name for m in matters if not is_public(m)]
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
    workflow.gate(actor, Package(lead_unit=lead_unit), "create")
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
    raise_invalid(errors)
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
    search_text_refresh(members)
    workflow.record(
        actor,
        "package.create",
        package,
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
    package = workflow.acquire(actor, Package, package, action="update")
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
    raise_invalid(errors)
    package.promised_limit_days = int(package.promised_limit_days)
    package.save()
    if "matters" in changes and [m.pk for m in members] != before["matters"]:
        # Membership is configuration, not a record of anything done: the audit event keeps the old list.
        outputs = {pm.matter_id: pm.outputs for pm in old_members}
        package.members.all().delete()
        PackageMember.objects.bulk_create(
            [
                PackageMember(package=package, matter=m, order=i, outputs=outputs.get(m.pk, []))
                for i, m in enumerate(members)
            ]
        )
    search_text_refresh({m.pk: m for m in [*members, *(pm.matter for pm in old_members)]}.values())
    after = {f: getattr(package, f if f != "lead_unit" else "lead_unit_id") for f in PACKAGE_FIELDS}
    after["matters"] = [m.pk for m in members]
    workflow.record(
        actor,
        "package.update",
        package,
        before=before,
        after=after,
        reason=reason,
    )
    return package


OUTPUT_KINDS = {"material": _("材料"), "field": _("表单信息")}


def _clean_outputs(outputs: dict, members: dict) -> tuple[dict[int, list], dict[str, str]]:
    """{matter (or pk) → [{key, name, kind}]} checked against the package's members."""
    errors: dict[str, str] = {}
    clean: dict[int, list] = {}
    for matter, items in (outputs or {}).items():
        pk = int(getattr(matter, "pk", matter))
        if pk not in members:
            errors[f"outputs.{pk}"] = _("事项 %(m)s 不是该一件事的成员") % {"m": pk}
            continue
        rows = []
        for i, item in enumerate(items or [], start=1):
            key = (item.get("key") or "").strip()
            kind = item.get("kind") or "material"
            name = (item.get("name") or "").strip()
            where = _("“%(m)s”的第%(i)s项产出") % {"m": members[pk].name, "i": i}
            if not key or kind not in OUTPUT_KINDS or not name:
                errors[f"outputs.{pk}.{i}"] = _("%(w)s须有标识、名称和类型（材料或表单信息）") % {
                    "w": where
                }
                continue
            rows.append({"key": key, "name": name, "kind": kind})
        clean[pk] = rows
    return clean, errors


@transaction.atomic
def package_define(
    *,
    actor,
    package: Package,
    form_fields: list[dict] | None = None,
    outputs: dict | None = None,
    reason: str = "",
) -> Package:
    """The package's own joint application form (一表申请) and what each member produces for
    the later ones (a member's output satisfies a later member's input with the same key).
    `form_fields`: the whole form ([] = the members' merged fields); `outputs`: {member matter →
    [{key, name, kind: material|field}]}, members not named keep theirs."""
    package = workflow.acquire(actor, Package, package, action="update")
    members = {pm.matter_id: pm for pm in package.members.select_related("matter__current_version")}
    errors: dict[str, str] = {}
    before: dict = {}
    after: dict = {}
    if form_fields is not None:
        fields = [
            {
                "key": (f.get("key") or "").strip(),
                "label": (f.get("label") or "").strip(),
                "field_type": f.get("field_type") or FormField.FieldType.TEXT,
                "required": bool(f.get("required", True)),
                "choices": list(f.get("choices") or []),
                "profile_source": f.get("profile_source") or "",
            }
            for f in form_fields
        ]
        errors.update(validate_form_fields(fields))
        before["form_fields"] = [f["key"] for f in package.form_fields or []]
        after["form_fields"] = [f["key"] for f in fields]
    clean, output_errors = _clean_outputs(
        outputs or {}, {pk: pm.matter for pk, pm in members.items()}
    )
    errors.update(output_errors)
    raise_invalid(errors)
    if form_fields is not None:
        package.form_fields = fields
        package.save(update_fields=["form_fields", "updated_at"])
    for pk, rows in clean.items():
        pm = members[pk]
        before.setdefault("outputs", {})[pm.matter.name] = [o["name"] for o in pm.outputs or []]
        after.setdefault("outputs", {})[pm.matter.name] = [o["name"] for o in rows]
        pm.outputs = rows
        pm.save(update_fields=["outputs"])
    workflow.record(actor, "package.define", package, before=before, after=after, reason=reason)
    return package
