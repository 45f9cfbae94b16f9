from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "yingshang.ratings"
    label = "ratings"
    verbose_name = _("好差评")

    def ready(self) -> None:
        from importlib import import_module
        from importlib.util import find_spec

        from django.db.models.signals import post_save

        from yingshang.audit import labels
        from yingshang.ratings import ratelimit, schemes

        post_save.connect(schemes.ACTIVE.clear, sender="ratings.RatingScheme", weak=False)
        post_save.connect(ratelimit.SETTINGS.clear, sender="ratings.RatingSettings", weak=False)
        if find_spec(f"{self.name}.scopes"):
            import_module(f"{self.name}.scopes")
        # the 差评 loop's clock handler (warnings and overdue verify/reply clocks)
        import_module(f"{self.name}.services.rectifications")
        labels.register(
            {
                "rating.submit": _("提交评价"),
                "rating.add_details": _("补充评价内容"),
                "rating.exclude": _("申诉核减（不计入统计）"),
                "rating_scheme.publish": _("发布评价指标"),
                "rating_settings.update": _("修改好差评设置"),
                "visit.start": _("开始窗口服务"),
                "visit.end": _("结束窗口服务"),
                "rectification.open": _("差评转整改"),
                "rectification.verify": _("核实差评"),
                "rectification.reply": _("整改答复"),
                "rectification.to_ledger": _("转入问题台账"),
                "rectification.callback": _("回访"),
                "rectification.close": _("复核办结"),
                "rectification.send_back": _("退回重改"),
                "rectification.cancel": _("申诉成立，整改取消"),
                "appeal.submit": _("提出申诉"),
                "appeal.decide": _("审核申诉"),
            }
        )
        # how this app's events read in timelines (model fields need nothing)
        labels.register_fields(
            "ratings.rectification",
            {
                "verified_on_time": _("按时核实"),
                "replied_on_time": _("按时答复"),
                "ledger_intent": _("台账问题登记号"),
            },
        )
        labels.register_fields("ratings.appeal", {"rating": _("被申诉的评价")})
