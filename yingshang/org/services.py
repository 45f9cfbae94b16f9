"""Writes to the organisation: units, accounts, role assignments."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.errors import DomainError
from yingshang.org import identifiers, tenancy
from yingshang.org.models import RoleAssignment, Unit, User
from yingshang.org.roles import UNIT_ROLES, Role
from yingshang.org.scope import grants


def _require_admin(actor) -> None:
    if actor is not None and not grants(actor).has(Role.ADMIN):
        raise DomainError("ORG_FORBIDDEN", _("只有系统管理员可以维护组织机构和账号"), status=403)


def _set_path(unit: Unit) -> None:
    parent_path = unit.parent.path if unit.parent is not None else "/"
    unit.path = f"{parent_path}{unit.pk}/"
    # a county under a city is a tenant of its own (org.tenancy); other units belong to their
    # parent's county, or to the city ("")
    if unit.kind == Unit.Kind.COUNTY and unit.parent is not None:
        unit.tenant = unit.path
    else:
        unit.tenant = tenancy.tenant_for(unit.parent)


@transaction.atomic
def unit_create(*, actor, parent: Unit | None, kind: str, code: str, name: str, **fields) -> Unit:
    _require_admin(actor)
    if parent is None and Unit.objects.filter(parent__isnull=True).exists():
        raise DomainError(
            "UNIT_PARENT_REQUIRED", _("县级单位只能有一个，其他单位必须有上级单位"), status=400
        )
    if kind == Unit.Kind.CITY and parent is not None:
        raise DomainError("UNIT_CITY_ROOT", _("市级单位只能是最上级单位"), status=400)
    if kind == Unit.Kind.COUNTY and parent is not None and parent.kind != Unit.Kind.CITY:
        raise DomainError("UNIT_COUNTY_PARENT", _("县/区的上级单位只能是市"), status=400)
    unit = Unit(parent=parent, kind=kind, code=code, name=name, **fields)
    try:
        unit.full_clean(exclude=["path"])
    except ValidationError as exc:
        raise DomainError(
            "UNIT_INVALID", _("单位信息有误"), details=exc.message_dict, status=400
        ) from exc
    unit.save()
    _set_path(unit)
    unit.save(update_fields=["path", "tenant"])
    audit.record(
        actor=actor,
        action="unit.create",
        obj=unit,
        after={"name": name, "kind": kind, "code": code, "parent": parent},
    )
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, reason: str = "", **fields) -> Unit:
    _require_admin(actor)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = {k: getattr(unit, k) for k in fields}
    for key, value in fields.items():
        setattr(unit, key, value)
    try:
        unit.full_clean(exclude=["path"])
    except ValidationError as exc:
        raise DomainError(
            "UNIT_INVALID", _("单位信息有误"), details=exc.message_dict, status=400
        ) from exc
    unit.save()
    audit.record(
        actor=actor, action="unit.update", obj=unit, before=before, after=fields, reason=reason
    )
    return unit


def _clean_identity(*, mobile: str | None, id_number: str | None) -> tuple[str | None, str | None]:
    # stored normalised (org.identifiers): uniqueness holds however the number was typed
    if mobile:
        mobile = identifiers.require_mobile(mobile)
    if id_number:
        id_number = identifiers.require_id_number(id_number)
    return mobile or None, id_number or None


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str | None,
    real_name: str = "",
    kind: str = User.Kind.STAFF,
    mobile: str | None = None,
    id_number: str | None = None,
    firm=None,
    email: str = "",
) -> User:
    """Create an account. Staff accounts are created by an admin; applicants register
    themselves (actor None) with a validated ID number (person) or bound firm (firm)."""
    if kind == User.Kind.STAFF:
        _require_admin(actor)
    mobile, id_number = _clean_identity(mobile=mobile, id_number=id_number)
    if kind == User.Kind.FIRM and firm is None:
        raise DomainError("FIRM_REQUIRED", _("企业账号必须绑定统一社会信用代码"), status=400)
    if kind == User.Kind.PERSON and not id_number:
        raise DomainError("ID_NUMBER_REQUIRED", _("个人账号必须填写身份证号码"), status=400)
    if User.objects.filter(username=username).exists():
        raise DomainError("USERNAME_TAKEN", _("用户名已被使用"), details={"field": "username"})
    if mobile and User.objects.filter(mobile=mobile).exists():
        raise DomainError("MOBILE_TAKEN", _("该手机号码已注册"), details={"field": "mobile"})
    if id_number and User.objects.filter(id_number=id_number).exists():
        raise DomainError(
            "ID_NUMBER_TAKEN", _("该身份证号码已注册"), details={"field": "id_number"}
        )
    user = User(
        username=username,
        real_name=real_name,
        kind=kind,
        mobile=mobile,
        id_number=id_number,
        firm=firm,
        email=email,
    )
    if password is None:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError(
                "PASSWORD_WEAK", "；".join(exc.messages), details={"field": "password"}, status=400
            ) from exc
        user.set_password(password)
    user.save()
    audit.record(
        actor=actor or user,
        action="user.create",
        obj=user,
        after={"username": username, "kind": kind, "firm": firm},
    )
    return user


@transaction.atomic
def system_account_create(*, actor, name: str, unit: Unit, role: str) -> User:
    user = user_create(
        actor=actor,
        username=f"api-{get_random_string(10).lower()}",
        password=None,
        real_name=f"[接口]{name}"[:40],
        kind=User.Kind.STAFF,
    )
    role_grant(actor=actor, user=user, role=role, unit=unit)
    return user


@transaction.atomic
def role_grant(*, actor, user: User, role: str, unit: Unit | None = None) -> RoleAssignment:
    _require_admin(actor)
    if role not in Role.values:
        raise DomainError("ROLE_UNKNOWN", _("未知角色"), status=400)
    if role in UNIT_ROLES and unit is None:
        raise DomainError("ROLE_UNIT_REQUIRED", _("该角色必须指定所在单位"), status=400)
    if role not in UNIT_ROLES:
        unit = None
    existing = RoleAssignment.objects.filter(
        user=user, role=role, unit=unit, revoked_at__isnull=True
    ).first()
    if existing:
        return existing
    assignment = RoleAssignment.objects.create(user=user, role=role, unit=unit, granted_by=actor)
    audit.record(
        actor=actor,
        action="role.grant",
        obj=assignment,
        unit=unit,
        after={"user": user, "role": role, "unit": unit},
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment, reason: str) -> RoleAssignment:
    _require_admin(actor)
    if not reason.strip():
        raise DomainError("REASON_REQUIRED", _("请填写撤销原因"), status=400)
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.revoked_at is None:
        assignment.revoked_at = timezone.now()
        assignment.revoke_reason = reason[:200]
        assignment.save(update_fields=["revoked_at", "revoke_reason"])
        audit.record(
            actor=actor,
            action="role.revoke",
            obj=assignment,
            unit=assignment.unit_id,
            reason=reason,
        )
    return assignment


@transaction.atomic
def applicant_register_firm(
    *, uscc: str, firm_name: str, contact_name: str, mobile: str, password: str
) -> User:
    """A firm registers its applicant account; the USCC must be valid and not yet bound."""
    from yingshang.enterprises.models import Firm

    code = identifiers.require_uscc(uscc)
    mobile = identifiers.require_mobile(mobile)
    firm = Firm.objects.select_for_update().filter(uscc=code).first()
    if firm is not None and firm.accounts.exists():
        raise DomainError(
            "FIRM_ALREADY_REGISTERED",
            _("该企业已注册账号，请联系本企业的账号管理人"),
            details={"field": "uscc"},
        )
    if firm is None:
        firm = Firm.objects.create(
            uscc=code,
            name=firm_name.strip(),
            contact_name=contact_name.strip(),
            contact_phone=mobile,
        )
    return user_create(
        actor=None,
        username=f"firm-{code}",
        password=password,
        real_name=contact_name.strip(),
        kind=User.Kind.FIRM,
        mobile=mobile,
        firm=firm,
    )
