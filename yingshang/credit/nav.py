from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import Role
from yingshang.workbench.navigation import NavItem

# The credit administrator (营商办 supervisor, DESIGN.md §1 "credit lists") and the admin keep
# the lists; leaders read them.
_READERS = {Role.SUPERVISOR, Role.ADMIN, Role.LEADER}
_RECORDERS = _READERS | {Role.DEPT_HANDLER, Role.DEPT_HEAD}

WORKBENCH = [
    NavItem(
        _("我的信用档案"), "credit:mine", roles={Role.APPLICANT}, icon="shield-check", order=30
    ),
    NavItem(
        _("失信名单"),
        "credit:listings",
        roles=_READERS,
        icon="person-x",
        order=80,
        group=_("信用管理"),
    ),
    NavItem(
        _("信用承诺"),
        "credit:commitments",
        roles=_READERS,
        icon="patch-check",
        order=81,
        group=_("信用管理"),
    ),
    NavItem(
        _("承诺书文本"),
        "credit:texts",
        roles=_READERS,
        icon="file-earmark-text",
        order=82,
        group=_("信用管理"),
    ),
    NavItem(
        _("行政处罚"),
        "credit:penalties",
        roles=_RECORDERS,
        icon="exclamation-octagon",
        order=83,
        group=_("信用管理"),
    ),
    NavItem(
        _("守信激励"),
        "credit:praises",
        roles=_RECORDERS,
        icon="award",
        order=84,
        group=_("信用管理"),
    ),
    NavItem(
        _("信用修复审核"),
        "credit:repairs",
        roles=_READERS,
        icon="arrow-repeat",
        order=85,
        group=_("信用管理"),
    ),
    NavItem(
        _("信用规则"),
        "credit:rules",
        roles=_READERS,
        icon="sliders",
        order=86,
        group=_("信用管理"),
    ),
]

PORTAL = [NavItem(_("信用公示"), "credit:public", icon="shield-exclamation", order=60)]
