from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "yingshang.projects"
    label = "projects"
    verbose_name = _("工程建设项目")

    def ready(self) -> None:
        from importlib import import_module

        import_module(f"{self.name}.scopes")
        from yingshang.cases.services import on_applicant_turn
        from yingshang.projects.services.stages import on_intake_correction

        on_applicant_turn(on_intake_correction)
        from yingshang.audit import labels

        labels.register(
            {
                "project.create": _("登记工程建设项目"),
                "project.stage_submit": _("提交阶段申请"),
                "project.stage_return": _("退回补正"),
                "project.stage_resubmit": _("补正后重新提交"),
                "project.intake_correction": _("窗口一次性告知补正，项目计时暂停"),
                "project.intake_resubmit": _("补正后重新提交，项目计时恢复"),
                "project.stage_approve": _("阶段审批办结"),
                "project.stage_refuse": _("阶段不予许可"),
                "project.complete": _("项目竣工验收完成"),
                "keyproject.create": _("列入重点项目"),
                "keyproject.milestone": _("记录开工/复工/竣工"),
                "keyproject.progress": _("报送月度投资进度"),
                "keyproject.helper": _("确定四帮四保责任单位"),
                "keyproject.problem": _("项目问题转入台账"),
                "keyproject.visit": _("记录政企走访"),
            }
        )
