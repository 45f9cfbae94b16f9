from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "yingshang.knowledge"
    label = "knowledge"
    verbose_name = _("知识库")

    def ready(self) -> None:
        from importlib import import_module
        from importlib.util import find_spec

        from yingshang.audit import labels

        if find_spec(f"{self.name}.scopes"):
            import_module(f"{self.name}.scopes")
        labels.register(
            {
                "knowledge.create": _("新建知识条目"),
                "knowledge.publish": _("发布知识条目"),
                "knowledge.revise": _("修订知识条目"),
                "knowledge.withdraw": _("撤回知识条目"),
                "dispatch_model.train": _("训练智能派单模型"),
                "dispatch_model.retrain_requested": _("申请重新训练派单模型"),
            }
        )
