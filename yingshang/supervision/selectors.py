"""Reads of the ledger. Everything starts from scope.visible_to(user, Problem)."""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Func, IntegerField, Q
from django.utils import timezone
from django.utils.text import Truncator

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


def board_counts(user, base) -> dict[str, int]:
    """Problems of `base` (filtered(…) without a status) per board column, in one statement:
    `SELECT (SELECT COUNT(*) … status = 'assigned'), (…), …` — one scalar subquery per column
    and scope part. Each is an index range scan on a status index; one GROUP BY over all rows,
    or an OR of owned/co-owned, would visit every row, and a UNION ALL of the counts is big
    enough for PostgreSQL to start parallel workers for it."""
    from yingshang.supervision.scopes import problem_parts

    n = Func(function="COUNT", template="COUNT(*)", output_field=IntegerField())
    selects, params, columns = [], [], []
    for part in problem_parts(scope.grants(user), base.order_by()):
        for status in BOARD_COLUMNS:
            try:
                sql, args = (
                    part.filter(status=status)
                    .annotate(n=n)
                    .values_list("n")
                    .query.sql_with_params()
                )
            except EmptyResultSet:  # qs.none(): nothing in scope
                continue
            selects.append(f"({sql})")
            params.extend(args)
            columns.append(status)
    counts = dict.fromkeys(BOARD_COLUMNS, 0)
    if not selects:
        return counts
    with connections[base.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        for status, value in zip(columns, cursor.fetchone(), strict=True):
            counts[status] += value or 0
    return counts


CARD_FIELDS = (
    "status",
    "pk",
    "number",
    "overdue",
    "description",
    "owner_unit__short_name",
    "owner_unit__name",
    "deadline_at",
    "closed_at",
)


def _card(row, detail_prefix: str) -> dict:
    """What a board card shows, ready for the template (the text as |truncatechars:40 and
    the day as |date:"Y-m-d" in the current time zone would write them)."""
    _status, pk, number, overdue, description, short_name, name, deadline_at, _closed = row
    day = timezone.localtime(deadline_at).date() if deadline_at else None
    return {
        "url": f"{detail_prefix}{pk}/",
        "number": number,
        "overdue": overdue,
        "text": Truncator(description).chars(40),
        "unit": short_name or name,
        "deadline": f"{day.year:04d}-{day.month:02d}-{day.day:02d}" if day else "",
    }


def _order(status: str) -> tuple[str, str]:
    return ("-closed_at", "-id") if status == t.CLOSED else ("deadline_at", "id")


def _sort_key(status: str):
    """The column's ORDER BY in Python, PostgreSQL's NULL placement included (ASC: NULLs
    last; DESC: NULLs first), for rows read through a UNION ALL."""
    if status == t.CLOSED:
        return (lambda r: (r[8] is None, r[8] or _EPOCH, r[1])), True
    return (lambda r: (r[7] is None, r[7] or _EPOCH, r[1])), False


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def board_rows(base, wanted: dict[str, int]) -> dict[str, list[tuple]]:
    """One page (CARD_FIELDS tuples) per column: `wanted` maps a status to its page number.
    PostgreSQL reads all pages in one UNION ALL of LIMITed index scans; databases that cannot
    order and limit the parts of a compound query (SQLite) get one query per column."""
    parts = {
        status: base.filter(status=status)
        .order_by(*_order(status))
        .values_list(*CARD_FIELDS)[(page - 1) * COLUMN_SIZE : page * COLUMN_SIZE]
        for status, page in wanted.items()
    }
    if len(parts) < 2 or not connections[base.db].features.supports_slicing_ordering_in_compound:
        return {status: list(qs) for status, qs in parts.items()}
    queries = list(parts.values())
    out: dict[str, list[tuple]] = {status: [] for status in parts}
    for row in queries[0].union(*queries[1:], all=True):
        out[row[0]].append(row)
    for status, rows in out.items():
        key, reverse = _sort_key(status)
        rows.sort(key=key, reverse=reverse)
    return out


def board(user, params, pages: dict[str, int]) -> list[dict]:
    """Kanban columns: the counts of all columns in one statement (board_counts), then one
    LIMITed page per column ordered along an index (board_rows), read as plain values (a card
    shows number, overdue flag, description, unit and deadline)."""
    from django.urls import reverse

    base = filtered(user, {**params, "status": ""})
    counts = board_counts(user, base)
    detail_prefix = reverse("supervision:detail", args=[0])[:-2]  # …/p/0/ → …/p/
    columns = []
    for status in BOARD_COLUMNS:
        n = counts[status]
        pages_total = max(1, -(-n // COLUMN_SIZE))
        columns.append(
            {
                "status": status,
                "label": Problem.Status(status).label,
                "count": n,
                "page": min(max(1, pages.get(status, 1)), pages_total),
                "pages": pages_total,
            }
        )
    rows = board_rows(base, {c["status"]: c["page"] for c in columns if c["count"]})
    for column in columns:
        column["rows"] = [_card(r, detail_prefix) for r in rows.get(column["status"], [])]
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
    if g.sees_all and g.reach is None:
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
    if not g.sees_all or g.reach is not None:  # a unit, or one county of a city
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
    countywide = g.sees_all
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
