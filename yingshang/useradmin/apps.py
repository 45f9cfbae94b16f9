from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UseradminConfig(AppConfig):
    name = "yingshang.useradmin"
    label = "useradmin"
    verbose_name = _("人员与岗位")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from yingshang.audit import labels
        from yingshang.useradmin.middleware import on_login

        user_logged_in.connect(on_login, dispatch_uid="useradmin.must_change_password")
        from yingshang.useradmin import checks  # noqa: F401  (the handler-coverage check)

        labels.register(
            {
                "user.deactivate": _("停用账号"),
                "user.reactivate": _("启用账号"),
                "user.reset_password": _("重置密码"),
                "user.update": _("修改账号信息"),
                "user.change_password": _("本人修改密码"),
            }
        )
