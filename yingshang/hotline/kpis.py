"""Unit KPIs of the hotline (definitions in docs/hotline_kpis.md).

Every metric is a pair of filters (numerator, denominator) on work orders, so the figure and its
drill-down lists are the same rule written once. Figures are computed with one grouped query
for the order-based metrics and two for returns — never a loop over units."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingshang.hotline.models import KpiConfig, ReturnRequest, WorkOrder
from yingshang.workcal import periods

S = WorkOrder.Status
HANDLING = [S.IN_PROGRESS, S.AWAITING_SIGN]


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    num: Q
    den: Q


def metrics(now: dt.datetime) -> list[Metric]:
    """(numerator, denominator) filters applied on top of the base set B(unit, period)."""
    signed_or_late = Q(signed_at__isnull=False) | Q(status=S.AWAITING_SIGN, sign_due_at__lt=now)
    replied_or_late = Q(replied_at__isnull=False) | Q(status__in=HANDLING, handle_due_at__lt=now)
    return [
        Metric("sign_timely", _("签收及时率"), Q(signed_on_time=True), signed_or_late),
        Metric("on_time", _("按时办结率"), Q(replied_on_time=True), replied_or_late),
        Metric("response", _("响应率"), Q(signed_on_time=True), Q()),
        Metric("resolution", _("解决率"), Q(resolved=True), Q(resolved__isnull=False)),
        Metric("satisfaction", _("满意率"), Q(satisfied=True), Q(satisfied__isnull=False)),
        Metric("redo", _("重办率"), Q(redo_count__gt=0), Q(replied_at__isnull=False)),
    ]


METRIC_LABELS = {
    "sign_timely": _("签收及时率"),
    "on_time": _("按时办结率"),
    "response": _("响应率"),
    "resolution": _("解决率"),
    "satisfaction": _("满意率"),
    "redo": _("重办率"),
    "return": _("退单率"),
    "direct": _("直接答复率"),
}


def base(start: dt.datetime, end: dt.datetime) -> Q:
    """B(period): orders dispatched in [start, end) that were not merged away as duplicates."""
    return Q(dispatched_at__gte=start, dispatched_at__lt=end, main_unit__isnull=False) & ~Q(
        close_kind="merged"
    )


def _rate(num: int, den: int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class UnitRow:
    unit_id: int
    unit_name: str = ""
    sample: int = 0
    counts: dict = field(default_factory=dict)  # code -> (num, den)
    rates: dict = field(default_factory=dict)  # code -> Decimal | None
    score: Decimal | None = None
    insufficient: bool = False
    rank: int | None = None


def compute(
    qs,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None = None,
    config: KpiConfig | None = None,
) -> dict:
    """`qs` is the WorkOrder queryset the viewer may see (scope.visible_to). Returns
    {"rows": [UnitRow…] ranked, "direct": (num, den, rate), "config": config}."""
    now = now or timezone.now()
    config = config or KpiConfig.get()
    ms = metrics(now)
    aggregates = {"sample": Count("id")}
    for m in ms:
        aggregates[f"{m.code}__n"] = Count("id", filter=m.num & m.den)
        aggregates[f"{m.code}__d"] = Count("id", filter=m.den) if m.den else Count("id")
    grouped = (
        qs.filter(base(start, end)).values("main_unit_id", "main_unit__name").annotate(**aggregates)
    )
    rows: dict[int, UnitRow] = {}
    for g in grouped:
        row = UnitRow(unit_id=g["main_unit_id"], unit_name=g["main_unit__name"], sample=g["sample"])
        for m in ms:
            row.counts[m.code] = (g[f"{m.code}__n"], g[f"{m.code}__d"])
        rows[row.unit_id] = row

    # 退单率: orders returned by the unit in the period (not ruled justified) over the orders the
    # unit received in the period (B) plus the orders it returned in the period that are not in B
    visible_ids = qs.values("pk")
    ret_q = ReturnRequest.objects.filter(
        returned_at__gte=start, returned_at__lt=end, order_id__in=visible_ids
    )
    returned_num = dict(
        ret_q.exclude(ruling=ReturnRequest.Ruling.JUSTIFIED)
        .values("unit_id")
        .annotate(n=Count("order_id", distinct=True))
        .values_list("unit_id", "n")
    )
    returned_extra = dict(
        ret_q.exclude(
            Q(
                order__main_unit_id=F("unit_id"),
                order__dispatched_at__gte=start,
                order__dispatched_at__lt=end,
            )
            & ~Q(order__close_kind="merged")
        )
        .values("unit_id")
        .annotate(n=Count("order_id", distinct=True))
        .values_list("unit_id", "n")
    )
    from yingshang.org.models import Unit

    missing = (set(returned_num) | set(returned_extra)) - set(rows)
    names = dict(Unit.objects.filter(pk__in=missing).values_list("pk", "name")) if missing else {}
    for unit_id in missing:
        rows[unit_id] = UnitRow(
            unit_id=unit_id, unit_name=names.get(unit_id, ""), counts={m.code: (0, 0) for m in ms}
        )
    for row in rows.values():
        row.counts["return"] = (
            returned_num.get(row.unit_id, 0),
            row.sample + returned_extra.get(row.unit_id, 0),
        )
        row.rates = {code: _rate(*pair) for code, pair in row.counts.items()}
        row.insufficient = row.sample < config.min_sample
        r, s, m = (
            row.rates.get("response"),
            row.rates.get("resolution"),
            row.rates.get("satisfaction"),
        )
        if not row.insufficient:
            total_w = config.weight_response + config.weight_resolution + config.weight_satisfaction
            parts = [
                (r, config.weight_response),
                (s, config.weight_resolution),
                (m, config.weight_satisfaction),
            ]
            # a rate with no denominator (e.g. no callbacks yet) counts as 0
            row.score = (
                (sum((v or Decimal(0)) * w for v, w in parts) / total_w).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP
                )
                if total_w
                else None
            )
    ranked = sorted(rows.values(), key=lambda r: (r.insufficient, -(r.score or 0), r.unit_name))
    rank = 0
    for row in ranked:
        if not row.insufficient:
            rank += 1
            row.rank = rank

    # 直接答复率 (the centre's figure): orders registered in the period closed by a direct answer
    direct = (
        qs.filter(registered_at__gte=start, registered_at__lt=end)
        .exclude(close_kind="merged")
        .aggregate(n=Count("id", filter=Q(close_kind="direct")), d=Count("id"))
    )
    return {
        "rows": ranked,
        "direct": (direct["n"], direct["d"], _rate(direct["n"], direct["d"])),
        "config": config,
    }


def drilldown(qs, *, unit_id: int | None, metric: str, part: str, start, end, now=None):
    """The orders counted in a figure's numerator or denominator."""
    now = now or timezone.now()
    if metric == "direct":
        q = qs.filter(registered_at__gte=start, registered_at__lt=end).exclude(close_kind="merged")
        return q.filter(close_kind="direct") if part == "numerator" else q
    if metric == "return":
        rets = ReturnRequest.objects.filter(
            unit_id=unit_id, returned_at__gte=start, returned_at__lt=end
        )
        if part == "numerator":
            return qs.filter(
                pk__in=rets.exclude(ruling=ReturnRequest.Ruling.JUSTIFIED).values("order_id")
            )
        return qs.filter(
            (base(start, end) & Q(main_unit_id=unit_id)) | Q(pk__in=rets.values("order_id"))
        )
    found = {m.code: m for m in metrics(now)}.get(metric)
    if found is None:
        return qs.none()
    b = qs.filter(base(start, end), main_unit_id=unit_id)
    return b.filter(found.num & found.den) if part == "numerator" else b.filter(found.den)


def month_bounds(period: str) -> tuple[dt.datetime, dt.datetime]:
    """'2026-11' → [1 Nov 00:00, 1 Dec 00:00) in local time (workcal.periods); ValueError for
    anything that is not a month."""
    month = periods.parse(period)
    if month.kind != "month":
        raise ValueError(f"not a month: {period!r}")
    return month.start, month.end
