from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import Role
from yingshang.workbench.navigation import NavItem

WORKBENCH = [
    NavItem(_("系统集成密钥"), "apiaccess:keys", roles={Role.ADMIN}, icon="plug", order=945),
]
