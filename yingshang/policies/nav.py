from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import Role
from yingshang.policies.scopes import STAFF
from yingshang.workbench.navigation import NavItem
from yingshang.workbench.overview import OverviewPart

GROUP = _("政策日历与兑现")

WORKBENCH = [
    NavItem(
        _("政策日历"),
        "policies:staff_list",
        roles=set(STAFF),
        icon="calendar-week",
        order=60,
        group=GROUP,
    ),
    NavItem(
        _("本周梳理"),
        "policies:reviews",
        roles=set(STAFF),
        icon="list-check",
        order=61,
        group=GROUP,
    ),
    NavItem(
        _("兑现审核"), "policies:queue", roles=set(STAFF), icon="cash-coin", order=62, group=GROUP
    ),
    NavItem(
        _("兑现统计"), "policies:delivery", roles=set(STAFF), icon="graph-up", order=63, group=GROUP
    ),
    NavItem(_("政策订阅"), "policies:subscribe", roles={Role.APPLICANT}, icon="bell", order=35),
    NavItem(
        _("我的政策兑现"), "policies:mine", roles={Role.APPLICANT}, icon="cash-stack", order=36
    ),
]

PORTAL = [NavItem(_("政策日历"), "policies:portal_list", order=40)]


def _overview(user, period):
    from yingshang.policies import overview

    return overview.section(user, period)


OVERVIEW = [OverviewPart(build=_overview, order=60)]
