from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "yingshang.supervision"
    label = "supervision"
    verbose_name = _("问题台账")

    def ready(self) -> None:
        from importlib import import_module
        from importlib.util import find_spec

        if find_spec(f"{self.name}.scopes"):
            import_module(f"{self.name}.scopes")
        from yingshang.audit.labels import register

        import_module(f"{self.name}.services")  # registers the clock handlers
        register(
            {
                "problem.create": _("登记问题"),
                "problem.claim": _("认领问题"),
                "problem.progress": _("报送整改进展"),
                "problem.request_closure": _("申请销号"),
                "problem.evidence": _("上传佐证材料"),
                "problem.extend": _("延长整改时限"),
                "problem.close": _("核验销号"),
                "problem.reopen": _("退回重改"),
                "problem.void": _("作废"),
                "problem.exposure": _("曝光标记"),
                "problem.accountability": _("问责标记"),
                "problem.milestone_add": _("增加整改节点"),
                "problem.milestone_done": _("完成整改节点"),
                "problem.milestone_overdue": _("整改节点逾期"),
                "problem.overdue": _("整改逾期"),
                "problem.remind": _("到期提醒"),
                "problem.import": _("台账导入"),
                "problem.import_update": _("台账导入更新"),
                "supervision.import_retry": _("台账导入重试"),
                "unit_alias.save": _("保存单位别名"),
                "unit_alias.withdraw": _("停用单位别名"),
                "inspection.publish": _("发布自查表"),
                "inspection.submit": _("填报自查表"),
            }
        )
        from yingshang.audit import labels

        # how this app's events read in timelines (model fields need nothing)
        labels.register_fields(
            "supervision.problem", {"evidence": _("佐证材料"), "milestone": _("整改节点")}
        )
