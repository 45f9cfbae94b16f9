from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "yingshang.catalog"
    label = "catalog"
    verbose_name = _("事项目录")

    def ready(self) -> None:
        from importlib import import_module
        from importlib.util import find_spec

        if find_spec(f"{self.name}.scopes"):
            import_module(f"{self.name}.scopes")

        from yingshang.audit import labels

        labels.register(
            {
                "matter.create": _("新增事项"),
                "matter.revise": _("修订事项（新版本）"),
                "matter.deactivate": _("停用事项"),
                "matter.activate": _("启用事项"),
                "package.create": _("新增一件事"),
                "package.update": _("修改一件事"),
                "catalog.import": _("导入事项目录"),
            }
        )
        _warm_up_search()


def _warm_up_search() -> None:
    """jieba loads its dictionary (seconds) on first use: in a web server, do it in the background
    at start so the first portal search is not the slow one."""
    import sys
    import threading

    if any(arg in ("serve", "runserver") for arg in sys.argv[1:2]):
        import jieba

        threading.Thread(target=jieba.initialize, name="jieba-warm-up", daemon=True).start()
