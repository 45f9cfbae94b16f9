from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import Role
from yingshang.workbench.navigation import NavItem

_STAFF = {Role.DEPT_HANDLER, Role.DEPT_HEAD, Role.SUPERVISOR, Role.LEADER, Role.ADMIN}

WORKBENCH = [
    NavItem(
        _("抽查计划"),
        "inspections:staff_home",
        roles=_STAFF,
        icon="shuffle",
        order=90,
        group=_("双随机抽查"),
    ),
    NavItem(
        _("一单两库一细则"),
        "inspections:registers",
        roles=_STAFF,
        icon="journal-check",
        order=91,
        group=_("双随机抽查"),
    ),
    NavItem(
        _("宁静日例外报备"),
        "inspections:exceptions",
        roles=_STAFF,
        icon="moon",
        order=92,
        group=_("双随机抽查"),
    ),
    NavItem(
        _("结果异议"),
        "inspections:objections",
        roles=_STAFF,
        icon="chat-left-text",
        order=93,
        group=_("双随机抽查"),
    ),
    NavItem(
        _("抽查规则"),
        "inspections:config",
        roles={Role.SUPERVISOR, Role.ADMIN},
        icon="sliders",
        order=94,
        group=_("双随机抽查"),
    ),
    NavItem(
        _("本企业的检查"),
        "inspections:mine",
        roles={Role.APPLICANT},
        icon="clipboard-check",
        order=40,
    ),
]
PORTAL = [
    NavItem(_("双随机抽查"), "inspections:public_plans", icon="shuffle", order=50),
    NavItem(_("抽查结果"), "inspections:public_results", icon="clipboard-check", order=51),
]
