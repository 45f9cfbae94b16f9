"""The 清欠 panel of the firm page (一企一档): what is owed to the firm."""

from django.db.models import Case, Count, F, Q, Sum, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingshang.arrears.models import Arrears
from yingshang.enterprises.panels import LIMIT, Fact, FirmPanel, Panel, Row


def build(firm, user, *, public: bool = False) -> Panel | None:
    from yingshang.arrears import selectors
    from yingshang.arrears import transitions as t

    qs = selectors.for_firm(firm, user)
    # Arrears.remaining, summed in SQL (a firm page may stand on thousands of records)
    remaining = Case(
        When(status=t.REPORTED, then=F("amount")),
        default=F("undisputed_amount") + F("disputed_amount") - F("paid_amount"),
    )
    sums = qs.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=t.OPEN)),
        owed=Sum(remaining, filter=Q(status__in=t.OPEN)),
        paid=Sum("paid_amount"),
        overdue=Count("pk", filter=selectors.overdue_q()),
    )
    total = sums["total"]
    if not total and not public:
        return None
    owed, paid, overdue = sums["owed"] or 0, sums["paid"] or 0, sums["overdue"]
    name = "arrears:portal_detail" if public else "arrears:detail"
    return Panel(
        key="arrears",
        title=_("被拖欠账款"),
        facts=[
            Fact(_("未结记录"), str(sums["open"])),
            Fact(_("尚欠金额（元）"), f"{owed:,.2f}", alert=owed > 0),
            Fact(_("已清偿（元）"), f"{paid:,.2f}"),
            Fact(_("逾期未付"), str(overdue), alert=overdue > 0),
        ],
        rows=[
            Row(
                label=f"{a.number} {a.debtor.name}",
                detail=f"{a.get_status_display()} · {a.amount:,.2f}元 · {_('应付')} {a.due_on:%Y-%m-%d}",
                url=reverse(name, args=[a.pk]),
                alert=a.status in t.PAYABLE and a.outstanding > 0 and a.due_on < selectors.today(),
            )
            for a in (qs[:LIMIT] if total else [])
        ],
        total=total,
        more_url=reverse("arrears:portal_mine")
        if public
        else f"{reverse('arrears:list')}?firm={firm.pk}",
        empty=_("没有被拖欠账款的记录"),
    )


PANELS = [
    FirmPanel(
        "arrears",
        gettext_lazy("被拖欠账款"),
        build=build,
        order=50,
        sources=[(Arrears, "creditor_id")],
    )
]
