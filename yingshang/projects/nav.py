from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import Role
from yingshang.workbench.navigation import NavItem
from yingshang.workbench.overview import OverviewPart

STAFF = {
    Role.WINDOW_CLERK,
    Role.DEPT_HANDLER,
    Role.DEPT_HEAD,
    Role.SUPERVISOR,
    Role.LEADER,
    Role.ADMIN,
}
KEY = {Role.DEPT_HANDLER, Role.DEPT_HEAD, Role.SUPERVISOR, Role.LEADER, Role.ADMIN}

WORKBENCH = [
    NavItem(
        _("工程建设项目"),
        "projects:staff_list",
        roles=STAFF,
        icon="building",
        order=70,
        group=_("项目服务"),
    ),
    NavItem(
        _("项目审批统计"),
        "projects:statistics",
        roles=STAFF,
        icon="bar-chart",
        order=71,
        group=_("项目服务"),
    ),
    NavItem(
        _("重点项目"), "projects:key_board", roles=KEY, icon="flag", order=72, group=_("项目服务")
    ),
]

PORTAL = [NavItem(_("工程建设项目"), "projects:portal_list", order=40)]


def _overview(user, period):
    from yingshang.projects import overview

    return overview.section(user, period)


OVERVIEW = [OverviewPart(build=_overview, order=45)]
