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

from django.db import models
from django.http import Http404

from yingshang.org.roles import COUNTYWIDE_ROLES, Role

M = TypeVar("M", bound=models.Model)
Rule = Callable[[Any, models.QuerySet], models.QuerySet]

_rules: dict[type[models.Model], Rule] = {}
_abilities: dict[type[models.Model], Callable[[Any, Any], dict[str, bool]]] = {}


def register(model: type[models.Model], rule: Rule) -> None:
    _rules[model] = rule


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
    return _rules[model](grants(user), qs)


def get_for(
    user, model: type[M], pk: Any, *, queryset: models.QuerySet | None = None, field: str = "pk"
) -> M:
    try:
        return visible_to(user, model, queryset).get(**{field: pk})
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def abilities(user, obj) -> dict[str, bool]:
    fn = _abilities.get(type(obj))
    if fn is None:
        raise LookupError(f"no abilities registered for {type(obj).__name__}")
    return fn(
        grants(user) if user is not None and user.is_authenticated else AnonymousGrants(), obj
    )


class Grants:
    """What a user holds, loaded once per request (cached on the user object)."""

    is_authenticated = True

    def __init__(self, user):
        self.user = user

    @cached_property
    def assignments(self) -> list[tuple[str, int | None]]:
        return list(
            self.user.role_assignments.filter(revoked_at__isnull=True).values_list(
                "role", "unit_id"
            )
        )

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
    def is_staff_member(self) -> bool:
        return self.user.kind == "staff" and bool(self.assignments)


class AnonymousGrants:
    is_authenticated = False
    user = None
    roles = frozenset()
    assignments: list = []
    countywide = False
    is_staff_member = False

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
