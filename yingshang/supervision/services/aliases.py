"""Unit aliases for ledger imports (审批局 → 行政审批局): the admin keeps the list; every change is
audited; an alias is withdrawn, never deleted."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import InvalidInput, PermissionDeniedError
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.org.scope import grants
from yingshang.supervision.models import UnitAlias

ALIAS_MAX = 60


def may_keep_aliases(user) -> bool:
    return grants(user).has(Role.ADMIN)


def _require_admin(actor) -> None:
    workflow.require_actor(actor)
    if not may_keep_aliases(actor):
        raise PermissionDeniedError("UNIT_ALIAS_FORBIDDEN", _("只有系统管理员可以维护单位别名"))


def _clean(alias: str) -> str:
    alias = "".join((alias or "").split())
    if not alias:
        raise InvalidInput("UNIT_ALIAS_REQUIRED", _("请填写别名"), details={"field": "alias"})
    if len(alias) > ALIAS_MAX:
        raise InvalidInput(
            "UNIT_ALIAS_TOO_LONG",
            _("别名不能超过%(n)d个字") % {"n": ALIAS_MAX},
            details={"field": "alias"},
        )
    return alias


@transaction.atomic
def unit_alias_save(*, actor, alias: str, unit: Unit | None, reason: str = "") -> UnitAlias:
    """Point `alias` at `unit` (a new alias, a changed one or a withdrawn one taken back)."""
    _require_admin(actor)
    alias = _clean(alias)
    if unit is None or not unit.is_active:
        raise InvalidInput(
            "UNIT_ALIAS_UNIT_REQUIRED", _("请选择对应的单位"), details={"field": "unit"}
        )
    clash = (
        Unit.objects.filter(is_active=True)
        .filter(Q(name=alias) | Q(short_name=alias) | Q(code=alias))
        .exclude(pk=unit.pk)
        .first()
    )
    if clash is not None:
        raise InvalidInput(
            "UNIT_ALIAS_IS_A_UNIT",
            _("“%(alias)s”已是单位“%(unit)s”的名称，不能作为其他单位的别名")
            % {"alias": alias, "unit": clash.name},
            details={"field": "alias"},
        )
    row = UnitAlias.objects.select_for_update().filter(alias=alias).first()
    before = None
    if row is None:
        row = UnitAlias(alias=alias, unit=unit, created_by=actor, created_at=timezone.now())
    else:
        before = {"unit": row.unit.name, "is_active": row.is_active}
        row.unit, row.is_active = unit, True
    row.save()
    workflow.record(
        actor,
        "unit_alias.save",
        row,
        before=before,
        after={"alias": alias, "unit": unit.name, "is_active": True},
        reason=reason,
    )
    return row


@transaction.atomic
def unit_alias_withdraw(*, actor, alias: UnitAlias, reason: str = "") -> UnitAlias:
    _require_admin(actor)
    row = UnitAlias.objects.select_for_update().get(pk=alias.pk)
    if row.is_active:
        row.is_active = False
        row.save(update_fields=["is_active", "updated_at"])
        workflow.record(
            actor,
            "unit_alias.withdraw",
            row,
            before={"is_active": True},
            after={"is_active": False},
            reason=reason,
        )
    return row
