from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "yingshang.indicators"
    label = "indicators"
    verbose_name = _("营商环境评价")

    def ready(self) -> None:
        from importlib import import_module

        import_module(f"{self.name}.scopes")
        import_module(f"{self.name}.measures")  # registers the measurement plug-ins
        import_module(f"{self.name}.services.rounds")  # the task clocks' sweep handler
        from yingshang.indicators import scorecache

        scorecache.connect()  # the evaluation page's rendered tree follows every data change
        from yingshang.audit.labels import register

        register(
            {
                "indicator.tree_create": _("建立指标体系"),
                "indicator.update": _("修改指标"),
                "indicator.add": _("增加指标"),
                "indicator.deactivate": _("停用指标"),
                "indicator.period_open": _("开启评价期次"),
                "indicator.enter": _("填报指标值"),
                "indicator.submit": _("提交审核"),
                "indicator.measure": _("系统测算"),
                "indicator.approve": _("审核通过"),
                "indicator.return": _("退回"),
                "indicator.reopen": _("撤销通过"),
                "indicator.import": _("Excel导入指标值"),
                "indicator.problem": _("转为问题台账"),
                "indicator.compare": _("录入对比值"),
                "indicator.tree_lock": _("锁定指标体系"),
                "indicator.tree_version": _("建立指标体系新版本"),
                "indicator.tree_import": _("Excel导入指标体系"),
                "indicator.task_done": _("牵头单位报送完毕"),
                "indicator.task_reopen": _("退回更正，报送任务重新计时"),
                "indicator.task_overdue": _("报送逾期"),
                "indicator.site_create": _("增加测算站点"),
                "indicator.site_update": _("修改测算站点"),
                "indicator.sites": _("填报分站点数值"),
                "indicator.remeasure": _("定时重新测算"),
                "indicator.publish": _("在门户公布得分"),
                "indicator.unpublish": _("撤回门户公布"),
            }
        )
