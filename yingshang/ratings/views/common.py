"""What several pages of 好差评 show the same way."""

from django.utils.translation import gettext as _

from yingshang.org.masking import mask_name, mask_phone
from yingshang.org.roles import COUNTYWIDE_ROLES, Role
from yingshang.ratings.models import Level, Rating

STAFF_ROLES = (Role.DEPT_HANDLER, Role.DEPT_HEAD, *COUNTYWIDE_ROLES, Role.ADMIN)
LEVELS = [(value, label) for value, label in Level.choices]  # 5 → 1, as shown on every pad


def rater_display(rating: Rating) -> str:
    if rating.anonymous:
        return _("匿名")
    name = mask_name(rating.rater.display_name) if rating.rater_id else ""
    return " ".join(p for p in (name, mask_phone(rating.rater_phone)) if p) or _("实名")


def object_display(rating: Rating) -> str:
    # An anonymous rating shows no case or work-order number: the number leads to the person.
    if rating.anonymous and rating.visit_id is None:
        return _("（匿名，不显示办件信息）")
    if rating.case_id:
        return rating.case.number
    if rating.work_order_id:
        return rating.work_order.number
    return _("窗口服务")
