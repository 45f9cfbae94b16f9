from django.db.models import Q

from yingshang.org import scope
from yingshang.org.models import RoleAssignment, Unit, User, Window


def _units(grants, qs):
    return qs  # the organisation tree is public (the portal lists units and commitments)


def _users(grants, qs):
    if grants.sees_all:
        return qs
    if not grants.is_authenticated:
        return qs.none()
    units = grants.units()
    return qs.filter(
        Q(pk=grants.user.pk)
        | Q(role_assignments__unit_id__in=units, role_assignments__revoked_at__isnull=True)
    ).distinct()


def _assignments(grants, qs):
    if grants.sees_all:
        return qs
    if not grants.is_authenticated:
        return qs.none()
    return qs.filter(Q(user=grants.user) | Q(unit_id__in=grants.units()))


scope.register(Unit, _units)
scope.register(Window, _units)
scope.register(User, _users)
scope.register(RoleAssignment, _assignments)
