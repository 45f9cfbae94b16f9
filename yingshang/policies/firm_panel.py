"""The firm page's 政策兑现 panel (一企一档): benefits applied for and received."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingshang.enterprises.panels import Fact, FirmPanel, Panel, Row
from yingshang.policies import transitions as t
from yingshang.policies.models import Application, Payment

LIMIT = 10


def build(firm, user, *, public: bool = False) -> Panel | None:
    from django.db.models import Count, Q, Sum

    from yingshang.org import scope

    qs = Application.objects.filter(firm=firm)
    if not public:
        qs = scope.visible_to(user, Application, qs)
    qs = qs.exclude(status=t.CANCELLED).select_related("item")
    row = qs.aggregate(
        n=Count("pk"),
        paid=Count("pk", filter=Q(status=t.PAID)),
        amount=Sum("payment__amount", filter=Q(status=t.PAID)),
        waiting=Count("pk", filter=Q(status=t.APPROVED)),
    )
    if not row["n"] and not public:
        return None
    page = "policies:mine" if public else "policies:application"
    rows = [
        Row(
            label=f"{a.number} {a.item.title}",
            detail=f"{a.get_status_display()} · {a.approved_amount or a.requested} 元",
            url=reverse(page) if public else reverse(page, args=[a.pk]),
            alert=a.status == t.APPROVED and a.clock_state == "overdue",
        )
        for a in qs.order_by("-submitted_at")[:LIMIT]
    ]
    return Panel(
        key="policies",
        title=_("政策兑现"),
        facts=[
            Fact(_("申报/享受"), str(row["n"])),
            Fact(_("已拨付"), str(row["paid"])),
            Fact(_("拨付金额（元）"), f"{row['amount'] or 0:.2f}"),
            Fact(_("待拨付"), str(row["waiting"]), alert=bool(row["waiting"])),
        ],
        rows=rows,
        total=row["n"],
        more_url=reverse("policies:queue") + f"?firm={firm.pk}" if not public else reverse(page),
        empty=_("暂无政策兑现记录"),
    )


PANELS = [
    FirmPanel(
        "policies",
        gettext_lazy("政策兑现"),
        build=build,
        order=60,
        sources=[(Application, "firm_id"), (Payment, "application__firm_id")],
    )
]
