from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArrearsConfig(AppConfig):
    name = "yingshang.arrears"
    label = "arrears"
    verbose_name = _("清欠")

    def ready(self) -> None:
        from importlib import import_module

        import_module(f"{self.name}.scopes")
        import_module(f"{self.name}.services")  # registers the clock handler
        from yingshang.audit import labels

        labels.register(
            {
                "arrears.report": _("登记拖欠账款"),
                "arrears.verify": _("核实确认"),
                "arrears.reject": _("不予认定"),
                "arrears.pay": _("登记还款"),
                "arrears.void_payment": _("作废还款记录"),
                "arrears.plan": _("制定还款计划"),
                "arrears.settle_dispute": _("化解争议"),
                "arrears.attach": _("上传证明材料"),
                "arrears.void": _("作废"),
                "arrears.import": _("台账导入"),
                "arrears.overdue_verification": _("核实逾期"),
            }
        )
        labels.register_fields(
            "arrears.arrears",
            {
                "payment": _("还款"),
                "milestone": _("还款计划节点"),
                "files": _("附件"),
                "agreed": _("争议化解后确认金额"),
            },
        )
