"""The catalogue is public: everyone sees active items; admins also see inactive ones, and a
department head also sees the inactive matters of their own units."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingshang import workflow
from yingshang.catalog.models import (
    FormField,
    Material,
    Matter,
    MatterVersion,
    Package,
    PackageMember,
)
from yingshang.catalog.selectors import public_q
from yingshang.org import scope, tenancy
from yingshang.org.roles import Role


def _matters(grants, qs):
    if grants.has(Role.ADMIN):
        return qs
    heads = grants.units(Role.DEPT_HEAD)
    if heads:
        return qs.filter(public_q() | Q(unit_id__in=heads))
    return qs.filter(public_q())


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
    edit = workflow.allow(
        admin or matter.unit_id in grants.units(Role.DEPT_HEAD),
        "CATALOG_FORBIDDEN",
        _("只有系统管理员或本单位负责人可以维护该事项"),
    )
    return {
        "revise": edit,
        "deactivate": edit and matter.is_active,
        "activate": edit and not matter.is_active,
        "import": workflow.allow(admin, "CATALOG_FORBIDDEN", _("只有系统管理员可以导入事项目录")),
    }


def _package_abilities(grants, package):
    admin = workflow.allow(
        grants.has(Role.ADMIN), "CATALOG_FORBIDDEN", _("只有系统管理员可以维护事项目录")
    )
    return {"create": admin, "update": admin}


def _matter_audit_role(grants, matter):
    """A matter is maintained as the administrator or as a head of its unit."""
    return (Role.ADMIN if grants.has(Role.ADMIN) else Role.DEPT_HEAD), matter.unit_id


def _package_audit_role(grants, package):
    """Only the administrator maintains packages; the event belongs to the lead unit."""
    return Role.ADMIN, package.lead_unit_id


scope.register(Matter, _matters, tenant=tenancy.Within("unit", city_shared=True))
scope.register(MatterVersion, _versions, tenant=tenancy.Within("matter__unit", city_shared=True))
scope.register(
    Material, _version_children, tenant=tenancy.Within("version__matter__unit", city_shared=True)
)
scope.register(
    FormField, _version_children, tenant=tenancy.Within("version__matter__unit", city_shared=True)
)
scope.register(Package, _packages, tenant=tenancy.Within("lead_unit", city_shared=True))
scope.register(
    PackageMember, _members, tenant=tenancy.Within("package__lead_unit", city_shared=True)
)
scope.register_abilities(Matter, _matter_abilities)
scope.register_abilities(Package, _package_abilities)
workflow.register_audit_role(Matter, _matter_audit_role)
workflow.register_audit_role(Package, _package_audit_role)
