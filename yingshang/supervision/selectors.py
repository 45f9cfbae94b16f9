"""Reads of the ledger. Everything starts from scope.visible_to(user, Problem)."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from yingshang.audit.models import AuditEvent
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.supervision import transitions as t
from yingshang.supervision.models import Milestone, Problem, ProblemCoUnit, ProgressReport
from yingshang.workcal import calendar

BOARD_COLUMNS = [t.ASSIGNED, t.CLAIMED, t.RECTIFYING, t.REOPENED, t.CLOSURE_REQUESTED, t.CLOSED]
COLUMN_SIZE = 20


def problems(user):
    return scope.visible_to(user, Problem)


def filtered(user, params) -> Problem.objects.none().__class__:
    qs = problems(user)
    status = params.get("status") or ""
    if status == "open":
        qs = qs.filter(status__in=t.OPEN)
    elif status in Problem.Status.values:
        qs = qs.filter(status=status)
    elif not params.get("include_void"):
        qs = qs.exclude(status=t.VOIDED)
    if params.get("unit", "").isdigit():
        uid = int(params["unit"])
        if params.get("co"):  # owned or co-owned by the unit
            co = ProblemCoUnit.objects.filter(unit_id=uid).values("problem_id")
            qs = qs.filter(Q(owner_unit_id=uid) | Q(pk__in=co))
        else:
            qs = qs.filter(owner_unit_id=uid)
    if params.get("category", "").isdigit():
        qs = qs.filter(category_id=int(params["category"]))
    if params.get("source") in Problem.Source.values:
        qs = qs.filter(source=params["source"])
    if params.get("severity") in Problem.Severity.values:
        qs = qs.filter(severity=params["severity"])
    if params.get("overdue") == "1":
        qs = qs.filter(overdue=True)
    if params.get("flag") == "exposure":
        qs = qs.filter(exposure=True)
    elif params.get("flag") == "accountability":
        qs = qs.filter(accountability=True)
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(description__icontains=q))
    return qs


def board(user, params, pages: dict[str, int]) -> list[dict]:
    """Kanban columns: per column one indexed count (status = … uses the status indexes; a
    GROUP BY over all rows does not) and one LIMITed page ordered along an index."""
    base = filtered(user, {**params, "status": ""})
    columns = []
    for status in BOARD_COLUMNS:
        n = base.filter(status=status).order_by().count()
        page = max(1, pages.get(status, 1))
        pages_total = max(1, -(-n // COLUMN_SIZE))
        page = min(page, pages_total)
        order = ("-closed_at", "-id") if status == t.CLOSED else ("deadline_at", "id")
        rows = (
            list(
                base.filter(status=status)
                .select_related("owner_unit", "category")
                .order_by(*order)[(page - 1) * COLUMN_SIZE : page * COLUMN_SIZE]
            )
            if n
            else []
        )
        columns.append(
            {
                "status": status,
                "label": Problem.Status(status).label,
                "count": n,
                "rows": rows,
                "page": page,
                "pages": pages_total,
            }
        )
    return columns


def unit_summary(user, params) -> list[dict]:
    """Per-unit counts from one GROUP BY (owner_unit, status, overdue): an index-only scan."""
    qs = filtered(user, {**params, "status": ""}).order_by()
    table: dict[int, dict] = defaultdict(
        lambda: {"total": 0, "open": 0, "overdue": 0, "closure": 0, "closed": 0}
    )
    for unit_id, status, overdue, n in qs.values_list("owner_unit", "status", "overdue").annotate(
        n=Count("id")
    ):
        row = table[unit_id]
        row["total"] += n
        if status in t.OPEN:
            row["open"] += n
            if overdue:
                row["overdue"] += n
        if status == t.CLOSURE_REQUESTED:
            row["closure"] += n
        elif status == t.CLOSED:
            row["closed"] += n
    units = Unit.objects.in_bulk(list(table))
    out = [{**r, "owner_unit": uid, "unit": units.get(uid)} for uid, r in table.items()]
    out.sort(key=lambda r: (-r["overdue"], -r["open"], r["unit"].sort_order if r["unit"] else 0))
    return out


def _of_visible(user, prefix: str = "problem") -> Q:
    """Children (milestones, progress) of visible, non-voided problems: a join for countywide
    users, an id subquery for units."""
    g = scope.grants(user)
    if g.countywide or g.has("admin"):
        return ~Q(**{f"{prefix}__status": t.VOIDED})
    return Q(**{f"{prefix}__in": problems(user).exclude(status=t.VOIDED).values("pk")})


PER_DAY = 4
MONTH_LIMIT = 600


def month_milestones(user, year: int, month: int) -> tuple[list[list[dict]], int]:
    """A month grid (weeks × 7 days) of milestones and deadlines in scope."""
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    start_at = calendar.end_of_day(first - dt.timedelta(days=1))
    end_at = calendar.end_of_day(nxt - dt.timedelta(days=1))
    visible = problems(user).exclude(status=t.VOIDED)
    by_day = defaultdict(list)
    more = defaultdict(int)
    total = 0

    def add(day, item):
        nonlocal total
        total += 1
        if len(by_day[day]) < PER_DAY:
            by_day[day].append(item)
        else:
            more[day] += 1

    ms = (
        Milestone.objects.filter(_of_visible(user), due_at__gt=start_at, due_at__lte=end_at)
        .select_related("problem__owner_unit")
        .order_by("due_at")[:MONTH_LIMIT]
    )
    for m in ms:
        add(
            calendar.local_date(m.due_at),
            {
                "kind": "milestone",
                "title": m.title,
                "problem": m.problem,
                "done": m.done_at is not None,
                "overdue": m.overdue,
            },
        )
    for p in (
        visible.filter(deadline_at__gt=start_at, deadline_at__lte=end_at)
        .select_related("owner_unit")
        .order_by("deadline_at")[:MONTH_LIMIT]
    ):
        add(
            calendar.local_date(p.deadline_at),
            {
                "kind": "deadline",
                "title": p.description[:30],
                "problem": p,
                "done": p.status == t.CLOSED,
                "overdue": p.overdue,
            },
        )
    grid_start = first - dt.timedelta(days=first.weekday())
    weeks = []
    day = grid_start
    while day < nxt or day.weekday() != 0:
        if day.weekday() == 0:
            weeks.append([])
        weeks[-1].append(
            {
                "date": day,
                "in_month": day.month == month,
                "items": by_day.get(day, []),
                "more": more.get(day, 0),
                "workday": calendar.is_workday(day),
            }
        )
        day += dt.timedelta(days=1)
    return weeks, total


WEEKLY_ACTIONS = [
    ("problem.create", "new"),
    ("problem.claim", "claimed"),
    ("problem.progress", "progress"),
    ("problem.milestone_done", "progress"),
    ("problem.request_closure", "closure_requested"),
    ("problem.close", "closed"),
    ("problem.overdue", "overdue"),
    ("problem.reopen", "reopened"),
]


def week_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def weekly(user, monday: dt.date) -> list[dict]:
    """每周调度: per unit, what changed in the week — from the audit events of visible problems."""
    sunday = monday + dt.timedelta(days=6)
    since = calendar.end_of_day(monday - dt.timedelta(days=1))
    until = calendar.end_of_day(sunday)
    visible_ids = problems(user).values("pk")
    kinds = dict(WEEKLY_ACTIONS)
    events = AuditEvent.objects.filter(
        object_type="supervision.problem",
        created_at__gt=since,
        created_at__lte=until,
        action__in=list(kinds),
    ).order_by()
    g = scope.grants(user)
    if not (g.countywide or g.has("admin")):
        from django.db.models import CharField
        from django.db.models.functions import Cast

        events = events.filter(
            object_id__in=visible_ids.annotate(sid=Cast("pk", CharField())).values("sid")
        )
    counts = events.values("object_id", "action")
    problem_ids = set()
    rows_by_problem = []
    for row in counts:
        problem_ids.add(int(row["object_id"]))
        rows_by_problem.append(row)
    owners = dict(Problem.objects.filter(pk__in=problem_ids).values_list("pk", "owner_unit_id"))
    table: dict[int, dict] = defaultdict(lambda: {k: set() for _a, k in WEEKLY_ACTIONS})
    for row in rows_by_problem:
        pid = int(row["object_id"])
        unit_id = owners.get(pid)
        if unit_id is not None:
            table[unit_id][kinds[row["action"]]].add(pid)
    units = Unit.objects.in_bulk(list(table))
    out = []
    for unit_id, cells in table.items():
        out.append(
            {
                "unit": units.get(unit_id),
                **{k: len(v) for k, v in cells.items()},
                "problems": sorted(set().union(*cells.values())),
            }
        )
    out.sort(key=lambda r: (-r["overdue"], -r["new"], r["unit"].sort_order if r["unit"] else 0))
    return out


def progress_this_week(user, monday: dt.date):
    since = calendar.end_of_day(monday - dt.timedelta(days=1))
    return (
        ProgressReport.objects.filter(_of_visible(user), created_at__gt=since)
        .select_related("problem__owner_unit")
        .order_by("-created_at")[:50]
    )


def home_card(user) -> dict:
    """My unit's open / overdue problems (all problems for countywide roles), from one grouped
    count on the (overdue, status) index."""
    g = scope.grants(user)
    countywide = g.countywide or g.has("admin")
    qs = problems(user).filter(status__in=t.OPEN)
    if not countywide:
        qs = qs.filter(owner_unit_id__in=g.units())
    card = {"open": 0, "overdue": 0, "assigned": 0, "closure": 0}
    for status, overdue, n in (
        qs.order_by().values_list("status", "overdue").annotate(n=Count("id"))
    ):
        card["open"] += n
        card["overdue"] += n if overdue else 0
        card["assigned"] += n if status == t.ASSIGNED else 0
        card["closure"] += n if status == t.CLOSURE_REQUESTED else 0
    return {**card, "countywide": countywide, "now": timezone.now()}
