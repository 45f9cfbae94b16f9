"""One place that decides who sees what (STYLE.md "One place decides").

Each app registers, per model, a rule `rule(user, queryset) -> queryset` in its AppConfig.ready()
(`scope.register(Model, rule)`), and optionally an abilities function
`abilities(user, obj) -> dict[str, bool]` that both templates and services use.
Every list, count, export and API starts from `visible_to(user, Model)`; single objects come from
`get_for(user, Model, pk)`, which raises Http404 for out-of-scope and missing alike.
"""

from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404

from yingshang import rowload
from yingshang.org import tenancy
from yingshang.org.roles import COUNTYWIDE_ROLES, Role
from yingshang.processcache import TTLCache

M = TypeVar("M", bound=models.Model)
Rule = Callable[[Any, models.QuerySet], models.QuerySet]

_rules: dict[type[models.Model], Rule] = {}
_tenants: dict[type[models.Model], Callable[[tuple[str, ...]], models.Q] | None] = {}
_abilities: dict[type[models.Model], Callable[[Any, Any], dict[str, bool]]] = {}


def register(model: type[models.Model], rule: Rule, *, tenant: tenancy.Tenant) -> None:
    """`rule` decides who sees which rows; `tenant` says which county a row belongs to when the
    deployment hosts a city and its counties (org.tenancy) — every model says it, `SHARED` for
    rows the whole city shares."""
    _rules[model] = rule
    _tenants[model] = tenancy.as_filter(tenant)


def register_abilities(
    model: type[models.Model], fn: Callable[[Any, Any], dict[str, bool]]
) -> None:
    _abilities[model] = fn


def visible_to(user, model: type[M], queryset: models.QuerySet | None = None) -> models.QuerySet:
    if model not in _rules:
        raise LookupError(f"no scope rule registered for {model.__name__}")
    qs = model._default_manager.all() if queryset is None else queryset
    if user is None or not user.is_authenticated or not user.is_active:
        return _rules[model](AnonymousGrants(), qs)
    g = grants(user)
    qs = _rules[model](g, qs)
    return within_reach(g, model, qs)


def within_reach(g, model: type[models.Model], qs: models.QuerySet) -> models.QuerySet:
    """`qs` limited to the counties the reader is bounded to (org.tenancy); unchanged for a
    reader not bounded by county and for every reader of a one-county deployment."""
    reach = g.reach
    tenant = _tenants[model]
    if reach is None or tenant is None:
        return qs
    return qs.filter(tenant(reach))


def get_for(
    user, model: type[M], pk: Any, *, queryset: models.QuerySet | None = None, field: str = "pk"
) -> M:
    key = lookup_key(model, field, pk)
    base = model._default_manager.all() if queryset is None else queryset
    qs = visible_to(user, model, base)
    if queryset is None and field == "pk" and qs is base:
        # the rule returned the queryset untouched — the user sees every row (a countywide
        # role): read the row by key with SQL built once per process instead of compiling the
        # query (yingshang.rowload)
        obj = rowload.by_pk(model, key)
        if obj is None:
            raise Http404
        return obj
    try:
        return qs.get(**{field: key})
    except model.DoesNotExist:  # type: ignore[attr-defined]  # stubs: per model, not on type[M]
        raise Http404 from None


def lookup_key(model: type[models.Model], field: str, value: Any) -> Any:
    """`value` as the field's Python value, or Http404 for one no row can have (malformed, or an
    integer outside 64 bits) — found before any query."""
    target = model._meta.pk if field == "pk" else model._meta.get_field(field)
    if not isinstance(target, models.Field):
        raise TypeError(f"{model.__name__}.{field} is not a field a row can be looked up by")
    try:
        key = target.to_python(value)
    except ValidationError:
        raise Http404 from None
    if key is None or not rowload.key_fits(key):
        raise Http404
    return key


def abilities(user, obj) -> dict[str, bool]:
    fn = _abilities.get(type(obj))
    if fn is None:
        raise LookupError(f"no abilities registered for {type(obj).__name__}")
    return fn(
        grants(user) if user is not None and user.is_authenticated else AnonymousGrants(), obj
    )


# a user's grants, keyed by (user id, roles_version): every grant or revocation bumps the
# version, so an entry is never stale about roles; ROLE_CACHE_SECONDS bounds unit names
_HELD = TTLCache("org.roles", setting="ROLE_CACHE_SECONDS", max_entries=10_000)


def forget_roles() -> None:
    """Empty this process's role cache (a unit was renamed; tests)."""
    _HELD.clear()


class Grants:
    """What a user holds, loaded once per request (cached on the user object)."""

    is_authenticated = True

    def __init__(self, user):
        self.user = user

    @cached_property
    def held(self) -> list[tuple[str, int | None, str, str]]:
        """(role, unit id, unit name, unit's county) of each role held. Read once per process
        while the user's `roles_version` stays the same (a grant or revocation bumps it, and the
        user row is read on every request anyway), for at most ROLE_CACHE_SECONDS (unit
        names)."""
        version = getattr(self.user, "roles_version", None)

        def load() -> tuple:
            return tuple(
                self.user.role_assignments.filter(revoked_at__isnull=True)
                .order_by("role", "unit_id")
                .values_list("role", "unit_id", "unit__name", "unit__tenant")
            )

        if version is None:
            return list(load())
        return list(_HELD.get((self.user.pk, version), load))

    @property
    def assignments(self) -> list[tuple[str, int | None]]:
        return [(r, u) for r, u, _name, _tenant in self.held]

    @cached_property
    def roles(self) -> frozenset[str]:
        roles = {r for r, _ in self.assignments}
        if self.user.kind in ("person", "firm"):
            roles.add(Role.APPLICANT)
        if self.user.is_superuser:  # `yingshang createsuperuser` makes the first admin
            roles.add(Role.ADMIN)
        return frozenset(roles)

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def units(self, *roles: str) -> frozenset[int]:
        """Units where the user holds any of `roles` (all unit roles if none given)."""
        return frozenset(
            u for r, u in self.assignments if u is not None and (not roles or r in roles)
        )

    @property
    def countywide(self) -> bool:
        return bool(self.roles & COUNTYWIDE_ROLES)

    @property
    def sees_all(self) -> bool:
        """Sees every unit's records: a countywide role or the administrator (DESIGN.md §1).
        The one rule every scope starts from."""
        return self.countywide or Role.ADMIN in self.roles

    @property
    def is_staff_member(self) -> bool:
        return self.user.kind == "staff" and bool(self.assignments)

    @cached_property
    def reach(self) -> tuple[str, ...] | None:
        """The counties this user reads when every unit they hold a role in lies inside counties
        of a city (org.tenancy); None — not bounded — for city staff, the administrator without a
        unit, applicants, and everyone in a one-county deployment."""
        if Role.ADMIN in self.roles and not any(u for r, u, _n, _t in self.held if r == Role.ADMIN):
            return None
        return tenancy.reach_of(t or "" for _r, u, _n, t in self.held if u is not None)


class AnonymousGrants:
    is_authenticated = False
    user = None
    roles: frozenset[str] = frozenset()
    assignments: list = []
    countywide = False
    sees_all = False
    is_staff_member = False
    reach = None

    def has(self, *roles: str) -> bool:
        return False

    def units(self, *roles: str) -> frozenset[int]:
        return frozenset()


def grants(user) -> Grants:
    cached = getattr(user, "_yingshang_grants", None)
    if cached is None:
        cached = Grants(user)
        user._yingshang_grants = cached
    return cached
