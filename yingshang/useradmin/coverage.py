"""Handler coverage: every unit the county can route work to must have someone to do it.

A *route* is a place where the system sends work to a unit without a person choosing it:
an active matter's implementing unit (its cases and its parallel tasks in every package), an
active package's lead unit (it decides the package's cases), and a hotline topic's default
unit (the dispatch rule the console proposes). A unit is *covered* when it is active and at
least one active account holds a handler role there (org.staff.UNIT_HANDLERS: 经办人 or
负责人). The system check (useradmin/checks.py), the board and the admin pages all read
`gaps()`."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from yingshang.org.models import RoleAssignment, Unit
from yingshang.org.staff import UNIT_HANDLERS


@dataclass(frozen=True)
class Route:
    unit_id: int
    source: str  # 事项 / 一件事 / 派单规则
    label: str  # the matter's, package's or topic's name


def routes() -> list[Route]:
    from yingshang.catalog.models import Matter, Package
    from yingshang.hotline.models import Topic

    out = [
        Route(m.unit_id, _("事项"), m.name_cache or m.implementation_code)
        for m in Matter.objects.filter(is_active=True).only(
            "unit_id", "name_cache", "implementation_code"
        )
    ]
    out += [
        Route(p.lead_unit_id, _("一件事牵头单位"), p.name)
        for p in Package.objects.filter(is_active=True).only("lead_unit_id", "name")
    ]
    out += [
        Route(t.default_unit_id, _("派单规则"), t.name)
        for t in Topic.objects.filter(is_active=True, default_unit__isnull=False).only(
            "default_unit_id", "name"
        )
    ]
    return out


def covered_unit_ids(unit_ids=None) -> set[int]:
    """Active units with at least one active account holding a handler role."""
    qs = RoleAssignment.objects.filter(
        role__in=UNIT_HANDLERS,
        revoked_at__isnull=True,
        user__is_active=True,
        unit__is_active=True,
    )
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    return set(qs.values_list("unit_id", flat=True).distinct())


def uncovered_unit_ids(unit_ids) -> set[int]:
    unit_ids = {u for u in unit_ids if u is not None}
    return unit_ids - covered_unit_ids(unit_ids)


@dataclass(frozen=True)
class Gap:
    unit: Unit
    routes: tuple[Route, ...]


def gaps() -> list[Gap]:
    """Units some route sends work to, with nobody to handle it there (by unit order)."""
    by_unit: dict[int, list[Route]] = defaultdict(list)
    for route in routes():
        by_unit[route.unit_id].append(route)
    missing = uncovered_unit_ids(by_unit)
    units = Unit.objects.filter(pk__in=missing).order_by("sort_order", "id")
    return [Gap(unit=u, routes=tuple(by_unit[u.pk])) for u in units]
