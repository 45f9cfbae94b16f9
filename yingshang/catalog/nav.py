from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import Role
from yingshang.workbench.navigation import NavItem

PORTAL = [NavItem(_("办事指南"), "catalog:guide_list", icon="journal-text", order=10)]
WORKBENCH = [
    NavItem(
        _("事项目录"),
        "catalog:staff_matters",
        roles={Role.ADMIN, Role.DEPT_HEAD},
        icon="journal-text",
        order=600,
    ),
    NavItem(
        _("一件事"),
        "catalog:staff_packages",
        roles={Role.ADMIN, Role.DEPT_HEAD},
        icon="collection",
        order=605,
    ),
]
