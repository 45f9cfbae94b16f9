"""The firm page's 双随机抽查 panel (一企一档, enterprises.panels): staff see the inspections of
the firm in their scope; the firm itself sees its published results."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingshang.enterprises.panels import LIMIT, Fact, FirmPanel, Panel, Row
from yingshang.inspections.models import Inspection, PublishedResult


def build(firm, user, *, public: bool = False) -> Panel | None:
    from yingshang.inspections import selectors

    if public:
        rows = PublishedResult.objects.filter(firm=firm, current=True).order_by(
            "-published_at", "-id"
        )
        total = rows.count()
        if not total:
            return None
        return Panel(
            key="inspections",
            title=str(_("抽查结果")),
            total=total,
            facts=[Fact(str(_("公示结果")), str(total))],
            rows=[
                Row(
                    r.plan_title,
                    f"{r.get_result_display()} · {r.inspected_on:%Y-%m-%d}",
                    alert=r.result in ("rectify", "case"),
                )
                for r in rows[:LIMIT]
            ],
            more_url=reverse("inspections:mine"),
        )
    qs = selectors.inspections_for(user, firm_id=firm.pk)
    total = qs.count()
    if not total:
        return None
    problems = qs.filter(result__in=["rectify", "case"]).count()
    return Panel(
        key="inspections",
        title=str(_("双随机抽查")),
        total=total,
        facts=[
            Fact(str(_("被抽查次数")), str(total)),
            Fact(str(_("发现问题")), str(problems), alert=bool(problems)),
        ],
        rows=[
            Row(
                f"{i.plan.number} {i.plan.title}",
                f"{i.get_status_display()}{' · ' + i.get_result_display() if i.result else ''}",
                url=reverse("inspections:inspection", args=[i.pk]),
                alert=bool(i.clock_state == "overdue"),
            )
            for i in qs.order_by("-pk")[:LIMIT]
        ],
        empty=str(_("没有抽查记录")),
    )


PANELS = [
    FirmPanel(
        "inspections",
        _("双随机抽查"),
        build=build,
        order=60,
        sources=[(Inspection, "firm_id"), (PublishedResult, "firm_id")],
    )
]
