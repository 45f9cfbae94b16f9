"""The 清欠 section of the county overview (workbench.overview)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yingshang.workbench.overview import Figure, Section, count, percent


def _yuan(value) -> str:
    return f"{value:,.2f}"


def section(user, period) -> Section:
    from yingshang.arrears import selectors
    from yingshang.arrears.models import Payment

    visible = selectors.arrears(user)
    rows = selectors.progress(user)
    totals = selectors.totals(rows)
    new = visible.filter(reported_at__gte=period.start, reported_at__lt=period.end).count()
    paid = sum(
        Payment.objects.filter(
            arrears__in=visible.values("pk"),
            paid_on__gte=period.first,
            paid_on__lte=period.last,
            voided_at__isnull=True,
        ).values_list("amount", flat=True)
    )
    listing = reverse("arrears:list")
    overdue_units: dict[int, tuple[int, str]] = {}
    for r in rows:
        unit = r.debtor.unit_id
        if r.overdue_records and unit:
            n = overdue_units.get(unit, (0, ""))[0] + r.overdue_records
            overdue_units[unit] = (n, f"{listing}?overdue=1&unit={unit}")
    return Section(
        key="arrears",
        title=_("清欠"),
        icon="cash-coin",
        url=reverse("arrears:progress"),
        figures=[
            Figure(_("本期新增反映"), count(new), listing),
            Figure(_("本期还款（元）"), _yuan(paid), reverse("arrears:ledger")),
            Figure(_("清零进度"), percent(totals["rate"]), reverse("arrears:progress")),
            Figure(
                _("逾期未付债务人"),
                count(totals["overdue_debtors"]),
                f"{listing}?overdue=1",
                alert=totals["overdue_debtors"] > 0,
            ),
        ],
        overdue_label=_("逾期欠款"),
        overdue=overdue_units,
    )
