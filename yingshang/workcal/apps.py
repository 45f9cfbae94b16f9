from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkcalConfig(AppConfig):
    name = "yingshang.workcal"
    label = "workcal"
    verbose_name = _("工作日历与时限")

    def ready(self) -> None:
        from yingshang.workcal import scopes  # noqa: F401
