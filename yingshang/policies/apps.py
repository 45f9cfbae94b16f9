from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "yingshang.policies"
    label = "policies"
    verbose_name = _("政策日历与兑现")

    def ready(self) -> None:
        from importlib import import_module

        import_module(f"{self.name}.scopes")
        import_module(f"{self.name}.services")  # registers the clock handlers
        from yingshang.audit.labels import register

        register(
            {
                "policy.tag_create": _("增加政策标签"),
                "policy.create": _("登记政策"),
                "policy.update": _("修改政策"),
                "policy.publish": _("发布政策"),
                "policy.withdraw": _("撤回政策"),
                "policy.review_open": _("开启本周梳理"),
                "policy.review_complete": _("完成本周梳理"),
                "policy.item_create": _("增加兑现事项"),
                "policy.item_withdraw": _("撤回兑现事项"),
                "policy.apply": _("企业申报"),
                "policy.approve": _("审核通过"),
                "policy.return": _("退回补正"),
                "policy.resubmit": _("补正后重新提交"),
                "policy.refuse": _("不予兑现"),
                "policy.cancel": _("企业撤回申请"),
                "policy.pay": _("登记拨付"),
                "policy.grant": _("免申即享核定"),
                "policy.subscribe": _("订阅政策周报"),
                "policy.digest": _("生成政策周报"),
            }
        )
