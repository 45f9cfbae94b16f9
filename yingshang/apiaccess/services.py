import hashlib
import secrets
from functools import cache

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.apiaccess.models import ApiToken
from yingshang.errors import DomainError
from yingshang.org.roles import Role
from yingshang.org.scope import grants
from yingshang.rowload import RowLoader

TOKEN_PREFIX = "ys_"


@cache
def _tokens() -> RowLoader:
    # read on every API request: SQL built once (yingshang.rowload), the token and its user in
    # one statement; digest is unique
    table = ApiToken._meta.db_table
    return RowLoader(ApiToken, f"{table}.digest = %s AND {table}.revoked_at IS NULL", join="user")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    actor,
    name: str,
    kind: str = ApiToken.Kind.PERSONAL,
    user=None,
    unit=None,
    role: str = "",
    expires_at=None,
    areas: list[str] | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; returns it and the secret, which is shown once and never stored.
    An integration key is limited to `areas` (apiaccess.keys.AREAS; default all of them):
    the workbench issues them through apiaccess.keys.key_issue."""
    if kind == ApiToken.Kind.INTEGRATION:
        if not grants(actor).has(Role.ADMIN):
            raise DomainError(
                "TOKEN_FORBIDDEN", _("只有系统管理员可以创建系统集成密钥"), status=403
            )
        if unit is None or not role:
            raise DomainError(
                "TOKEN_UNIT_REQUIRED", _("系统集成密钥必须限定单位和角色"), status=400
            )
        from yingshang.org import services as org_services

        user = org_services.system_account_create(actor=actor, name=name, unit=unit, role=role)
        from yingshang.apiaccess.keys import AREAS

        areas = list(AREAS) if areas is None else areas
    else:
        areas = []
        user = actor
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        kind=kind,
        name=name[:80],
        user=user,
        unit=unit,
        prefix=secret[:10],
        digest=digest(secret),
        created_by=actor,
        expires_at=expires_at,
        role=role if kind == ApiToken.Kind.INTEGRATION else "",
        areas=areas,
    )
    audit.record(
        actor=actor,
        action="apitoken.create",
        obj=token,
        after={"name": name, "kind": kind, "unit": unit},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor, token: ApiToken, reason: str) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk and not grants(actor).has(Role.ADMIN):
        raise DomainError("TOKEN_FORBIDDEN", _("不能撤销他人的令牌"), status=403)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoke_reason = reason[:200]
        token.save(update_fields=["revoked_at", "revoke_reason"])
        audit.record(actor=actor, action="apitoken.revoke", obj=token, reason=reason)
    return token


def authenticate(secret: str):
    """The user a bearer secret acts as, or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = _tokens().one([digest(secret)])
    if token is None:
        return None
    user = token.user  # read with the token
    if not user.is_active:
        return None
    now = timezone.now()
    if token.expires_at and token.expires_at <= now:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.user._api_token = token
    return token.user
