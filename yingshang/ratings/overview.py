"""The 好差评 section of the county overview (workbench.overview)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang.workbench.overview import Figure, Section, count, per_unit, rate


def section(user, period) -> Section:
    from yingshang.org import scope
    from yingshang.ratings import selectors
    from yingshang.ratings.models import Rectification

    total = selectors.totals(
        selectors.stats(user, group="unit", start=period.first, end=period.last)
    )
    overdue_now = per_unit(
        selectors.overdue_rectifications(scope.visible_to(user, Rectification), timezone.now()),
        "unit_id",
    )
    days = f"start={period.first.isoformat()}&end={period.last.isoformat()}"
    ratings = f"{reverse('ratings:list')}?{days}"
    overdue_list = f"{reverse('ratings:rectifications')}?status=open&overdue=1"
    n_overdue = sum(overdue_now.values())
    return Section(
        key="ratings",
        title=_("好差评"),
        icon="star-half",
        url=f"{reverse('ratings:stats')}?{days}",
        figures=[
            Figure(_("评价数"), count(total.total), ratings),
            Figure(_("满意率"), rate(total.satisfied, total.total), ratings),
            Figure(_("差评"), count(total.bad), f"{ratings}&bad=1", alert=total.bad > 0),
            Figure(
                _("差评整改率"),
                rate(total.rect_closed, total.rect_total),
                f"{reverse('ratings:rectifications')}?status=all",
                _("本期差评中已整改办结的比例"),
            ),
            Figure(
                _("整改超期"),
                count(n_overdue),
                overdue_list,
                _("现在已超过核实或整改答复时限的差评整改"),
                alert=n_overdue > 0,
            ),
        ],
        overdue_label=_("差评整改超期"),
        overdue={uid: (n, f"{overdue_list}&unit={uid}") for uid, n in overdue_now.items()},
    )
