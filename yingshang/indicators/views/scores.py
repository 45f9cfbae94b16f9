"""Score pages: the evaluation overview (tree, radar), the gap analysis, the 指标长 page and the
scored workbook."""

from decimal import Decimal

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from yingshang.indicators import scorecache, scoring, selectors
from yingshang.indicators.scopes import READERS, is_office
from yingshang.org import scope
from yingshang.spreadsheets import xlsx_response
from yingshang.workbench.access import staff_required

D = scoring.display


def _flat(nodes, depth=0):
    for n in nodes:
        yield n, depth
        yield from _flat(n.children, depth + 1)


def _radar(res: scoring.Result) -> dict:
    return {
        "tooltip": {},
        "radar": {
            "indicator": [{"name": r.indicator.name, "max": 100} for r in res.roots],
            "radius": "62%",
        },
        "series": [
            {
                "type": "radar",
                "name": _("一级指标得分"),
                "data": [
                    {
                        "name": _("本县得分"),
                        "value": [
                            float(D(r.score)) if r.score is not None else 0 for r in res.roots
                        ],
                    },
                    {
                        "name": _("预警线"),
                        "value": [float(res.threshold)] * len(res.roots),
                        "lineStyle": {"type": "dashed"},
                    },
                ],
            }
        ],
    }


def _context(request):
    period = selectors.period_from(request.user, request.GET.get("period"))
    ctx = {
        "period": period,
        "periods": selectors.periods(request.user)[:40],
        "is_office": is_office(scope.grants(request.user)),
    }
    if period is not None:
        ctx["result"] = selectors.result(request.user, period)
    return ctx


def _home_fragments(user, period) -> dict:
    """What the overview shows of the scored tree, as plain data: rendered once per data
    version and reader (indicators.scorecache, with the measurement behind it)."""

    def build() -> dict:
        res = selectors.result(user, period)
        leaves = res.leaves()
        return {
            "score": res.score,
            "threshold": res.threshold,
            "radar": _radar(res),
            "flagged": sum(1 for n in leaves if n.flagged),
            "scored": sum(1 for n in leaves if n.score is not None),
            "leaf_count": len(leaves),
            "table": render_to_string(
                "indicators/_score_rows.html", {"rows": list(_flat(res.roots))}
            ),
        }

    grants = scope.grants(user)
    reader = "all" if grants.sees_all and grants.reach is None else f"user:{user.pk}"
    return scorecache.fragments(period, reader, build)


@staff_required(*READERS)
def home(request):
    period = selectors.period_from(request.user, request.GET.get("period"))
    ctx = {
        "period": period,
        "periods": selectors.periods(request.user)[:40],
        "is_office": is_office(scope.grants(request.user)),
    }
    if period is not None:
        ctx["scores"] = _home_fragments(request.user, period)
    return render(request, "indicators/home.html", ctx)


def _gap_chart(rows) -> dict:
    top = rows[:15][::-1]
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 180, "right": 30, "top": 10, "bottom": 30},
        "xAxis": {"type": "value", "name": _("分")},
        "yAxis": {"type": "category", "data": [n.indicator.name for n in top]},
        "series": [
            {
                "type": "bar",
                "name": _("能加回来的分"),
                "data": [float(D(n.recoverable, "0.001")) for n in top],
            }
        ],
    }


@staff_required(*READERS)
def gap(request):
    ctx = _context(request)
    res = ctx.get("result")
    if res is not None:
        rows = res.gap_rows()
        unit = request.GET.get("unit", "")
        if unit.isdigit():
            rows = [n for n in rows if n.indicator.lead_unit_id == int(unit)]
        ctx.update(
            rows=rows,
            chart=_gap_chart(rows),
            unit=unit,
            total=sum((n.recoverable or Decimal(0) for n in rows), Decimal(0)),
            units=sorted(
                {n.indicator.lead_unit for n in res.leaves() if n.indicator.lead_unit_id},
                key=lambda u: (u.sort_order, u.pk),
            ),
        )
    return render(request, "indicators/gap.html", ctx)


@staff_required(*READERS)
def lead(request):
    """指标长: the indicators my unit answers for, their scores, the points still to win and the
    weekly update."""
    ctx = _context(request)
    units = list(selectors.lead_units(request.user))
    key = request.GET.get("unit", "")
    unit = next((u for u in units if str(u.pk) == key), None)
    if unit is None:
        led = [u for u in units if u.led_indicators.exists()]
        unit = led[0] if led else (units[0] if units else None)
    ctx.update(units=units, unit=unit, week_due=selectors.week_due())
    res = ctx.get("result")
    if res is not None and unit is not None:
        rows = selectors.lead_rows(request.user, ctx["period"], unit, res)
        ctx["rows"] = rows
        ctx["pending"] = sum(1 for r in rows if not r["updated_this_week"])
        from yingshang.indicators import metrics

        ctx["unit_score"] = metrics.unit_indicator_score(unit, ctx["period"])
    return render(request, "indicators/lead.html", ctx)


EXPORT_HEADERS = [
    "编码",
    "指标",
    "层级",
    "牵头单位",
    "计量单位",
    "最优值",
    "最差值",
    "转换方法",
    "权重",
    "占总分权重",
    "指标值",
    "状态",
    "得分",
    "低于预警线",
    "差距",
    "能加回来的分",
    "计算公式",
    "分站点（站点 权重 数值 得分）",
]


def _sites_text(n: scoring.Node) -> str:
    return "；".join(
        f"{site} {w.normalize():f} {x.normalize():f} {D(score)}"
        for site, w, x, score in n.site_scores
    )


def export_rows(res: scoring.Result):
    for n, _depth in _flat(res.roots):
        i, v = n.indicator, n.value
        yield [
            i.code,
            i.name,
            i.level,
            i.lead_unit.name if i.lead_unit_id else "",
            i.measure_unit,
            i.best if n.is_leaf else None,
            i.worst if n.is_leaf else None,
            i.get_transform_display() if n.is_leaf else _("子指标加权平均"),
            i.weight,
            n.share,
            v.value if v is not None else None,
            v.get_status_display() if v is not None else "",
            n.score,
            _("是") if n.flagged else "",
            n.gap,
            n.recoverable if n.is_leaf else None,
            scoring.formula(i) if n.is_leaf else "",
            _sites_text(n) if n.is_leaf and i.by_site else "",
        ]
    yield [
        "",
        _("全县总分"),
        0,
        "",
        "",
        None,
        None,
        "",
        None,
        1,
        None,
        "",
        res.score,
        "",
        None,
        None,
        "",
        "",
    ]


@staff_required(*READERS)
def export(request):
    period = selectors.period_from(request.user, request.GET.get("period"))
    # the workbook explains every site's score (分站点)
    res = selectors.result(request.user, period, detail=True) if period is not None else None
    rows = export_rows(res) if res is not None else iter(())
    name = period.code if period else "empty"
    return xlsx_response(f"营商环境评价得分{name}.xlsx", _("评价得分"), EXPORT_HEADERS, rows)
