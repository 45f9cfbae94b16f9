from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import STAFF_ROLES, Role
from yingshang.workbench.navigation import NavItem

WORKBENCH = [
    NavItem(_("企业库"), "enterprises:list", roles=STAFF_ROLES, icon="buildings", order=78),
    NavItem(
        _("企业名录导入"),
        "enterprises:import",
        roles={Role.SUPERVISOR, Role.ADMIN},
        icon="file-earmark-arrow-up",
        order=79,
    ),
    NavItem(
        _("企业档案"), "enterprises:my_firm", roles={Role.APPLICANT}, icon="building", order=28
    ),
]
