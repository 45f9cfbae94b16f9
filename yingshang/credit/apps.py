from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "yingshang.credit"
    label = "credit"
    verbose_name = _("信用")

    def ready(self) -> None:
        from yingshang.audit import labels
        from yingshang.credit import scopes  # noqa: F401

        labels.register(
            {
                "credit.commitment_sign": _("签署信用承诺"),
                "credit.commitment_kept": _("承诺已履行"),
                "credit.commitment_broken": _("承诺未履行（违诺）"),
                "credit.commitment_false": _("认定虚假承诺"),
                "credit.list": _("列入失信名单"),
                "credit.delist": _("移出失信名单"),
                "credit.text_publish": _("发布承诺书新版本"),
                "credit.penalty_record": _("录入行政处罚"),
                "credit.penalty_void": _("作废行政处罚记录"),
                "credit.praise_add": _("录入守信激励记录"),
                "credit.praise_void": _("作废守信激励记录"),
                "credit.listing_notice": _("告知拟列入失信名单"),
                "credit.listing_object": _("提出异议"),
                "credit.listing_uphold_objection": _("异议成立，不予列入"),
                "credit.listing_reject_objection": _("异议不成立，列入失信名单"),
                "credit.listing_confirm": _("异议期满，列入失信名单"),
                "credit.publicity_rule": _("修改公示期限规则"),
                "credit.sanction_rule": _("修改联合惩戒规则"),
                "credit.publicity_expire": _("公示期满自动停止公示"),
                "credit.repair_apply": _("申请信用修复"),
                "credit.repair_return": _("退回补充材料"),
                "credit.repair_resubmit": _("补充材料后重新提交"),
                "credit.repair_accept": _("信用修复通过"),
                "credit.repair_refuse": _("不予信用修复"),
                "credit.repair_withdraw": _("撤回信用修复申请"),
                "credit.repaired": _("信用修复完成，停止公示"),
            }
        )
        labels.register_fields(
            "credit.penalty", {"types": _("处罚类型"), "public_until": _("公示截止")}
        )
        labels.register_fields("credit.repairapplication", {"materials": _("材料")})
        labels.register_object_types({"credit.publicity": _("信用公示")})

        from yingshang.credit import repair
        from yingshang.workcal import clocks

        clocks.on_transition("credit.repairapplication", repair.on_clock_transition)
        # how this app's events read in timelines (model fields need nothing)
        labels.register_fields("credit.commitment", {"case": _("办件编号")})
