"""Who works where: the active people holding a role in a unit (the recipients of a unit's
messages, the handlers a task can go to)."""

from collections.abc import Iterable

from django.db.models import QuerySet

from yingshang.org.models import User
from yingshang.org.roles import Role

UNIT_HANDLERS = (Role.DEPT_HANDLER, Role.DEPT_HEAD)


def staff_of(units, roles: Iterable[str] = UNIT_HANDLERS) -> QuerySet:
    """Active users holding any of `roles` (not revoked) in `units` — a unit, its id, or several
    of either; `None` for the roles wherever they are held (the hotline centre's operators).
    Each user once, in id order."""
    roles = list(roles)
    qs = User.objects.filter(
        is_active=True,
        role_assignments__role__in=roles,
        role_assignments__revoked_at__isnull=True,
    )
    if units is not None:
        if not isinstance(units, list | tuple | set | frozenset | QuerySet):
            units = [units]
        ids = [getattr(u, "pk", u) for u in units]
        ids = [i for i in ids if i is not None]
        if not ids:
            return User.objects.none()
        qs = qs.filter(role_assignments__unit_id__in=ids)
    return qs.distinct().order_by("id")


REASSIGN_REASON_MIN = 4


def reassign_checked(reason: str, unit, *, unit_field: str) -> str:
    """The inputs every 改派 shares (a parallel task, a work order): a reason of at least four
    characters and an active unit to send the work to. Returns the stripped reason."""
    from django.utils.translation import gettext as _

    from yingshang.errors import InvalidInput

    reason = (reason or "").strip()
    if len(reason) < REASSIGN_REASON_MIN:
        raise InvalidInput(
            "REASSIGN_REASON_REQUIRED",
            _("请填写改派理由（至少4个字）"),
            details={"field": "reason"},
        )
    if unit is None or not unit.is_active:
        raise InvalidInput(
            "REASSIGN_UNIT_INVALID", _("请选择一个启用的承办单位"), details={"field": unit_field}
        )
    return reason
