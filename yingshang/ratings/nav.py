from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import COUNTYWIDE_ROLES, Role
from yingshang.workbench.navigation import NavItem

_STAFF = {Role.DEPT_HANDLER, Role.DEPT_HEAD, Role.ADMIN} | COUNTYWIDE_ROLES

WORKBENCH = [
    NavItem(_("差评整改"), "ratings:rectifications", roles=_STAFF, icon="hand-thumbs-down", order=60, group=_("好差评")),
    NavItem(_("评价记录"), "ratings:list", roles=_STAFF, icon="star-half", order=61, group=_("好差评")),
    NavItem(_("差评申诉"), "ratings:appeals", roles=_STAFF, icon="shield-exclamation", order=62, group=_("好差评")),
    NavItem(_("好差评统计"), "ratings:stats", roles=_STAFF, icon="bar-chart", order=63, group=_("好差评")),
]
PORTAL = [
    NavItem(_("好差评公示"), "ratings:public", order=60),
]
