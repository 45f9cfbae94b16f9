"""The firm page's 评价 panel (enterprises.panels): the real-name ratings the firm's accounts
gave (anonymous ratings are linked to nobody), from the viewer's scope."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingshang.enterprises.panels import LIMIT, Fact, FirmPanel, Panel, Row
from yingshang.org import scope
from yingshang.ratings.models import Rating


def build(firm, user, *, public: bool = False) -> Panel | None:
    qs = scope.visible_to(user, Rating).filter(rater__firm=firm, anonymous=False)
    n = qs.aggregate(total=Count("pk"), bad=Count("pk", filter=Q(is_bad=True)))
    total, bad = n["total"], n["bad"]
    rows = []
    latest = qs.select_related("unit").order_by("-created_at", "-pk")[:LIMIT] if total else []
    for rating in latest:
        rows.append(
            Row(
                label=f"{rating.get_level_display()} · {rating.unit.name if rating.unit_id else ''}",
                detail=f"{rating.created_at:%Y-%m-%d}",
                url="" if public else reverse("ratings:detail", args=[rating.pk]),
                alert=rating.is_bad,
            )
        )
    return Panel(
        key="ratings",
        title=_("企业作出的评价"),
        facts=[Fact(_("评价数"), str(total)), Fact(_("差评"), str(bad), alert=bool(bad))],
        rows=rows,
        total=total,
        more_url=reverse("ratings:mine") if public else "",
        empty=_("暂无评价"),
    )


PANELS = [
    FirmPanel(
        "ratings", gettext_lazy("评价"), build=build, order=30, sources=[(Rating, "rater__firm_id")]
    )
]
