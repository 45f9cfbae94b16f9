"""The cases section of the county overview (workbench.overview)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from yingshang.workbench.overview import Figure, Section, count, rate


def section(user, period) -> Section:
    from yingshang.cases import stats

    params = {"since": period.first.isoformat(), "until": period.last.isoformat()}
    rows = stats.report(user, {**params, "group": "unit"})["rows"]
    cases = sum(r["cases"] for r in rows)
    decided = sum(r["decided"] for r in rows)
    on_time = sum(r["on_time_rate"] * r["decided"] / 100 for r in rows if r["on_time_rate"])
    online = sum(r["online_share"] * r["cases"] / 100 for r in rows)
    overdue = sum(r["overdue"] for r in rows)
    drill = f"{reverse('cases:statistics_cases')}?{urlencode(params)}"
    return Section(
        key="cases",
        title=_("政务服务办件"),
        icon="inbox",
        url=f"{reverse('cases:statistics')}?{urlencode(params)}",
        figures=[
            Figure(_("受理办件"), count(cases), drill, _("本期受理的办件")),
            Figure(_("已办结"), count(decided), f"{drill}&metric=decided"),
            Figure(
                _("按时办结率"),
                rate(on_time, decided),
                f"{drill}&metric=on_time",
                _("已办结办件中在法定/承诺时限内办结的比例"),
            ),
            Figure(
                _("逾期办件"),
                count(overdue),
                f"{drill}&metric=overdue",
                _("本期受理的办件中逾期办结或已超期未办结的"),
                alert=overdue > 0,
            ),
            Figure(_("网办率"), rate(online, cases), f"{drill}&metric=online"),
        ],
        overdue_label=_("逾期办件"),
        overdue={
            r["id"]: (r["overdue"], f"{drill}&metric=overdue&id={r['id']}")
            for r in rows
            if r["overdue"] and r["id"]
        },
    )
