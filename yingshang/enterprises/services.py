"""Writes to firm profiles: create, edit, 注销/合并 (never deleted). Every change is audited with
what it was before. Staff of the 营商办 (supervisors) and admins edit; `actor=None` is the
system (registration, demo)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.enterprises import industries
from yingshang.enterprises.models import Firm
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.org import identifiers
from yingshang.org.roles import Role
from yingshang.org.scope import grants

EDITOR_ROLES = (Role.SUPERVISOR, Role.ADMIN)
PROFILE_FIELDS = (
    "name",
    "legal_representative",
    "firm_type",
    "size",
    "declared_size",
    "industry_code",
    "established_on",
    "contact_name",
    "contact_phone",
    "address",
    "region_code",
)
_TEXT_LIMITS = {
    "name": 120,
    "legal_representative": 40,
    "firm_type": 40,
    "contact_name": 40,
    "contact_phone": 20,
    "address": 200,
}


def can_edit(user) -> bool:
    return user is not None and grants(user).has(*EDITOR_ROLES)


def require_editor(actor) -> None:
    if actor is not None and not can_edit(actor):
        raise PermissionDeniedError(
            "FIRM_FORBIDDEN", _("只有营商办督查人员和系统管理员可以维护企业信息")
        )


def clean_profile(fields: dict, *, partial: bool) -> dict:
    """The profile fields as stored, or InvalidInput naming the first wrong field (FIRM_INVALID,
    FIRM_INDUSTRY_INVALID)."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput(
            "FIRM_FIELD_UNKNOWN",
            _("不能修改的企业信息项：%(f)s") % {"f": "、".join(sorted(unknown))},
        )
    clean: dict = {}
    for key, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if key in _TEXT_LIMITS and len(value or "") > _TEXT_LIMITS[key]:
            raise InvalidInput(
                "FIRM_INVALID",
                _("“%(label)s”最多%(n)d个字")
                % {"label": Firm._meta.get_field(key).verbose_name, "n": _TEXT_LIMITS[key]},
                details={"field": key},
            )
        clean[key] = value if value is not None else ("" if key != "established_on" else None)
    if ("name" in clean or not partial) and not clean.get("name"):
        raise InvalidInput("FIRM_INVALID", _("请填写企业名称"), details={"field": "name"})
    if clean.get("industry_code"):
        try:
            clean["industry_code"] = industries.clean_industry_code(clean["industry_code"])
        except ValidationError as exc:
            raise InvalidInput(
                "FIRM_INDUSTRY_INVALID",
                exc.messages[0],
                details={"field": "industry_code", "reason": exc.code},
            ) from None
    for key in ("size", "declared_size"):
        if clean.get(key) and clean[key] not in Firm.Size.values:
            raise InvalidInput(
                "FIRM_INVALID", _("企业规模应为大型、中型、小型或微型"), details={"field": key}
            )
    if clean.get("region_code"):
        try:
            identifiers.validate_region_code(clean["region_code"])
        except ValidationError as exc:
            raise InvalidInput(
                "FIRM_INVALID", exc.messages[0], details={"field": "region_code"}
            ) from None
    if clean.get("established_on") and clean["established_on"] > timezone.localdate():
        raise InvalidInput(
            "FIRM_INVALID", _("成立日期不能晚于今天"), details={"field": "established_on"}
        )
    return clean


@transaction.atomic
def firm_create(*, actor, uscc: str, **fields) -> Firm:
    require_editor(actor)
    code = identifiers.require_uscc(uscc)
    clean = clean_profile(fields, partial=False)
    existing = Firm.objects.filter(uscc=code).first()
    if existing is not None:
        raise DomainError(
            "FIRM_EXISTS",
            _("统一社会信用代码%(code)s已登记为“%(name)s”") % {"code": code, "name": existing.name},
            details={"field": "uscc", "firm_id": existing.pk},
        )
    try:
        with transaction.atomic():
            firm = Firm.objects.create(uscc=code, **clean)
    except IntegrityError:  # the same code registered by a concurrent request
        raise DomainError(
            "FIRM_EXISTS", _("该统一社会信用代码已登记"), details={"field": "uscc"}
        ) from None
    audit.record(actor=actor, action="firm.create", obj=firm, after={"uscc": code, **clean})
    return firm


@transaction.atomic
def firm_update(*, actor, firm: Firm, reason: str = "", action: str = "firm.update", **fields):
    """Change profile fields; only those that differ are stored and audited (before/after)."""
    require_editor(actor)
    clean = clean_profile(fields, partial=True)
    firm = Firm.objects.select_for_update().get(pk=firm.pk)
    changed = {k: v for k, v in clean.items() if getattr(firm, k) != v}
    if not changed:
        return firm
    before = {k: getattr(firm, k) for k in changed}
    for key, value in changed.items():
        setattr(firm, key, value)
    firm.save(update_fields=[*changed, "updated_at"])
    audit.record(actor=actor, action=action, obj=firm, before=before, after=changed, reason=reason)
    return firm


@transaction.atomic
def firm_set_status(
    *, actor, firm: Firm, status: str, reason: str, merged_into: Firm | None = None
) -> Firm:
    """Mark a firm 注销 or merged into another (or back to 存续), with the reason; nothing is
    deleted and every record keeps pointing at the firm."""
    require_editor(actor)
    reason = (reason or "").strip()
    if status not in Firm.Status.values:
        raise InvalidInput("FIRM_STATUS_INVALID", _("未知的企业状态"), details={"field": "status"})
    if not reason:
        raise InvalidInput("REASON_REQUIRED", _("请填写状态变更原因"), details={"field": "reason"})
    firm = Firm.objects.select_for_update().get(pk=firm.pk)
    if status == Firm.Status.MERGED:
        if merged_into is None:
            raise InvalidInput(
                "FIRM_MERGE_TARGET_REQUIRED",
                _("请填写并入企业的统一社会信用代码"),
                details={"field": "merged_into"},
            )
        if merged_into.pk == firm.pk or merged_into.status != Firm.Status.ACTIVE:
            raise InvalidInput(
                "FIRM_MERGE_TARGET_INVALID",
                _("并入企业须为另一家存续企业"),
                details={"field": "merged_into"},
            )
    else:
        merged_into = None
    before = {"status": firm.status, "merged_into": firm.merged_into_id}
    firm.status = status
    firm.merged_into = merged_into
    firm.status_reason = reason[:200]
    firm.status_changed_at = timezone.now()
    firm.save(
        update_fields=["status", "merged_into", "status_reason", "status_changed_at", "updated_at"]
    )
    audit.record(
        actor=actor,
        action="firm.status",
        obj=firm,
        before=before,
        after={"status": status, "merged_into": merged_into.pk if merged_into else None},
        reason=reason,
    )
    return firm
