from django.db.models import Q

from yingshang.org import scope, tenancy
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


def users_in(reach: tuple[str, ...]) -> Q:
    """Staff belong to the counties they hold roles in (org.tenancy); applicants (people and
    firms) to the whole city."""
    return ~Q(kind=User.Kind.STAFF) | tenancy.created_in(reach, field="")


scope.register(Unit, _units, tenant=tenancy.Within(""))  # a unit: its own county
scope.register(Window, _units, tenant="hall")
scope.register(User, _users, tenant=users_in)
scope.register(RoleAssignment, _assignments, tenant="unit")
