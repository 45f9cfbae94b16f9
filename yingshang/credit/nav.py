from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import Role
from yingshang.workbench.navigation import NavItem

WORKBENCH = [
    NavItem(
        _("我的信用档案"), "credit:mine", roles={Role.APPLICANT}, icon="shield-check", order=30
    ),
]
