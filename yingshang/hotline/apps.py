from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "yingshang.hotline"
    label = "hotline"
    verbose_name = _("12345热线")

    def ready(self) -> None:
        from importlib import import_module
        from importlib.util import find_spec

        if find_spec(f"{self.name}.scopes"):
            import_module(f"{self.name}.scopes")

        from yingshang.audit import labels
        from yingshang.hotline.services import on_clock_transition
        from yingshang.workcal import clocks

        clocks.on_transition("hotline.workorder", on_clock_transition)
        labels.register(
            {
                "hotline.register": _("登记工单"),
                "hotline.answer_directly": _("直接答复办结"),
                "hotline.dispatch": _("派单"),
                "hotline.reassign": _("改派"),
                "hotline.sign": _("签收"),
                "hotline.return": _("退单"),
                "hotline.rule_return": _("退单认定"),
                "hotline.ask_extension": _("申请延期"),
                "hotline.approve_extension": _("批准延期"),
                "hotline.deny_extension": _("不批准延期"),
                "hotline.reply": _("答复"),
                "hotline.approve_reply": _("审核通过答复"),
                "hotline.send_back": _("退回重新答复"),
                "hotline.callback": _("回访"),
                "hotline.redo": _("重办"),
                "hotline.close": _("办结"),
                "hotline.merge": _("合并重复工单"),
                "hotline.merged_in": _("并入重复工单"),
                "hotline.reclassify": _("调整分类"),
                "hotline.supervise": _("督办"),
                "hotline.urge": _("催办"),
                "hotline.overdue_notice": _("超期催办通知"),
                "hotline.portal_rate": _("网上评价"),
                "hotline.attach": _("上传附件"),
                "hotline.co_opinion": _("协办意见"),
                "hotline.limit_rule": _("修改办理时限规则"),
                "hotline.kpi_config": _("修改考核权重"),
                "hotline.city_figure": _("记录市平台考核数据"),
            }
        )
        from yingshang.hotline.models import ReturnRequest

        # how this app's events read in timelines (model fields need nothing)
        labels.register_fields(
            "hotline.workorder",
            {
                "days": _("延期天数"),
                "extension_id": _("延期申请编号"),
                "return_id": _("退单编号"),
                "return_ruling": labels.Field(_("退单认定"), choices=ReturnRequest.Ruling.choices),
            },
        )
        labels.register_sentences({"hotline.dispatch": _("派至{main_unit_id}办理")})
