from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import Role
from yingshang.workbench.navigation import NavItem
from yingshang.workbench.overview import OverviewPart

# the 清欠办 (supervisors), the debtors' units, leaders and the admin
READERS = {Role.SUPERVISOR, Role.LEADER, Role.DEPT_HANDLER, Role.DEPT_HEAD, Role.ADMIN}

WORKBENCH = [
    NavItem(
        _("被拖欠账款"), "arrears:portal_mine", roles={Role.APPLICANT}, icon="cash-coin", order=31
    ),
    NavItem(
        _("清欠台账"), "arrears:list", roles=READERS, icon="cash-coin", order=70, group=_("清欠")
    ),
    NavItem(
        _("清零进度"),
        "arrears:progress",
        roles=READERS,
        icon="bar-chart-line",
        order=71,
        group=_("清欠"),
    ),
    NavItem(
        _("新增与清偿"),
        "arrears:ledger",
        roles=READERS,
        icon="journal-text",
        order=72,
        group=_("清欠"),
    ),
    NavItem(
        _("台账导入"),
        "arrears:import",
        roles={Role.SUPERVISOR},
        icon="file-earmark-arrow-up",
        order=73,
        group=_("清欠"),
    ),
]


def _overview(user, period):
    from yingshang.arrears import overview

    return overview.section(user, period)


OVERVIEW = [OverviewPart(build=_overview, order=60)]
