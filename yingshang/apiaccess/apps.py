from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiaccessConfig(AppConfig):
    name = "yingshang.apiaccess"
    label = "apiaccess"
    verbose_name = _("接口授权")

    def ready(self) -> None:
        from importlib import import_module
        from importlib.util import find_spec

        if find_spec(f"{self.name}.scopes"):
            import_module(f"{self.name}.scopes")
        from yingshang.audit import labels

        labels.register(
            {
                "apikey.issue": _("签发接口密钥"),
                "apikey.revoke": _("吊销接口密钥"),
                "apikey.rotate": _("轮换接口密钥"),
                "apikey.scope": _("调整接口密钥权限"),
            }
        )
