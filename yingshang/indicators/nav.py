from django.utils.translation import gettext_lazy as _

from yingshang.indicators.scopes import READERS
from yingshang.org.roles import Role
from yingshang.workbench.navigation import NavItem

GROUP = _("营商环境评价")

WORKBENCH = [
    NavItem(
        _("评价总览"),
        "indicators:home",
        roles=set(READERS),
        icon="speedometer2",
        order=70,
        group=GROUP,
    ),
    NavItem(
        _("差距分析"),
        "indicators:gap",
        roles=set(READERS),
        icon="bar-chart-steps",
        order=71,
        group=GROUP,
    ),
    NavItem(
        _("指标长"),
        "indicators:lead",
        roles=set(READERS),
        icon="person-badge",
        order=72,
        group=GROUP,
    ),
    NavItem(
        _("指标长周调度"),
        "indicators:dispatch",
        roles=set(READERS),
        icon="calendar-week",
        order=72,
        group=GROUP,
    ),
    NavItem(
        _("指标填报与审核"),
        "indicators:values",
        roles=set(READERS),
        icon="pencil-square",
        order=73,
        group=GROUP,
    ),
    NavItem(
        _("指标体系"),
        "indicators:tree",
        roles=set(READERS),
        icon="diagram-3",
        order=74,
        group=GROUP,
    ),
    NavItem(
        _("开启评价期次"),
        "indicators:period_new",
        roles={Role.SUPERVISOR},
        icon="calendar-plus",
        order=75,
        group=GROUP,
    ),
]

PORTAL = [NavItem(_("营商环境评价结果"), "indicators:public", order=70)]
