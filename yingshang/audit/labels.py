"""Human labels of audit actions, registered by each app (`labels.register({...})` in its
AppConfig.ready) so timelines read "受理" instead of "case.accept"."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# lazy: a label is translated when shown
_labels: dict[str, str | Promise] = {
    "user.create": _("创建账号"),
    "role.grant": _("授予角色"),
    "role.revoke": _("撤销角色"),
    "unit.create": _("新建单位"),
    "unit.update": _("修改单位"),
    "apitoken.create": _("创建接口令牌"),
    "apitoken.revoke": _("撤销接口令牌"),
    "calendar.enter_year": _("录入年度工作日历"),
    "calendar.set_day": _("修改工作日历"),
    "calendar.schedule": _("修改工作时间"),
    "clock.recompute": _("按新日历重算时限"),
}


def register(labels: dict[str, str | Promise]) -> None:
    _labels.update(labels)


def label(action: str) -> str:
    return str(_labels.get(action, action))
