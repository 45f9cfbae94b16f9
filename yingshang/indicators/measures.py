"""Indicators measured by Yingshang from its own records, as plug-ins.

An indicator with source "measured" names a plug-in in `measure_key`, optionally with an
argument after a colon ("package_days:open-business"). A plug-in is `fn(period, arg) ->
Measurement`: the value, how it was obtained and which records it counted (stored with the
value, shown on its page, so a measured figure links to its records). Other apps register
their own with `@register("name", label)`."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingshang.errors import DomainError
from yingshang.workcal.periods import TZ

SAMPLE_IDS = 50  # record ids kept with a value (the rest are counted)


@dataclass
class Measurement:
    value: Decimal | None
    basis: str  # how it was computed, in words
    n: int  # how many records it counted
    model: str = ""  # app_label.model of the records
    ids: list[int] = field(default_factory=list)  # the first SAMPLE_IDS of them

    def as_json(self) -> dict:
        return {
            "value": None if self.value is None else str(self.value),
            "basis": self.basis,
            "n": self.n,
            "model": self.model,
            "ids": self.ids[:SAMPLE_IDS],
        }


@dataclass(frozen=True)
class Plugin:
    key: str
    label: str
    fn: Callable[..., Measurement]


REGISTRY: dict[str, Plugin] = {}


def register(key: str, label):
    def wrap(fn):
        REGISTRY[key] = Plugin(key, label, fn)
        return fn

    return wrap


def choices() -> list[tuple[str, str]]:
    return [(p.key, str(p.label)) for p in REGISTRY.values()]


def split(measure_key: str) -> tuple[str, str]:
    name, _sep, arg = (measure_key or "").partition(":")
    return name.strip(), arg.strip()


def check_key(measure_key: str) -> None:
    name, _arg = split(measure_key)
    if name not in REGISTRY:
        raise DomainError(
            "INDICATOR_MEASURE_UNKNOWN",
            _("未知的自动测算方法“%(key)s”") % {"key": measure_key},
            details={"field": "measure_key", "allowed": sorted(REGISTRY)},
            status=400,
        )


def run(measure_key: str, period) -> Measurement:
    check_key(measure_key)
    name, arg = split(measure_key)
    return REGISTRY[name].fn(period, arg)


def bounds(period) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(period.starts_on, dt.time.min, tzinfo=TZ)
    end = dt.datetime.combine(period.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=TZ)
    return start, end


def _q2(d) -> Decimal | None:
    return None if d is None else Decimal(d).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _ids(qs) -> list[int]:
    return list(qs.order_by("pk").values_list("pk", flat=True)[:SAMPLE_IDS])


def _package_cases(period, code: str):
    from yingshang.cases.models import Case

    start, end = bounds(period)
    return Case.objects.filter(
        package__code=code,
        decided_at__gte=start,
        decided_at__lt=end,
        working_days_used__isnull=False,
    )


@register("package_days", gettext_lazy("一件事办件平均用时（工作日）"))
def package_days(period, code: str = "open-business") -> Measurement:
    """Mean working days from acceptance to decision of the package's cases decided in the
    period (开办企业: "open-business"; 获得用水用气: "utilities-connection")."""
    code = code or "open-business"
    qs = _package_cases(period, code)
    agg = qs.aggregate(n=Count("pk"), avg=Avg("working_days_used"))
    return Measurement(
        value=_q2(agg["avg"]),
        basis=_("一件事“%(code)s”在统计期内作出决定的办件，受理至决定的平均工作日")
        % {"code": code},
        n=agg["n"],
        model="cases.case",
        ids=_ids(qs),
    )


@register("package_procedures", gettext_lazy("一件事办件平均环节数"))
def package_procedures(period, code: str = "open-business") -> Measurement:
    """Mean number of approval tasks (审批环节) per case of the package decided in the period."""
    from yingshang.cases.models import ApprovalTask

    code = code or "open-business"
    qs = _package_cases(period, code)
    n = qs.count()
    tasks = ApprovalTask.objects.filter(case__in=qs, kind=ApprovalTask.Kind.APPROVAL).count()
    return Measurement(
        value=_q2(Decimal(tasks) / n) if n else None,
        basis=_("一件事“%(code)s”在统计期内作出决定的办件，平均审批环节数（%(t)d个环节/%(n)d件）")
        % {"code": code, "t": tasks, "n": n},
        n=n,
        model="cases.case",
        ids=_ids(qs),
    )


def _ratings(period):
    from yingshang.ratings.models import Rating

    start, end = bounds(period)
    return Rating.objects.filter(created_at__gte=start, created_at__lt=end)


@register("rating_satisfaction", gettext_lazy("政务服务好差评满意率（%）"))
def rating_satisfaction(period, arg: str = "") -> Measurement:
    """Share of ratings given in the period at level 3–5 (基本满意及以上), in percent."""
    from yingshang.ratings.models import SATISFIED_LEVELS

    qs = _ratings(period)
    agg = qs.aggregate(n=Count("pk"), ok=Count("pk", filter=Q(level__in=SATISFIED_LEVELS)))
    return Measurement(
        value=_q2(Decimal(agg["ok"]) * 100 / agg["n"]) if agg["n"] else None,
        basis=_("统计期内好差评中“基本满意”及以上的占比（%(ok)d/%(n)d）")
        % {"ok": agg["ok"], "n": agg["n"]},
        n=agg["n"],
        model="ratings.rating",
        ids=_ids(qs),
    )


def _orders(period):
    from yingshang.hotline.models import WorkOrder

    start, end = bounds(period)
    return WorkOrder.objects.filter(
        dispatched_at__gte=start, dispatched_at__lt=end, main_unit__isnull=False
    ).exclude(close_kind="merged")


@register("hotline_on_time", gettext_lazy("12345工单按时办结率（%）"))
def hotline_on_time(period, arg: str = "") -> Measurement:
    """Orders dispatched in the period and replied, share replied on time."""
    qs = _orders(period).filter(replied_at__isnull=False)
    agg = qs.aggregate(n=Count("pk"), ok=Count("pk", filter=Q(replied_on_time=True)))
    return Measurement(
        value=_q2(Decimal(agg["ok"]) * 100 / agg["n"]) if agg["n"] else None,
        basis=_("统计期内派发并已答复的12345工单中按时答复的占比（%(ok)d/%(n)d）")
        % {"ok": agg["ok"], "n": agg["n"]},
        n=agg["n"],
        model="hotline.workorder",
        ids=_ids(qs),
    )


@register("hotline_satisfaction", gettext_lazy("12345工单回访满意率（%）"))
def hotline_satisfaction(period, arg: str = "") -> Measurement:
    qs = _orders(period).filter(satisfied__isnull=False)
    agg = qs.aggregate(n=Count("pk"), ok=Count("pk", filter=Q(satisfied=True)))
    return Measurement(
        value=_q2(Decimal(agg["ok"]) * 100 / agg["n"]) if agg["n"] else None,
        basis=_("统计期内派发并已回访的12345工单中满意的占比（%(ok)d/%(n)d）")
        % {"ok": agg["ok"], "n": agg["n"]},
        n=agg["n"],
        model="hotline.workorder",
        ids=_ids(qs),
    )


# --- the records behind a measured value (its drill-down page) -------------------------------
# plug-in key → fn(period, arg) -> the queryset the figure was computed over
RECORDS: dict[str, Callable] = {
    "package_days": lambda period, arg: _package_cases(period, arg or "open-business"),
    "package_procedures": lambda period, arg: _package_cases(period, arg or "open-business"),
    "rating_satisfaction": lambda period, arg: _ratings(period),
    "hotline_on_time": lambda period, arg: _orders(period).filter(replied_at__isnull=False),
    "hotline_satisfaction": lambda period, arg: _orders(period).filter(satisfied__isnull=False),
}
# the staff page of one record, by model label
DETAIL_URLS = {
    "cases.case": "cases:staff_case",
    "ratings.rating": "ratings:detail",
    "hotline.workorder": "hotline:order_detail",
}


def records(measure_key: str, period):
    """The records a measured value counted (None for a plug-in that does not say)."""
    name, arg = split(measure_key)
    fn = RECORDS.get(name)
    return None if fn is None else fn(period, arg)
