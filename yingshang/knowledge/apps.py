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
        # how this app's events read in timelines (model fields need nothing)
        labels.register_fields(
            "knowledge.dispatchmodel",
            {
                "holdout": labels.Field(_("留出比例"), percent=True),
                "top1": labels.Field(_("首选准确率"), percent=True),
                "top3": labels.Field(_("前三准确率"), percent=True),
                "topic_top1": labels.Field(_("分类首选准确率"), percent=True),
            },
        )
        labels.register_fields(
            "knowledge.knowledgearticle",
            {
                "topic_code": labels.Field(
                    _("诉求分类"), lookup=labels.related_names("hotline.topic")
                )
            },
        )
