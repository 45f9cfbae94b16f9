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
                "matter.localise": _("本地化市级事项（本县承接）"),
                "package.create": _("新增一件事"),
                "package.define": _("设置一件事的办理顺序与产出"),
                "package.update": _("修改一件事"),
                "catalog.import": _("导入事项目录"),
            }
        )
        from yingshang.catalog.vocab import LIFE_EVENTS, THEMES

        # how this app's events read in timelines (model fields need nothing)
        labels.register_field_models("catalog.matter", "catalog.matterversion")
        labels.register_fields(
            "catalog.matter",
            {
                "materials": labels.Field(_("申请材料"), lookup=_material_names),
                "form_fields": _("申请表字段"),
                "source": _("承接的市级事项"),
                "changed": _("本地调整的内容"),
                "themes": labels.Field(_("主题分类"), choices=THEMES),
                "life_events": labels.Field(_("生命周期事件"), choices=LIFE_EVENTS),
            },
        )
        labels.register_fields("catalog.package", {"matters": _("包含事项")})
        labels.register_object_types({"catalog.import": _("事项目录导入")})
        _warm_up_search()


def _warm_up_search() -> None:
    """jieba loads its dictionary (seconds) on first use: in a web server, do it in the background
    at start so the first portal search is not the slow one."""
    import sys
    import threading

    if any(arg in ("serve", "runserver") for arg in sys.argv[1:2]):
        import jieba

        threading.Thread(target=jieba.initialize, name="jieba-warm-up", daemon=True).start()


def _material_names(keys: set) -> dict:
    from yingshang.catalog.models import Material

    return dict(
        Material.objects.filter(key__in=[k for k in keys if isinstance(k, str)])
        .order_by("key", "-id")
        .values_list("key", "name")
    )
