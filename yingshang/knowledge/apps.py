from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "yingshang.knowledge"
    label = "knowledge"
    verbose_name = _("知识库")

    def ready(self) -> None:
        from importlib import import_module
        from importlib.util import find_spec

        if find_spec(f"{self.name}.scopes"):
            import_module(f"{self.name}.scopes")
