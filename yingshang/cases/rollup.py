"""The statistics rollup: cases counted per received day × unit × matter × package × centre ×
working days used (`CaseDayStats`), and the same per month (`CaseMonthStats`, summed from the
days), so that a year of statistics sums whole months plus the days at either end instead of
scanning a million cases.

It is derived data, never edited by hand:
- `refresh()` brings it up to date. Every change of a case goes through a service that writes an
  audit event (`object_type="cases.case"`); the rollup remembers the last audit sequence number
  it has seen and recounts the days on which the cases named by newer events were received. With
  no remembered position (new database, bulk load, `invalidate()`) it rebuilds everything.
- The statistics page calls `refresh()` before reading (cheap when nothing changed: one indexed
  look-up of the audit chain's newest events), and so does the periodic job, so the page
  shows what is committed.

What changes with time alone — an open case passing its deadline — is not in the rollup: the
page counts open overdue cases live (`QUEUE_STATES` partial index).
"""

import datetime as dt
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from yingshang import dbrouting
from yingshang.audit.models import AuditEvent
from yingshang.cases.models import (
    Case,
    CaseDayStats,
    CaseMonthStats,
    CaseStatsState,
    Channel,
    ClosureKind,
)
from yingshang.cases.selectors import received_in
from yingshang.workcal import calendar

OBJECT_TYPE = "cases.case"
# more changed cases than this in one refresh: recount everything in one pass instead
REBUILD_ABOVE = 50_000
_LOCK_KEY = 0x59530001  # pg advisory lock: one refresher at a time

KEYS = ("unit_id", "matter_id", "package_id", "centre_id", "working_days_used")
COUNTS = {
    "cases": Count("id"),
    "decided": Count("id", filter=Q(decided_at__isnull=False)),
    "on_time": Count("id", filter=Q(decided_at__isnull=False, late=False)),
    "late": Count("id", filter=Q(late=True)),
    "instant": Count("id", filter=Q(handling_kind="instant")),
    "one_visit": Count("id", filter=Q(visits__lte=1)),
    "online": Count("id", filter=~Q(channel=Channel.WINDOW)),
    "deficit": Count("id", filter=Q(has_deficit=True)),
    "returns": Count(
        "id",
        filter=Q(correction_count__gt=0)
        | Q(closure_kind__in=[ClosureKind.REJECTED_INTAKE, ClosureKind.WITHDRAWN]),
    ),
    "legal_sum": Coalesce(Sum("legal_limit_days"), Value(0), output_field=IntegerField()),
}


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after `day`'s."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _day_range(first: dt.date, last: dt.date) -> Q:
    return received_in(first, last)


def _count(cases) -> list[CaseDayStats]:
    rows = (
        cases.filter(received_at__isnull=False)
        .annotate(day=TruncDate("received_at", tzinfo=calendar.TZ))
        .values("day", *KEYS)
        .annotate(**COUNTS)
        .order_by()
    )
    return [
        CaseDayStats(
            day=r["day"],
            unit_id=r["unit_id"],
            matter_id=r["matter_id"],
            package_id=r["package_id"],
            centre_id=r["centre_id"],
            used=r["working_days_used"],
            **{k: r[k] for k in COUNTS},
        )
        for r in rows.iterator(chunk_size=5000)
    ]


ROW_KEYS = ("unit_id", "matter_id", "package_id", "centre_id", "used")


def _months(day_rows) -> list[CaseMonthStats]:
    """Month rows summed from day rows."""
    rows = (
        day_rows.annotate(m=TruncMonth("day"))
        .values("m", *ROW_KEYS)
        .annotate(**{f"s_{k}": Sum(k) for k in COUNTS})
        .order_by()
    )
    return [
        CaseMonthStats(
            month=r["m"],
            **{k: r[k] for k in ROW_KEYS},
            **{k: r[f"s_{k}"] for k in COUNTS},
        )
        for r in rows.iterator(chunk_size=5000)
    ]


def _recount_months(months: set[dt.date]) -> None:
    for first in sorted(months):
        CaseMonthStats.objects.filter(month=first).delete()
        CaseMonthStats.objects.bulk_create(
            _months(CaseDayStats.objects.filter(day__gte=first, day__lt=next_month(first)))
        )


def _head_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


@contextmanager
def _exclusive():
    """True when this transaction may refresh; concurrent refreshers skip (PostgreSQL) or wait
    for the write lock (SQLite serialises writers)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_KEY])
            yield cur.fetchone()[0]
    else:
        yield True


def rebuild() -> int:
    """Recount every day. Returns the number of rollup rows."""
    with transaction.atomic(), _exclusive() as mine:
        if not mine:
            return 0
        seq = _head_seq()
        _rebuild_all()
        _remember(seq)
        return CaseDayStats.objects.count()


def _rebuild_all() -> None:
    CaseDayStats.objects.all().delete()
    CaseMonthStats.objects.all().delete()
    CaseDayStats.objects.bulk_create(_count(Case.objects.all()), batch_size=5000)
    CaseMonthStats.objects.bulk_create(_months(CaseDayStats.objects.all()), batch_size=5000)


def invalidate() -> None:
    """Forget the position: the next refresh rebuilds (after bulk loads that bypass services)."""
    CaseStatsState.objects.all().delete()


def _remember(seq: int) -> None:
    updated = CaseStatsState.objects.filter(pk=1).update(audit_seq=seq, refreshed_at=timezone.now())
    if not updated:
        CaseStatsState.objects.create(pk=1, audit_seq=seq, refreshed_at=timezone.now())


@dbrouting.primary()  # reads what it is about to write: never the replica
def refresh() -> dict:
    """Catch up with the audit chain; returns what was done (for the job log and tests)."""
    state = CaseStatsState.objects.filter(pk=1).first()
    if state is None:
        return {"rebuilt": rebuild()}
    if not AuditEvent.objects.filter(seq__gt=state.audit_seq, object_type=OBJECT_TYPE).exists():
        return {"days": 0}
    with transaction.atomic(), _exclusive() as mine:
        if not mine:
            return {"days": 0, "busy": True}
        seq = _head_seq()  # first: events up to here are committed, later ones wait their turn
        changed = list(
            AuditEvent.objects.filter(
                seq__gt=state.audit_seq, seq__lte=seq, object_type=OBJECT_TYPE
            )
            .values_list("object_id", flat=True)
            .distinct()[: REBUILD_ABOVE + 1]
        )
        if len(changed) > REBUILD_ABOVE:
            _rebuild_all()
            _remember(seq)
            return {"rebuilt": True}
        ids = [int(x) for x in changed if x.isdigit()]
        days = sorted(
            {
                calendar.local_date(at)
                for at in Case.objects.filter(pk__in=ids, received_at__isnull=False).values_list(
                    "received_at", flat=True
                )
            }
        )
        for day in days:
            CaseDayStats.objects.filter(day=day).delete()
            CaseDayStats.objects.bulk_create(_count(Case.objects.filter(_day_range(day, day))))
        _recount_months({day.replace(day=1) for day in days})
        _remember(seq)
    return {"days": len(days)}


def state() -> CaseStatsState | None:
    return CaseStatsState.objects.filter(pk=1).first()
