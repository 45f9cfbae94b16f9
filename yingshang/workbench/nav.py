from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import COUNTYWIDE_ROLES, Role
from yingshang.workbench.navigation import HomeCard, NavItem

OVERVIEW_ROLES = COUNTYWIDE_ROLES | {Role.ADMIN, Role.DEPT_HEAD}

WORKBENCH = [
    NavItem(_("工作台首页"), "workbench:home", icon="house", order=0),
    NavItem(
        _("全县概览"), "workbench:overview", roles=OVERVIEW_ROLES, icon="speedometer2", order=1
    ),
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


def _overview_card(user) -> dict:
    from yingshang.workbench import overview
    from yingshang.workcal import periods

    month = periods.current("month")
    return {
        "period": month,
        "sections": [
            {"title": s.title, "icon": s.icon, "figures": s.figures[:3]}
            for s in overview.sections(user, month)
        ],
    }


# county leaders land on the overview's headline figures
HOME_CARDS = [
    HomeCard("workbench/_home_overview.html", roles={Role.LEADER}, context=_overview_card, order=0)
]
