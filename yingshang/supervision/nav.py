from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import Role
from yingshang.workbench.navigation import HomeCard, NavItem
from yingshang.workbench.overview import OverviewPart

LEDGER_ROLES = {Role.SUPERVISOR, Role.LEADER, Role.DEPT_HANDLER, Role.DEPT_HEAD, Role.ADMIN}


def _card(user):
    from yingshang.supervision.selectors import home_card

    return home_card(user)


WORKBENCH = [
    NavItem(
        _("问题台账"),
        "supervision:board",
        roles=LEDGER_ROLES,
        icon="clipboard-check",
        order=60,
        group=_("督查整改"),
    ),
    NavItem(
        _("每周调度"),
        "supervision:weekly",
        roles=LEDGER_ROLES,
        icon="calendar-week",
        order=61,
        group=_("督查整改"),
    ),
    NavItem(
        _("自查表"),
        "supervision:forms",
        roles={Role.SUPERVISOR, Role.DEPT_HANDLER, Role.DEPT_HEAD},
        icon="ui-checks",
        order=62,
        group=_("督查整改"),
    ),
    NavItem(
        _("台账导入"),
        "supervision:import",
        roles={Role.SUPERVISOR},
        icon="file-earmark-arrow-up",
        order=63,
        group=_("督查整改"),
    ),
    NavItem(
        _("单位别名"),
        "supervision:aliases",
        roles={Role.ADMIN, Role.SUPERVISOR},
        icon="signpost-split",
        order=64,
        group=_("督查整改"),
    ),
]

HOME_CARDS = [
    HomeCard("supervision/_home_card.html", roles=LEDGER_ROLES, context=_card, order=40),
]


def _overview(user, period):
    from yingshang.supervision import overview

    return overview.section(user, period)


OVERVIEW = [OverviewPart(build=_overview, order=40)]
