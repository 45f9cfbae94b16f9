from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "yingshang.assessment"
    label = "assessment"
    verbose_name = _("考核排名")

    def ready(self) -> None:
        from yingshang.assessment import scopes  # noqa: F401  (registers scope and abilities)
        from yingshang.audit import labels

        labels.register(
            {
                "assessment.scheme_create": _("新建考核方案"),
                "assessment.scheme_activate": _("启用考核方案"),
                "assessment.scheme_revise": _("修订考核方案"),
                "assessment.scheme_retire": _("停用考核方案"),
                "assessment.adjustment_add": _("登记加减分"),
                "assessment.adjustment_void": _("作废加减分"),
                "assessment.snapshot_compute": _("计算排名"),
                "assessment.snapshot_publish": _("发布排名"),
                "assessment.snapshot_discard": _("废弃排名草稿"),
                "assessment.listing_add": _("列入名单"),
                "assessment.listing_followup": _("记录整改落实"),
                "assessment.exposure_create": _("起草曝光台案例"),
                "assessment.exposure_submit": _("提交曝光案例审核"),
                "assessment.exposure_approve": _("审核发布曝光案例"),
                "assessment.exposure_send_back": _("退回曝光案例"),
                "assessment.exposure_withdraw": _("撤回曝光案例"),
                "assessment.visit_plan": _("安排明查暗访"),
                "assessment.visit_conduct": _("记录明查暗访"),
                "assessment.visit_cancel": _("取消明查暗访"),
                "assessment.finding_add": _("记录暗访发现问题"),
                "assessment.finding_confirm": _("确认暗访问题"),
                "assessment.finding_void": _("作废暗访问题"),
                "assessment.snapshot_public": _("在门户公开排名"),
            }
        )
        from django.db.models.signals import post_save

        from yingshang.assessment.dashboard import COUNTS

        for model in ("assessment.Listing", "assessment.Finding", "assessment.Exposure"):
            post_save.connect(COUNTS.clear, sender=model, weak=False)  # this process at once
        labels.register_fields("assessment.scheme", {"from_version": _("修订自版本")})
        labels.register_fields("assessment.listing", {"minutes": _("会议纪要")})
