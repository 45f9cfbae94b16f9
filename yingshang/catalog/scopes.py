"""The catalogue is public: everyone sees active items; admins also see inactive ones, and a
department head also sees the inactive matters of their own units."""

from django.db.models import Q

from yingshang.catalog.models import (
    FormField,
    Material,
    Matter,
    MatterVersion,
    Package,
    PackageMember,
)
from yingshang.org import scope
from yingshang.org.roles import Role


def _matters(grants, qs):
    if grants.has(Role.ADMIN):
        return qs
    public = Q(is_active=True, current_version__isnull=False)
    heads = grants.units(Role.DEPT_HEAD)
    if heads:
        return qs.filter(public | Q(unit_id__in=heads))
    return qs.filter(public)


def _versions(grants, qs):
    if grants.has(Role.ADMIN):
        return qs
    return qs.filter(matter__in=_matters(grants, Matter.objects.all()))


def _version_children(grants, qs):
    if grants.has(Role.ADMIN):
        return qs
    return qs.filter(version__matter__in=_matters(grants, Matter.objects.all()))


def _packages(grants, qs):
    if grants.has(Role.ADMIN):
        return qs
    return qs.filter(is_active=True)


def _members(grants, qs):
    if grants.has(Role.ADMIN):
        return qs
    return qs.filter(package__is_active=True, matter__is_active=True)


def _matter_abilities(grants, matter):
    admin = grants.has(Role.ADMIN)
    head = matter.unit_id in grants.units(Role.DEPT_HEAD)
    return {
        "revise": admin or head,
        "deactivate": (admin or head) and matter.is_active,
        "activate": (admin or head) and not matter.is_active,
    }


def _package_abilities(grants, package):
    admin = grants.has(Role.ADMIN)
    return {"update": admin}


scope.register(Matter, _matters)
scope.register(MatterVersion, _versions)
scope.register(Material, _version_children)
scope.register(FormField, _version_children)
scope.register(Package, _packages)
scope.register(PackageMember, _members)
scope.register_abilities(Matter, _matter_abilities)
scope.register_abilities(Package, _package_abilities)
