"""The policies section of the county overview (workbench.overview): policies published and
reviews overdue, applications decided and paid in the period, the delivery rate."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang.policies import selectors
from yingshang.policies import transitions as t
from yingshang.workbench.overview import Figure, Section, count, per_unit, percent


def section(user, period) -> Section:
    published = (
        selectors.policies(user, status=t.PUBLISHED)
        .filter(published_at__gte=period.start, published_at__lt=period.end)
        .count()
    )
    overdue = selectors.reviews(user, overdue=True)
    apps = selectors.applications(user)
    paid = apps.filter(status=t.PAID, paid_at__gte=period.start, paid_at__lt=period.end).count()
    late = apps.filter(status=t.APPROVED, due_at__lt=timezone.now()).count()
    figures = selectors.delivery(user)
    reviews = reverse("policies:reviews")
    queue = reverse("policies:queue")
    return Section(
        key="policies",
        title=_("政策日历与兑现"),
        icon="calendar-week",
        url=reverse("policies:delivery"),
        figures=[
            Figure(_("本期发布政策"), count(published), reverse("policies:staff_list")),
            Figure(
                _("逾期未梳理"),
                count(overdue.count()),
                f"{reviews}?overdue=1",
                alert=overdue.exists(),
            ),
            Figure(_("本期拨付"), count(paid), f"{queue}?status=paid"),
            Figure(_("逾期未拨付"), count(late), f"{queue}?status=approved", alert=late > 0),
            Figure(_("政策兑现率"), percent(figures.rate), reverse("policies:delivery")),
        ],
        overdue_label=_("逾期未梳理政策"),
        overdue={
            unit: (n, f"{reviews}?overdue=1&unit={unit}")
            for unit, n in per_unit(overdue, "unit_id").items()
        },
    )
