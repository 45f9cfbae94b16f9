"""The firm page's 12345 panel (enterprises.panels). Staff see the work orders about the firm
(涉及企业) in their scope; on the portal a firm account sees only the orders it submitted
itself (hotline.selectors.my_orders: an order about the firm may be a complaint by someone else,
whose identity the firm must not learn)."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingshang.enterprises.panels import LIMIT, Fact, FirmPanel, Panel, Row
from yingshang.hotline import selectors
from yingshang.hotline.models import WorkOrder
from yingshang.org import scope


def build(firm, user, *, public: bool = False) -> Panel | None:
    if public:
        qs = selectors.my_orders(user)
    else:
        qs = scope.visible_to(user, WorkOrder).filter(firm=firm)
    total = qs.count()
    rows = []
    latest = qs.only("pk", "number", "category", "status", "registered_at")
    for order in latest.order_by("-registered_at", "-pk")[:LIMIT] if total else []:
        url = (
            reverse("hotline:portal_mine_detail", args=[order.pk])
            if public
            else reverse("hotline:order_detail", args=[order.pk])
        )
        rows.append(
            Row(
                label=order.number,
                detail=f"{order.get_category_display()} · {order.get_status_display()} · "
                f"{order.registered_at:%Y-%m-%d}",
                url=url,
            )
        )
    more = (
        reverse("hotline:portal_mine")
        if public
        else reverse("hotline:orders") + "?" + urlencode({"firm": firm.pk})
    )
    return Panel(
        key="hotline",
        title=_("12345诉求") if not public else _("我提交的诉求"),
        facts=[Fact(_("工单数"), str(total))],
        rows=rows,
        total=total,
        more_url=more,
        empty=_("暂无工单"),
    )


PANELS = [
    FirmPanel(
        "hotline",
        gettext_lazy("12345诉求"),
        build=build,
        order=20,
        sources=[(WorkOrder, "firm_id")],
    )
]
