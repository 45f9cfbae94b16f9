"""The problem-ledger section of the county overview (workbench.overview)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yingshang.workbench.overview import Figure, Section, count


def section(user, period) -> Section:
    from yingshang.supervision import selectors
    from yingshang.supervision import transitions as t

    rows = selectors.unit_summary(user, {})
    n_open = sum(r["open"] for r in rows)
    n_overdue = sum(r["overdue"] for r in rows)
    problems = selectors.problems(user)
    new = problems.filter(created_at__gte=period.start, created_at__lt=period.end).count()
    closed = problems.filter(
        status=t.CLOSED, closed_at__gte=period.start, closed_at__lt=period.end
    ).count()
    listing = reverse("supervision:list")
    return Section(
        key="supervision",
        title=_("问题台账"),
        icon="clipboard-check",
        url=reverse("supervision:units"),
        figures=[
            Figure(_("本期新增问题"), count(new), listing),
            Figure(_("本期销号"), count(closed), f"{listing}?status={t.CLOSED}"),
            Figure(_("整改中"), count(n_open), f"{listing}?status=open"),
            Figure(
                _("逾期未整改"),
                count(n_overdue),
                f"{listing}?status=open&overdue=1",
                alert=n_overdue > 0,
            ),
        ],
        overdue_label=_("逾期问题"),
        overdue={
            r["owner_unit"]: (
                r["overdue"],
                f"{listing}?status=open&overdue=1&unit={r['owner_unit']}",
            )
            for r in rows
            if r["overdue"] and r["owner_unit"]
        },
    )
