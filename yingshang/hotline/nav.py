from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import COUNTYWIDE_ROLES, Role
from yingshang.workbench.navigation import HomeCard, NavItem
from yingshang.workbench.overview import OverviewPart

CENTRE = {Role.HOTLINE_OPERATOR, Role.ADMIN}
UNIT = {Role.DEPT_HANDLER, Role.DEPT_HEAD}
SUPERVISORS = set(COUNTYWIDE_ROLES) | CENTRE

WORKBENCH = [
    NavItem(
        _("热线受理台"),
        "hotline:console",
        roles=CENTRE,
        icon="headset",
        order=40,
        group=_("12345热线"),
    ),
    NavItem(
        _("热线工单"),
        "hotline:orders",
        roles=SUPERVISORS | {Role.SUPERVISOR},
        icon="list-task",
        order=41,
        group=_("12345热线"),
    ),
    NavItem(
        _("我的热线工单"),
        "hotline:queue",
        roles=UNIT,
        icon="inboxes",
        order=42,
        group=_("12345热线"),
    ),
    NavItem(
        _("热线考核"),
        "hotline:kpis",
        roles=SUPERVISORS,
        icon="bar-chart",
        order=43,
        group=_("12345热线"),
    ),
    NavItem(
        _("超期通报"),
        "hotline:criticism",
        roles=SUPERVISORS,
        icon="megaphone",
        order=44,
        group=_("12345热线"),
    ),
    NavItem(
        _("市平台考核数据"),
        "hotline:city_figures",
        roles={Role.SUPERVISOR, Role.ADMIN, Role.HOTLINE_OPERATOR},
        icon="building",
        order=45,
        group=_("12345热线"),
    ),
    NavItem(
        _("热线设置"),
        "hotline:settings",
        roles={Role.SUPERVISOR, Role.ADMIN},
        icon="sliders",
        order=46,
        group=_("12345热线"),
    ),
]

PORTAL = [
    NavItem(_("我要反映"), "hotline:portal_submit", order=30),
    NavItem(_("诉求查询"), "hotline:portal_lookup", order=31),
    NavItem(_("我的诉求"), "hotline:portal_mine", order=32),
]


def _unit_card(user):
    from yingshang.hotline import selectors

    counts = selectors.queue_counts(user, timezone.now())
    counts["co_pending"] = selectors.co_queue(user, "co_pending").count()
    queues = {**selectors.QUEUES, "co_pending": selectors.CO_QUEUES["co_pending"]}
    return {"counts": counts, "queues": queues}


def _centre_card(user):
    from yingshang.hotline import selectors

    return {
        "counts": {
            k: selectors.centre_queue(user, k).count()
            for k in ("registered", "review", "callback", "extensions", "returns")
        }
    }


HOME_CARDS = [
    HomeCard("hotline/_home_unit.html", roles=UNIT, context=_unit_card, order=30),
    HomeCard(
        "hotline/_home_centre.html",
        roles=CENTRE | {Role.SUPERVISOR},
        context=_centre_card,
        order=31,
    ),
]


def _overview(user, period):
    from yingshang.hotline import overview

    return overview.section(user, period)


OVERVIEW = [OverviewPart(build=_overview, order=20)]
