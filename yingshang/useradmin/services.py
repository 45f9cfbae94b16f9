"""Account and unit administration beyond org.services (which creates units, accounts and
grants): deactivating and re-enabling an account, a one-time password, renaming and
deactivating a unit. Every write checks the actor is an administrator, locks the row and
writes its audit event in the same transaction. Nothing is deleted."""

import secrets
import string

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.errors import DomainError, InvalidInput
from yingshang.org import services as org_services
from yingshang.org.models import Unit, User
from yingshang.org.scope import forget_roles
from yingshang.useradmin.models import IssuedPassword

REASON_MIN = 2


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise InvalidInput("REASON_REQUIRED", _("请填写原因"), details={"field": "reason"})
    return reason


def user_deactivate(*, actor, user: User, reason: str) -> User:
    """停用: the account can no longer log in (sessions and tokens stop working at the next
    request: org.auth and org.scope read is_active); its history and grants stay."""
    reason = _reason(reason)
    with transaction.atomic():
        org_services._require_admin(actor)
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.pk == actor.pk:
            raise DomainError("USER_DEACTIVATE_SELF", _("不能停用自己的账号"), status=409)
        if not user.is_active:
            raise DomainError("USER_ALREADY_INACTIVE", _("该账号已停用"), status=409)
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="user.deactivate",
            obj=user,
            before={"is_active": True},
            after={"is_active": False},
            reason=reason,
        )
    return user


def user_reactivate(*, actor, user: User, reason: str = "") -> User:
    with transaction.atomic():
        org_services._require_admin(actor)
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active:
            raise DomainError("USER_ALREADY_ACTIVE", _("该账号已启用"), status=409)
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="user.reactivate",
            obj=user,
            before={"is_active": False},
            after={"is_active": True},
            reason=(reason or "").strip(),
        )
    return user


def one_time_password() -> str:
    """12 characters, letters and digits (org.passwords.MixedCharacterValidator), none of the
    look-alikes 0/O, 1/l/I."""
    letters = "".join(c for c in string.ascii_letters if c not in "OlI")
    digits = "23456789"
    alphabet = letters + digits
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c in digits for c in pw) and any(c in letters for c in pw):
            return pw


def user_reset_password(*, actor, user: User) -> str:
    """重置密码: a new random password, returned once for the administrator to hand over (it is
    stored only hashed and never written to the audit log)."""
    password = one_time_password()
    with transaction.atomic():
        org_services._require_admin(actor)
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.kind != User.Kind.STAFF:
            raise DomainError(
                "USER_NOT_STAFF", _("申请人账号请由本人通过“忘记密码”找回"), status=409
            )
        user.set_password(password)
        user.save(update_fields=["password"])
        IssuedPassword.objects.create(user=user, issued_by=actor)
        audit.record(actor=actor, action="user.reset_password", obj=user)
    return password


def must_change_password(user) -> bool:
    return IssuedPassword.objects.filter(user=user, replaced_at__isnull=True).exists()


def password_change(*, actor, current: str, new: str, repeat: str) -> None:
    """A person replaces their own password (the one-time one the administrator gave them, or
    any other): the current password, twice the new one, the county's password rules."""
    if not actor.check_password(current or ""):
        raise InvalidInput(
            "PASSWORD_CURRENT_WRONG", _("当前密码不正确"), details={"field": "current"}
        )
    if new != repeat:
        raise InvalidInput(
            "PASSWORD_MISMATCH", _("两次输入的新密码不一致"), details={"field": "repeat"}
        )
    if new == current:
        raise InvalidInput(
            "PASSWORD_UNCHANGED", _("新密码不能与当前密码相同"), details={"field": "new"}
        )
    try:
        validate_password(new, actor)
    except ValidationError as exc:
        raise InvalidInput(
            "PASSWORD_WEAK", "；".join(exc.messages), details={"field": "new"}
        ) from exc
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        user.set_password(new)
        user.save(update_fields=["password"])
        IssuedPassword.objects.filter(user=user, replaced_at__isnull=True).update(
            replaced_at=timezone.now()
        )
        audit.record(actor=user, action="user.change_password", obj=user)
    actor.password = user.password


def unit_rename(*, actor, unit: Unit, name: str, short_name: str = "", reason: str = "") -> Unit:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("UNIT_NAME_REQUIRED", _("请填写单位名称"), details={"field": "name"})
    unit = org_services.unit_update(
        actor=actor, unit=unit, reason=reason, name=name, short_name=(short_name or "").strip()
    )
    forget_roles()  # role grants carry unit names (org.scope.Grants.held)
    return unit


def unit_deactivate(*, actor, unit: Unit, reason: str) -> Unit:
    """停用 a unit. Refused while a matter, package or dispatch rule still routes work to it
    (move those first, or the work would go nowhere)."""
    from yingshang.useradmin import coverage

    reason = _reason(reason)
    routed = [r for r in coverage.routes() if r.unit_id == unit.pk]
    if routed:
        raise DomainError(
            "UNIT_STILL_ROUTED",
            _("仍有%(n)s项事项、一件事或派单规则指向该单位，请先调整后再停用") % {"n": len(routed)},
            details={"routes": [f"{r.source}:{r.label}" for r in routed[:20]]},
        )
    if not unit.is_active:
        raise DomainError("UNIT_ALREADY_INACTIVE", _("该单位已停用"), status=409)
    return org_services.unit_update(actor=actor, unit=unit, reason=reason, is_active=False)
