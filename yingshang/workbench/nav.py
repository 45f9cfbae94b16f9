from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import COUNTYWIDE_ROLES, Role
from yingshang.workbench.navigation import NavItem

WORKBENCH = [
    NavItem(_("工作台首页"), "workbench:home", icon="house", order=0),
    NavItem(_("站内信"), "workbench:inbox", icon="envelope", order=900),
    NavItem(_("组织机构"), "workbench:units", icon="diagram-3", order=910),
    NavItem(
        _("审计查询"),
        "workbench:audit_search",
        roles=COUNTYWIDE_ROLES | {Role.ADMIN, Role.DEPT_HEAD},
        icon="shield-check",
        order=920,
    ),
    NavItem(
        _("可疑退回报告"),
        "workbench:suspicious_returns",
        roles=COUNTYWIDE_ROLES | {Role.ADMIN, Role.DEPT_HEAD},
        icon="exclamation-triangle",
        order=925,
    ),
    NavItem(_("工作日历"), "workbench:calendar", roles={Role.ADMIN}, icon="calendar3", order=930),
    NavItem(_("接口令牌"), "workbench:tokens", icon="key", order=940),
]
