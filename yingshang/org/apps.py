from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "yingshang.org"
    label = "org"
    verbose_name = _("组织与人员")

    def ready(self) -> None:
        from yingshang.org import scopes, signals  # noqa: F401
