"""Background work of the assessment: compute a requested snapshot; on schedule, request the
rankings that are due (weekly on the first working day of the week, monthly on the first
working day of the month, quarterly and yearly likewise) for the period just ended."""

import datetime as dt

from django_tasks import task

from yingshang.scheduler.registry import Periodic


@task()
def compute_snapshot(snapshot_id: int) -> str:
    from yingshang.assessment.services import snapshot_compute

    return snapshot_compute(snapshot_id).status


def _first_workday(first: dt.date) -> dt.date:
    from yingshang.workcal import calendar

    day = first
    while not calendar.is_workday(day) and (day - first).days < 31:
        day += dt.timedelta(days=1)
    return day


def due_periods(today: dt.date) -> list:
    """The periods whose ranking is due today: the previous week/month/quarter/year when today
    is the first working day of the current one."""
    from yingshang.workcal import periods

    out = []
    for kind in ("week", "month", "quarter", "year"):
        current = periods.period_of(kind, today)
        if _first_workday(current.first) == today:
            out.append(current.previous())
    return out


@task()
def scheduled_rankings() -> list[str]:
    from yingshang import workflow
    from yingshang.assessment.models import Scheme, Snapshot
    from yingshang.assessment.services import in_force, snapshot_request
    from yingshang.workcal import periods

    made = []
    # each county of a city keeps its own schemes (org.tenancy); "" is the city's or the one
    # county's
    tenants = sorted(
        set(Scheme.objects.filter(status=Scheme.Status.ACTIVE).values_list("tenant", flat=True))
    )
    for period in due_periods(periods.today()):
        for tenant in tenants:
            if in_force(period.kind, period.first, tenant) is None:
                continue
            done = Snapshot.objects.filter(
                tenant=tenant, period_kind=period.kind, period_key=period.key
            ).exclude(status__in=[Snapshot.Status.FAILED, Snapshot.Status.DISCARDED])
            if done.exists():
                continue
            snapshot_request(
                actor=workflow.SYSTEM, period_key=period.key, reason="定时生成", tenant=tenant
            )
            made.append(period.key)
    return made


PERIODIC = [Periodic("assessment.scheduled_rankings", scheduled_rankings, seconds=3600)]
