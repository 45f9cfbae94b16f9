from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "yingshang.audit"
    label = "audit"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        from yingshang.audit import keys, scopes  # noqa: F401  (keys: reset on setting_changed)
