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
            }
        )
