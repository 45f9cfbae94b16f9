"""Integration keys (系统集成密钥) for Open311 clients and systems calling the REST API.

A key acts as a dedicated system account holding one role in one unit (so the usual scope rules
apply to it) and is limited to the API areas it was issued for: "open311" or a REST area (the
first path segment under /api/v1/). Admins issue, rotate and revoke keys in the workbench
(/staff/integration-keys/); the secret is shown once and only its digest is stored. Every change
is an audit event.
"""

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingshang import audit
from yingshang.apiaccess.models import ApiToken
from yingshang.apiaccess.services import TOKEN_PREFIX, digest
from yingshang.errors import DomainError
from yingshang.org.models import Unit
from yingshang.org.roles import UNIT_ROLES, Role
from yingshang.org.scope import grants

# the areas a key can be limited to: "open311" or an /api/v1/<area>/ router
AREAS = {
    "open311": gettext_lazy("Open311 公众诉求接口（GeoReport v2）"),
    "hotline": gettext_lazy("12345热线工单"),
    "cases": gettext_lazy("政务服务办件"),
    "catalog": gettext_lazy("事项目录"),
    "knowledge": gettext_lazy("知识库与智能派单"),
    "ratings": gettext_lazy("好差评"),
    "supervision": gettext_lazy("督查督办"),
    "credit": gettext_lazy("信用承诺"),
    "indicators": gettext_lazy("营商环境评价指标"),
    "assessment": gettext_lazy("考核排名"),
    "inspections": gettext_lazy("双随机抽查"),
    "policies": gettext_lazy("政策日历与兑现"),
    "enterprises": gettext_lazy("企业库（一企一档）"),
    "arrears": gettext_lazy("清欠"),
    "projects": gettext_lazy("工程建设项目与重点项目"),
    "org": gettext_lazy("组织机构"),
}
# roles a system account may hold (never admin: a key cannot administer the platform)
KEY_ROLES = [r for r in Role if r in UNIT_ROLES]
GRACE_HOURS_MAX = 24 * 7


def area_of(path: str) -> str:
    """The area a request path belongs to: "open311" or the segment after /api/v1/."""
    if path.startswith("/open311/"):
        return "open311"
    rest = path.split("/api/v1/", 1)[1] if "/api/v1/" in path else ""
    return rest.split("/", 1)[0]


def permits(user, path: str) -> bool:
    """Whether the credential `user` authenticated with may call `path`. Personal tokens act as
    their person (scopes decide); an integration key only within its areas."""
    token = getattr(user, "_api_token", None)
    if token is None or token.kind != ApiToken.Kind.INTEGRATION:
        return True
    return area_of(path) in (token.areas or [])


def check(user, path: str) -> None:
    if not permits(user, path):
        raise DomainError(
            "KEY_SCOPE_FORBIDDEN",
            _("该集成密钥无权调用此接口（%(area)s）") % {"area": area_of(path) or "/"},
            status=403,
        )


def _require_admin(actor) -> None:
    if not grants(actor).has(Role.ADMIN):
        raise DomainError("KEY_FORBIDDEN", _("只有系统管理员可以管理系统集成密钥"), status=403)


def _clean_areas(areas) -> list[str]:
    chosen = sorted({a for a in areas or [] if a})
    unknown = [a for a in chosen if a not in AREAS]
    if unknown:
        raise DomainError(
            "KEY_AREA_UNKNOWN",
            _("未知的接口范围：%(areas)s") % {"areas": "、".join(unknown)},
            status=400,
        )
    if not chosen:
        raise DomainError("KEY_AREA_REQUIRED", _("请至少选择一个可调用的接口"), status=400)
    return chosen


def _new_secret() -> tuple[str, str, str]:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return secret, secret[:10], digest(secret)


def _snapshot(key: ApiToken) -> dict:
    return {
        "name": key.name,
        "unit": key.unit_id,
        "role": key.role,
        "areas": list(key.areas or []),
        "prefix": key.prefix,
        "expires_at": key.expires_at,
    }


@transaction.atomic
def key_issue(
    *,
    actor,
    name: str,
    unit: Unit | None,
    role: str,
    areas,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Issue an integration key; returns it and its secret (shown once, never stored)."""
    _require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError("KEY_NAME_REQUIRED", _("请填写密钥名称（对接系统）"), status=400)
    if unit is None:
        raise DomainError("KEY_UNIT_REQUIRED", _("系统集成密钥必须限定单位"), status=400)
    if role not in KEY_ROLES:
        raise DomainError("KEY_ROLE_INVALID", _("请选择该系统账号在单位中的角色"), status=400)
    chosen = _clean_areas(areas)
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError("KEY_EXPIRY_PAST", _("有效期必须晚于当前时间"), status=400)
    from yingshang.org import services as org_services

    account = org_services.system_account_create(actor=actor, name=name, unit=unit, role=role)
    secret, prefix, dig = _new_secret()
    key = ApiToken.objects.create(
        kind=ApiToken.Kind.INTEGRATION,
        name=name[:80],
        user=account,
        unit=unit,
        role=role,
        areas=chosen,
        prefix=prefix,
        digest=dig,
        created_by=actor,
        expires_at=expires_at,
    )
    audit.record(actor=actor, role=Role.ADMIN, action="apikey.issue", obj=key, after=_snapshot(key))
    return key, secret


def _lock_open(key: ApiToken) -> ApiToken:
    key = ApiToken.objects.select_for_update().get(pk=key.pk)
    if key.kind != ApiToken.Kind.INTEGRATION:
        raise DomainError("KEY_NOT_INTEGRATION", _("这不是系统集成密钥"), status=400)
    if key.revoked_at is not None:
        raise DomainError("KEY_REVOKED", _("该密钥已撤销"), status=409)
    return key


@transaction.atomic
def key_scope(*, actor, key: ApiToken, areas, reason: str) -> ApiToken:
    """Change the areas a key may call (the unit and role stay: issue a new key for another)."""
    _require_admin(actor)
    if not (reason or "").strip():
        raise DomainError("REASON_REQUIRED", _("请填写修改原因"), status=400)
    key = _lock_open(key)
    before = _snapshot(key)
    key.areas = _clean_areas(areas)
    key.save(update_fields=["areas"])
    audit.record(
        actor=actor,
        role=Role.ADMIN,
        action="apikey.scope",
        obj=key,
        before=before,
        after=_snapshot(key),
        reason=reason,
    )
    return key


@transaction.atomic
def key_rotate(
    *, actor, key: ApiToken, grace_hours: int = 0, reason: str = ""
) -> tuple[ApiToken, str]:
    """A new secret for the same system account, unit, role and areas. The old key keeps working
    for `grace_hours` (0: it stops at once) so the other system can switch over."""
    _require_admin(actor)
    if not 0 <= grace_hours <= GRACE_HOURS_MAX:
        raise DomainError(
            "KEY_GRACE_INVALID",
            _("过渡期应为 0 至 %(n)s 小时") % {"n": GRACE_HOURS_MAX},
            status=400,
        )
    old = _lock_open(key)
    if ApiToken.objects.filter(rotated_from=old).exists():
        raise DomainError("KEY_ALREADY_ROTATED", _("该密钥已轮换过，请轮换新密钥"), status=409)
    now = timezone.now()
    secret, prefix, dig = _new_secret()
    new = ApiToken.objects.create(
        kind=ApiToken.Kind.INTEGRATION,
        name=old.name,
        user_id=old.user_id,
        unit_id=old.unit_id,
        role=old.role,
        areas=list(old.areas or []),
        prefix=prefix,
        digest=dig,
        created_by=actor,
        expires_at=old.expires_at,
        rotated_from=old,
    )
    ends = now + dt.timedelta(hours=grace_hours)
    if grace_hours == 0:
        old.revoked_at = now
        old.revoke_reason = (reason or _("密钥轮换"))[:200]
    if old.expires_at is None or old.expires_at > ends:
        old.expires_at = ends
    old.save(update_fields=["revoked_at", "revoke_reason", "expires_at"])
    audit.record(
        actor=actor,
        role=Role.ADMIN,
        action="apikey.rotate",
        obj=old,
        before={"prefix": old.prefix},
        after={"new_key": new.pk, "new_prefix": new.prefix, "old_valid_until": ends},
        reason=reason,
    )
    return new, secret


@transaction.atomic
def key_revoke(*, actor, key: ApiToken, reason: str) -> ApiToken:
    _require_admin(actor)
    if not (reason or "").strip():
        raise DomainError("REASON_REQUIRED", _("请填写撤销原因"), status=400)
    key = _lock_open(key)
    key.revoked_at = timezone.now()
    key.revoke_reason = reason[:200]
    key.save(update_fields=["revoked_at", "revoke_reason"])
    audit.record(actor=actor, role=Role.ADMIN, action="apikey.revoke", obj=key, reason=reason)
    return key


def key_status(key: ApiToken, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and key.expires_at <= now:
        return "expired"
    return "active"
