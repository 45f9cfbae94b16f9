"""The workflow kit: the middle layer every stateful module stands on (docs/developing.md,
"How to add a stateful module").

A service reads top to bottom:

    with transaction.atomic():
        order = workflow.acquire(actor, WorkOrder, pk, action="sign", table=ORDER)
        before = workflow.snapshot(order, "status")
        order.status = ORDER.target("sign", order.status)
        order.save(update_fields=["status"])
        workflow.record(actor, "hotline.sign", order, before=before, after={"status": ...})
        clocks.clock_stop_open(order, "sign", at=now)
        notify.send_to(org.staff_of(order.main_unit_id), body=...)

- `acquire` fetches through the actor's scope with `select_for_update` (404 outside it), asks
  the model's abilities (`scope.register_abilities`) whether the actor may do `action` (403 with
  the ability's reason code) and checks the move against the transition table (409, precise).
- `lock` does the same for an object the caller already fetched through the actor's scope
  (a service's argument): re-read locked, then the gate.
- `record` writes the audit event with the role and unit the model's audit rule gives
  (`register_audit_role`), so every module stamps events the same way.
- `SYSTEM` is the actor of work nobody in particular does (sweeps, hooks, imports run by a
  checked caller). `None` is never an actor: passing it is a programming error.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from yingshang import audit
from yingshang.errors import PermissionDeniedError
from yingshang.org import scope
from yingshang.transitions import TransitionTable

M = TypeVar("M", bound=models.Model)


class SystemActor:
    """The actor of automatic work. Has no rights to check and no user row."""

    pk = None
    id = None
    kind = "system"
    display_name = ""
    is_authenticated = False
    is_active = True

    def __repr__(self) -> str:
        return "SYSTEM"

    def __bool__(self) -> bool:  # `if actor:` reads "a person did it"
        return False


SYSTEM = SystemActor()


def is_system(actor) -> bool:
    return actor is SYSTEM


def require_actor(actor) -> None:
    if actor is None:
        raise TypeError("actor is required: pass a user or workflow.SYSTEM")


# --- abilities with reasons ------------------------------------------------------------------
class Denied:
    """A refused ability: falsy in templates and services, with the reason the UI shows
    ("材料未补齐", "不是本单位的任务") and a stable code for the API."""

    __slots__ = ("code", "message")

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = str(message)

    def __bool__(self) -> bool:
        return False

    def __eq__(self, other) -> bool:
        return other is False or (
            isinstance(other, Denied) and (other.code, other.message) == (self.code, self.message)
        )

    def __hash__(self) -> int:
        return hash(False)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"Denied({self.code!r})"


Ability = bool | Denied


def allow(condition: bool, code: str, message: str) -> Ability:
    """True, or a Denied carrying why not."""
    return True if condition else Denied(code, message)


def reason(abilities: dict[str, Ability], action: str) -> str:
    """Why `action` is unavailable ("" when it is available or no reason was given)."""
    value = abilities.get(action)
    return value.message if isinstance(value, Denied) else ""


def gate(actor, obj, action: str, *, table: TransitionTable | None = None) -> None:
    """Refuse `action` on `obj` unless the model's abilities allow it to `actor`.

    A move the state table forbids is a 409 with the table's precise code; anything else the
    abilities refuse is a 403 with the ability's reason (or `<PREFIX>_FORBIDDEN`)."""
    require_actor(actor)
    if is_system(actor):
        if table is not None:
            table.check(action, _state(obj, table))
        return
    allowed = scope.abilities(actor, obj).get(action)
    if allowed:
        if table is not None:
            table.check(action, _state(obj, table))
        return
    if table is not None and action in table.moves:
        table.check(action, _state(obj, table))  # wrong state: the precise 409
    prefix = table.error_prefix if table is not None else obj._meta.model_name.upper()
    if isinstance(allowed, Denied):
        raise PermissionDeniedError(allowed.code, allowed.message, details={"action": action})
    raise PermissionDeniedError(
        f"{prefix}_FORBIDDEN", _("您无权执行此操作"), details={"action": action}
    )


def _state(obj, table: TransitionTable) -> str:
    return getattr(obj, table.state_field)


def acquire(
    actor,
    model: type[M],
    pk: Any,
    *,
    action: str | None = None,
    table: TransitionTable | None = None,
    queryset: models.QuerySet | None = None,
    field: str = "pk",
) -> M:
    """Fetch `model` row `pk` for a change: through the actor's scope (404 outside it), locked
    until the transaction ends (select_for_update: two clerks cannot both move it), then
    `gate(...)` when an action is given. SYSTEM reads the row without a scope."""
    require_actor(actor)
    pk = getattr(pk, "pk", pk)
    base = queryset if queryset is not None else model._default_manager.all()
    # lock the row itself only (`of`): a select_related join may reach nullable rows
    qs = base.select_for_update(of=("self",))
    if is_system(actor):
        obj = qs.get(**{field: pk})
    else:
        key = scope.lookup_key(model, field, pk)
        visible = scope.visible_to(actor, model, base)
        if visible is not base:
            # the scope as a subquery: a rule may need DISTINCT, which FOR UPDATE refuses
            qs = qs.filter(pk__in=visible.values("pk"))
        try:
            obj = qs.get(**{field: key})
        except model.DoesNotExist:  # type: ignore[attr-defined]  # stubs: per model, not on type[M]
            raise Http404 from None
    if action is not None:
        gate(actor, obj, action, table=table)
    return obj


def lock(
    actor,
    obj: M,
    *,
    action: str | None = None,
    table: TransitionTable | None = None,
    queryset: models.QuerySet | None = None,
) -> M:
    """Re-read `obj` locked (select_for_update) and gate `action` — for a service handed an
    object its caller already fetched through the actor's scope (pages and API: 404 outside
    it). Someone who may see the row but not act on it gets the 403 with its reason."""
    require_actor(actor)
    model = type(obj)
    qs = queryset if queryset is not None else model._default_manager.all()
    locked = qs.select_for_update().get(pk=obj.pk)
    if action is not None:
        gate(actor, locked, action, table=table)
    return locked


def snapshot(obj, *fields: str) -> dict:
    return {f: getattr(obj, f) for f in fields}


# --- audit with the role and unit of the model's rule -----------------------------------------
RoleRule = Callable[[Any, Any], tuple[str, Any]]
_role_rules: dict[type[models.Model], RoleRule] = {}


def register_audit_role(model: type[models.Model], rule: RoleRule) -> None:
    """`rule(grants, obj) -> (role, unit)`: in which capacity the actor acted on `obj`,
    stamped on every audit event about it (registered beside the abilities in scopes.py)."""
    _role_rules[model] = rule


def role_and_unit(actor, obj) -> tuple[str, Any]:
    if actor is None or is_system(actor) or not getattr(actor, "is_authenticated", False):
        return "", None
    rule = _role_rules.get(type(obj))
    if rule is None:
        return first_role(scope.grants(actor))
    role, unit = rule(scope.grants(actor), obj)
    return str(role or ""), getattr(unit, "pk", unit)


def first_role(grants, order: tuple[str, ...] | None = None) -> tuple[str, Any]:
    """The actor's most senior role (and its first unit): the fallback when the object says
    nothing about the capacity."""
    from yingshang.org.roles import SENIORITY

    for role in order or SENIORITY:
        if grants.has(role):
            units = sorted(grants.units(role))
            return str(role), (units[0] if units else None)
    return "", None


def record(
    actor,
    action: str,
    obj,
    *,
    before: dict | None = None,
    after: dict | None = None,
    changes: dict | None = None,
    reason: str = "",
    subject=None,
    role: str | None = None,
    unit: Any = None,
):
    """Write the audit event of a change to `obj` inside the service's transaction.

    `subject` is the object whose rule gives the role and unit when `obj` is a child row (a
    task of a case, an appeal of a rating). `role`/`unit` override the rule only for a capacity
    the object cannot tell (an operator acting for the hotline centre)."""
    require_actor(actor)
    rule_role, rule_unit = role_and_unit(actor, subject if subject is not None else obj)
    return audit.record(
        actor=None if is_system(actor) else actor,
        action=action,
        obj=obj,
        before=before,
        after=after,
        changes=changes,
        reason=reason,
        role=rule_role if role is None else role,
        unit=rule_unit if unit is None else unit,
    )
