from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "yingshang.enterprises"
    label = "enterprises"
    verbose_name = _("企业")

    def ready(self) -> None:
        from importlib import import_module
        from importlib.util import find_spec

        if find_spec(f"{self.name}.scopes"):
            import_module(f"{self.name}.scopes")
        from yingshang.audit import labels
        from yingshang.enterprises import panels

        panels.watch_sources()

        labels.register(
            {
                "firm.create": _("登记企业"),
                "firm.update": _("修改企业信息"),
                "firm.import_preview": _("预览名录导入"),
                "firm.import_apply": _("导入企业名录"),
                "firm.import_discard": _("放弃名录导入"),
                "firm.import_update": _("导入名录合并更新"),
                "firm.status": _("变更登记状态"),
                "firm.agent_authorise": _("授权经办人"),
                "firm.agent_revoke": _("撤销经办人授权"),
                "firm.legal_rep_transfer": _("变更法定代表人账号"),
                "firm.account_recorded": _("记录企业账号身份"),
            }
        )
