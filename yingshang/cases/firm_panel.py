"""The firm page's 办件 panel (enterprises.panels): the firm's cases, from the viewer's scope."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingshang.cases.models import OPEN_STATES, Case
from yingshang.enterprises.panels import LIMIT, Fact, FirmPanel, Panel, Row
from yingshang.org import scope


def build(firm, user, *, public: bool = False) -> Panel | None:
    qs = scope.visible_to(user, Case).filter(firm=firm)
    n = qs.aggregate(total=Count("pk"), open=Count("pk", filter=Q(status__in=OPEN_STATES)))
    total, open_count = n["total"], n["open"]
    rows = []
    latest = qs.only("pk", "number", "title", "status", "created_at")
    for case in latest.order_by("-created_at", "-pk")[:LIMIT] if total else []:
        url = (
            reverse("cases:my_case", args=[case.number])
            if public
            else reverse("cases:staff_case", args=[case.pk])
        )
        rows.append(
            Row(
                label=f"{case.number} {case.title}",
                detail=f"{case.get_status_display()} · {case.created_at:%Y-%m-%d}",
                url=url,
            )
        )
    return Panel(
        key="cases",
        title=_("办件"),
        facts=[Fact(_("办件总数"), str(total)), Fact(_("办理中"), str(open_count))],
        rows=rows,
        total=total,
        more_url=reverse("cases:my_cases") if public else "",
        empty=_("暂无办件"),
    )


PANELS = [
    FirmPanel("cases", gettext_lazy("办件"), build=build, order=10, sources=[(Case, "firm_id")])
]
