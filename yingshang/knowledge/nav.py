from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import STAFF_ROLES, Role
from yingshang.workbench.navigation import NavItem

WORKBENCH = [
    NavItem(_("知识库"), "knowledge:list", roles=STAFF_ROLES, icon="book", order=45),
    NavItem(
        _("智能派单模型"),
        "knowledge:dispatch_model",
        roles={Role.SUPERVISOR, Role.LEADER, Role.ADMIN, Role.HOTLINE_OPERATOR},
        icon="signpost-split",
        order=46,
    ),
]
