from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import Role
from yingshang.useradmin.selectors import BOARD_ROLES
from yingshang.workbench.navigation import NavItem

WORKBENCH = [
    NavItem(
        _("无人办理看板"), "useradmin:board", roles=set(BOARD_ROLES), icon="sign-stop", order=880
    ),
    NavItem(_("账号管理"), "useradmin:users", roles={Role.ADMIN}, icon="people", order=905),
    NavItem(_("单位管理"), "useradmin:units", roles={Role.ADMIN}, icon="building", order=906),
]
