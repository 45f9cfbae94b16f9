from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import Role
from yingshang.workbench.navigation import NavItem
from yingshang.workbench.overview import OverviewPart

SEERS = {Role.SUPERVISOR, Role.LEADER, Role.ADMIN}
UNIT = {Role.DEPT_HANDLER, Role.DEPT_HEAD}

WORKBENCH = [
    NavItem(
        _("领导驾驶舱"),
        "assessment:dashboard",
        roles=SEERS,
        icon="speedometer2",
        order=69,
        group=_("考核排名"),
    ),
    NavItem(
        _("考核排名"),
        "assessment:index",
        roles=SEERS | UNIT,
        icon="trophy",
        order=70,
        group=_("考核排名"),
    ),
    NavItem(
        _("表扬/约谈名单"),
        "assessment:listings",
        roles=SEERS | UNIT,
        icon="list-check",
        order=71,
        group=_("考核排名"),
    ),
    NavItem(
        _("加减分事项"),
        "assessment:adjustments",
        roles=SEERS,
        icon="plus-slash-minus",
        order=72,
        group=_("考核排名"),
    ),
    NavItem(
        _("考核方案"),
        "assessment:schemes",
        roles=SEERS,
        icon="sliders",
        order=73,
        group=_("考核排名"),
    ),
    NavItem(
        _("明查暗访"),
        "assessment:visits",
        roles=SEERS,
        icon="binoculars",
        order=74,
        group=_("考核排名"),
    ),
    NavItem(
        _("曝光台"),
        "assessment:exposures",
        roles=SEERS | UNIT,
        icon="megaphone",
        order=75,
        group=_("考核排名"),
    ),
    NavItem(
        _("窗口人员排名"),
        "assessment:staff_ranking",
        roles=SEERS | {Role.DEPT_HEAD, Role.WINDOW_CLERK},
        icon="person-badge",
        order=76,
        group=_("考核排名"),
    ),
]
PORTAL = [
    NavItem(_("考核排名公开"), "assessment:public_rankings", order=70),
    NavItem(_("曝光台"), "assessment:public_exposures", order=71),
]


def _overview(user, period):
    from yingshang.assessment import overview

    return overview.section(user, period)


OVERVIEW = [OverviewPart(build=_overview, order=90)]
