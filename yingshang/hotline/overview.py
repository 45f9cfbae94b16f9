"""The 12345 section of the county overview (workbench.overview)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang.workbench.overview import Figure, Section, count, per_unit, rate


def section(user, period) -> Section:
    from yingshang.hotline import kpis, selectors
    from yingshang.hotline.models import WorkOrder
    from yingshang.org import scope
    from yingshang.workcal import periods

    month = periods.period_of("month", period.first)
    rows = kpis.compute(scope.visible_to(user, WorkOrder), month.start, month.end)["rows"]

    def summed(code: str) -> tuple[int, int]:
        parts = [r.counts.get(code, (0, 0)) for r in rows]
        return sum(p[0] for p in parts), sum(p[1] for p in parts)

    received = sum(r.sample for r in rows)
    on_time, on_time_of = summed("on_time")
    satisfied, satisfied_of = summed("satisfaction")
    overdue_now = per_unit(selectors.centre_queue(user, "overdue", timezone.now()), "main_unit_id")
    kpi_orders = f"{reverse('hotline:kpi_orders')}?period={month.key}"
    overdue_list = f"{reverse('hotline:orders')}?queue=overdue"
    total_overdue = sum(overdue_now.values())
    return Section(
        key="hotline",
        title=_("12345热线"),
        icon="headset",
        url=f"{reverse('hotline:kpis')}?period={month.key}",
        figures=[
            Figure(
                _("派发工单"),
                count(received),
                f"{kpi_orders}&metric=response&part=denominator",
                _("本月派发到承办单位的工单"),
            ),
            Figure(
                _("按时办结率"),
                rate(on_time, on_time_of),
                f"{kpi_orders}&metric=on_time&part=denominator",
            ),
            Figure(
                _("满意率"),
                rate(satisfied, satisfied_of),
                f"{kpi_orders}&metric=satisfaction&part=denominator",
                _("回访中表示满意的比例"),
            ),
            Figure(
                _("超期未办结"),
                count(total_overdue),
                overdue_list,
                _("现在已超过签收或办理时限仍未办结的工单"),
                alert=total_overdue > 0,
            ),
        ],
        overdue_label=_("超期工单"),
        overdue={uid: (n, f"{overdue_list}&unit={uid}") for uid, n in overdue_now.items() if uid},
    )
