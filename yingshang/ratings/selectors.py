"""Reads of ratings: filtered lists and the statistics (DESIGN.md §7), always through the scope.

Statistics are aggregate queries — one GROUP BY per figure family, whatever the number of
units — over the (created_at, unit) index: one month across all units over a million ratings is
a range scan plus a hash aggregate, never a loop over units."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from yingshang.org import scope
from yingshang.org.models import Unit, User, Window
from yingshang.ratings import targets as T
from yingshang.ratings.models import Channel, Level, Point, Rating, Rectification, WindowVisit
from yingshang.workcal import periods

GROUPS = ("unit", "matter", "staff", "window", "channel")
# the rating points that count once per object served (coverage = rated / served)
COVERAGE_POINTS = (Point.DELIVER, Point.VISIT, Point.WORKORDER)


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def ratings_in(user, start: dt.date, end: dt.date):
    """Ratings given from the start of `start` to the end of `end` (local days)."""
    return scope.visible_to(user, Rating).filter(
        created_at__gte=day_start(start), created_at__lt=day_start(end + dt.timedelta(days=1))
    )


def filter_ratings(user, params) -> "tuple[object, dict]":
    """The staff list / export / API list with the filters of the statistics drill-down."""
    qs = scope.visible_to(user, Rating).select_related(
        "unit", "matter", "staff", "window", "rater", "case", "work_order", "scheme"
    )
    applied = {}
    for key in ("unit", "matter", "staff", "window"):
        value = params.get(key)
        if value and str(value).isdigit():
            qs = qs.filter(**{f"{key}_id": int(value)})
            applied[key] = value
    if params.get("channel") in Channel.values:
        qs = qs.filter(channel=params["channel"])
        applied["channel"] = params["channel"]
    if str(params.get("level", "")).isdigit() and int(params["level"]) in Level.values:
        qs = qs.filter(level=int(params["level"]))
        applied["level"] = params["level"]
    if params.get("bad") in ("1", "true", True):
        qs = qs.filter(is_bad=True)
        applied["bad"] = "1"
    if params.get("excluded") in ("1", "true", True):
        qs = qs.filter(excluded=True)
        applied["excluded"] = "1"
    for key, op in (("start", "gte"), ("end", "lt")):
        raw = params.get(key)
        if raw:
            try:
                day = dt.date.fromisoformat(str(raw))
            except ValueError:
                continue
            bound = day_start(day if key == "start" else day + dt.timedelta(days=1))
            qs = qs.filter(**{f"created_at__{op}": bound})
            applied[key] = str(raw)
    return qs.order_by("-created_at", "-pk"), applied


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


@dataclass
class StatRow:
    key: object
    label: str
    total: int = 0  # counted ratings (upheld appeals excluded)
    satisfied: int = 0
    bad: int = 0
    excluded: int = 0
    rated: int = 0  # ratings at a coverage point, for rating coverage
    rect_total: int = 0
    rect_closed: int = 0
    rect_on_time: int = 0
    callback_required: int = 0
    callback_done: int = 0
    served: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def satisfaction(self):
        return _rate(self.satisfied, self.total)

    @property
    def rectified_rate(self):
        return _rate(self.rect_closed, self.rect_total)

    @property
    def on_time_rate(self):
        return _rate(self.rect_on_time, self.rect_total)

    @property
    def callback_rate(self):
        return _rate(self.callback_done, self.callback_required)

    @property
    def coverage(self):
        return _rate(self.rated, self.served) if self.served else None


def _labels(group: str, keys) -> dict:
    keys = [k for k in keys if k is not None]
    if group == "channel":
        return {k: str(Channel(k).label) if k in Channel.values else k for k in keys}
    if group == "unit":
        return dict(Unit.objects.filter(pk__in=keys).values_list("pk", "name"))
    if group == "staff":
        return {
            pk: (name or username)
            for pk, name, username in User.objects.filter(pk__in=keys).values_list(
                "pk", "real_name", "username"
            )
        }
    if group == "window":
        return {
            pk: f"{num} {name}"
            for pk, num, name in Window.objects.filter(pk__in=keys).values_list(
                "pk", "number", "name"
            )
        }
    if group == "matter":
        from django.apps import apps

        Matter = apps.get_model("catalog", "Matter")
        return dict(Matter.objects.filter(pk__in=keys).values_list("pk", "name_cache"))
    return {}


def _served(user, group: str, start: dt.date, end: dt.date) -> dict:
    """Objects served in the period per group key: delivered cases + closed work orders +
    window visits (coverage = rated / served). One grouped query per source."""
    lo, hi = day_start(start), day_start(end + dt.timedelta(days=1))
    out: dict = {}

    def add(rows):
        for key, n in rows:
            out[key] = out.get(key, 0) + n

    visit_key = {"unit": "unit_id", "staff": "clerk_id", "window": "window_id"}.get(group)
    if visit_key:
        add(
            scope.visible_to(user, WindowVisit)
            .filter(started_at__gte=lo, started_at__lt=hi)
            .values_list(visit_key)
            .annotate(n=Count("pk"))
            .values_list(visit_key, "n")
        )
    Case = T.case_model()
    case_key = {
        "unit": "unit_id",
        "staff": "received_by_id",
        "window": "window_id",
        "matter": "matter_id",
    }.get(group)
    if Case is not None and case_key:
        try:
            cases = scope.visible_to(user, Case)
        except LookupError:
            cases = None
        if cases is not None:
            add(
                cases.filter(delivered_at__gte=lo, delivered_at__lt=hi)
                .values_list(case_key)
                .annotate(n=Count("pk"))
                .values_list(case_key, "n")
            )
    WorkOrder = T.work_order_model()
    if WorkOrder is not None and group == "unit":
        try:
            orders = scope.visible_to(user, WorkOrder)
        except LookupError:
            orders = None
        if orders is not None:
            add(
                orders.filter(status="closed", closed_at__gte=lo, closed_at__lt=hi)
                .values_list("main_unit_id")
                .annotate(n=Count("pk"))
                .values_list("main_unit_id", "n")
            )
    return out


def stats(user, *, group: str, start: dt.date, end: dt.date) -> list[StatRow]:
    if group not in GROUPS:
        group = "unit"
    key = "channel" if group == "channel" else f"{group}_id"
    base = ratings_in(user, start, end)
    rows: dict = {}
    for r in (
        base.values(key)
        .order_by()
        .annotate(
            total=Count("pk", filter=Q(excluded=False)),
            satisfied=Count("pk", filter=Q(excluded=False, level__gte=3)),
            bad=Count("pk", filter=Q(excluded=False, is_bad=True)),
            excluded=Count("pk", filter=Q(excluded=True)),
            rated=Count("pk", filter=Q(point__in=COVERAGE_POINTS)),
        )
    ):
        rows[r[key]] = StatRow(
            key=r[key],
            label="",
            total=r["total"],
            satisfied=r["satisfied"],
            bad=r["bad"],
            excluded=r["excluded"],
            rated=r["rated"],
        )
    # A rectification is created at its rating's time (rectification_open(at=rating time)), so the
    # period filter runs on its own indexed created_at; the unit is its own column too, and only
    # the other groupings join the (few) 差评 rows to their ratings.
    rect_key = "unit_id" if group == "unit" else f"rating__{key}"
    rects = (
        scope.visible_to(user, Rectification)
        .filter(
            created_at__gte=day_start(start),
            created_at__lt=day_start(end + dt.timedelta(days=1)),
        )
        .exclude(status=Rectification.Status.CANCELLED)
    )
    for r in (
        rects.values(rect_key)
        .order_by()
        .annotate(
            n=Count("pk"),
            closed=Count("pk", filter=Q(status=Rectification.Status.CLOSED)),
            on_time=Count("pk", filter=Q(replied_on_time=True)),
            cb_req=Count("pk", filter=Q(callback_required=True)),
            cb_done=Count("pk", filter=Q(callback_required=True, callback_at__isnull=False)),
        )
    ):
        row = rows.setdefault(r[rect_key], StatRow(key=r[rect_key], label=""))
        row.rect_total, row.rect_closed, row.rect_on_time = r["n"], r["closed"], r["on_time"]
        row.callback_required, row.callback_done = r["cb_req"], r["cb_done"]
    if group != "channel":
        served = _served(user, group, start, end)
        for k, n in served.items():
            if k is None:
                continue
            rows.setdefault(k, StatRow(key=k, label="")).served = n
    labels = _labels(group, rows.keys())
    for k, row in rows.items():
        row.label = labels.get(k, "—" if k is None else str(k))
    return sorted(rows.values(), key=lambda r: (-r.total, r.label))


def totals(rows: list[StatRow]) -> StatRow:
    t = StatRow(key=None, label="合计", served=0)
    for r in rows:
        for f in (
            "total",
            "satisfied",
            "bad",
            "excluded",
            "rated",
            "rect_total",
            "rect_closed",
            "rect_on_time",
            "callback_required",
            "callback_done",
        ):
            setattr(t, f, getattr(t, f) + getattr(r, f))
        t.served += r.served or 0
    return t


def trend(user, *, start: dt.date, end: dt.date, **filters) -> list[dict]:
    """Ratings and 满意率 per day (per month when the period is longer than 62 days)."""
    qs = ratings_in(user, start, end).filter(excluded=False).filter(**filters)
    monthly = (end - start).days > 62
    trunc = (TruncMonth if monthly else TruncDate)(
        "created_at", tzinfo=timezone.get_current_timezone()
    )
    out = []
    for r in (
        qs.annotate(p=trunc)
        .values("p")
        .order_by("p")
        .annotate(
            total=Count("pk"),
            satisfied=Count("pk", filter=Q(level__gte=3)),
            bad=Count("pk", filter=Q(is_bad=True)),
        )
    ):
        period = r["p"]
        if isinstance(period, dt.datetime):
            period = (
                timezone.localtime(period).date() if timezone.is_aware(period) else period.date()
            )
        label = period.strftime("%Y-%m") if monthly else period.strftime("%m-%d")
        if monthly:
            month = periods.period_of("month", period)
            first, last = month.first, month.last
        else:
            first = last = period
        out.append(
            {
                "period": label,
                "total": r["total"],
                "bad": r["bad"],
                "start": first,
                "end": last,
                "satisfaction": _rate(r["satisfied"], r["total"]),
            }
        )
    return out


def trend_chart(points: list[dict], drill_url: str = "") -> dict:
    """An ECharts option (rendered by site.js from json_script); a click on a period opens its
    ratings (site.js follows `drilldown[name]`)."""
    return {
        "drilldown": {p["period"]: f"{drill_url}?start={p['start']}&end={p['end']}" for p in points}
        if drill_url
        else {},
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["评价数", "差评数", "满意率(%)"], "top": 0},
        "color": ["#0b4f9c", "#b3261e", "#198754"],
        "grid": {"left": 40, "right": 50, "bottom": 30, "top": 50},
        "xAxis": {"type": "category", "data": [p["period"] for p in points]},
        "yAxis": [
            {"type": "value", "name": "件"},
            {"type": "value", "name": "%", "min": 0, "max": 100},
        ],
        "series": [
            {"name": "评价数", "type": "bar", "data": [p["total"] for p in points]},
            {"name": "差评数", "type": "bar", "data": [p["bad"] for p in points]},
            {
                "name": "满意率(%)",
                "type": "line",
                "yAxisIndex": 1,
                "data": [p["satisfaction"] for p in points],
            },
        ],
    }


# --- the public page (51号: results and rectifications published) ----------------------------
def public_unit_satisfaction(start: dt.date, end: dt.date) -> list[dict]:
    qs = Rating.objects.filter(
        created_at__gte=day_start(start),
        created_at__lt=day_start(end + dt.timedelta(days=1)),
        excluded=False,
    )
    rows = list(
        qs.values("unit_id", "unit__name")
        .order_by()
        .annotate(
            total=Count("pk"),
            satisfied=Count("pk", filter=Q(level__gte=3)),
            bad=Count("pk", filter=Q(is_bad=True)),
        )
    )
    for r in rows:
        r["satisfaction"] = _rate(r["satisfied"], r["total"])
    return sorted(rows, key=lambda r: (-(r["satisfaction"] or 0), -r["total"]))


def public_matter_satisfaction(start: dt.date, end: dt.date, limit: int = 50) -> list[dict]:
    qs = Rating.objects.filter(
        created_at__gte=day_start(start),
        created_at__lt=day_start(end + dt.timedelta(days=1)),
        excluded=False,
        matter__isnull=False,
    )
    rows = list(
        qs.values("matter_id", "matter__name_cache", "unit__name")
        .order_by()
        .annotate(
            total=Count("pk"),
            satisfied=Count("pk", filter=Q(level__gte=3)),
            bad=Count("pk", filter=Q(is_bad=True)),
        )
        .order_by("-total")[:limit]
    )
    for r in rows:
        r["satisfaction"] = _rate(r["satisfied"], r["total"])
    return rows


def public_rectifications(start: dt.date, end: dt.date, limit: int = 100):
    """Closed rectifications of the period, with no personal data: the unit, the problem
    options, the outcome and the reply — never the rater, phone, comment or case number."""
    return (
        Rectification.objects.filter(
            status=Rectification.Status.CLOSED,
            closed_at__gte=day_start(start),
            closed_at__lt=day_start(end + dt.timedelta(days=1)),
        )
        .select_related("unit", "rating__scheme", "rating__matter")
        .only(
            "pk",
            "closed_at",
            "outcome",
            "reply",
            "unit__name",
            "rating__problems",
            "rating__level",
            "rating__channel",
            "rating__scheme__problems",
            "rating__matter__name_cache",
            "rating__created_at",
        )
        .order_by("-closed_at")[:limit]
    )


def overdue_rectifications(qs, now: dt.datetime):
    """Rectifications past the deadline of the step they wait on (核实 or 整改答复)."""
    R = Rectification.Status
    return qs.filter(
        Q(status=R.VERIFYING, verify_due_at__lt=now) | Q(status=R.RECTIFYING, reply_due_at__lt=now)
    )
