"""Registering problems: by a supervisor, by another module's hook (idempotent on its source),
and a whole imported ledger at once."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit, numbering, workflow
from yingshang.errors import InvalidInput
from yingshang.notify import services as notify
from yingshang.org.models import Unit
from yingshang.supervision import transitions as t
from yingshang.supervision.models import Problem, ProblemCoUnit, ProgressReport
from yingshang.supervision.services.common import (
    DEADLINE,
    check_date,
    clock_plan,
    default_category,
    ensure_categories,
    require_may_create,
    start_clock,
    tell,
    unit_staff,
)
from yingshang.supervision.services.import_updates import problem_import_update
from yingshang.supervision.services.milestones import add_milestone
from yingshang.workcal import calendar, clocks
from yingshang.workcal.models import Clock


def problem_create(*, actor, **fields) -> Problem:
    """Register a problem: the supervisors' work (the fields: see `register`)."""
    require_may_create(actor)
    return register(actor=actor, **fields)


@transaction.atomic
def register(
    *,
    actor,
    unit: Unit,
    description: str,
    source: str = Problem.Source.SUPERVISION_VISIT,
    category=None,
    severity: str | None = None,
    co_units=(),
    leader_name: str = "",
    leader=None,
    measures: str = "",
    deadline: dt.date | None = None,
    deadline_days: int | None = None,
    milestones=(),
    source_type: str = "",
    source_id: str = "",
    at: dt.datetime | None = None,
) -> Problem:
    """Register a problem for `actor`, whose right to do it the caller has checked
    (`problem_create`, the hooks of other modules, a unit's self-inspection). `milestones`:
    [(title, due_date), …]. Deadline: a date or a number of working days (default 30)."""
    workflow.require_actor(actor)
    description = (description or "").strip()
    if not description:
        raise InvalidInput("PROBLEM_DESCRIPTION_REQUIRED", _("请填写问题描述"))
    if unit is None:
        raise InvalidInput("PROBLEM_UNIT_REQUIRED", _("请指定责任单位"))
    if severity and severity not in Problem.Severity.values:
        raise InvalidInput("PROBLEM_SEVERITY_INVALID", _("严重程度无效"))
    if source not in Problem.Source.values:
        raise InvalidInput("PROBLEM_SOURCE_INVALID", _("问题来源无效"))
    at = at or timezone.now()
    if deadline is not None:
        deadline_days = None  # an explicit date wins
        check_date(deadline, _("整改时限"))
    elif not deadline_days:
        deadline_days = 30
    elif not 1 <= int(deadline_days) <= 2000:
        raise InvalidInput("PROBLEM_DEADLINE_INVALID", _("整改时限应为1到2000个工作日"))
    for _title, due in milestones or ():
        check_date(due, _("节点完成时限"))
    problem = Problem(
        number=numbering.problem_numbers(calendar.local_date(at).year)[0],
        source=source,
        source_type=source_type or "",
        source_id=str(source_id or ""),
        description=description,
        category=default_category(category),
        owner_unit=unit,
        leader_name=(leader_name or (leader.display_name if leader else ""))[:60],
        leader=leader,
        severity=severity or Problem.Severity.NORMAL,
        measures=measures or "",
        created_by=actor or None,
        created_at=at,
        status=t.ASSIGNED,
    )
    problem.save()
    for cu in co_units or ():
        if cu.pk != unit.pk:
            ProblemCoUnit.objects.get_or_create(problem=problem, unit=cu)
    clock = start_clock(problem, DEADLINE, at=at, due_date=deadline, days=deadline_days)
    problem.deadline_at = clock.due_at
    problem.overdue = clock.state == Clock.State.OVERDUE
    problem.save(update_fields=["deadline_at", "overdue"])
    for i, (title, due) in enumerate(milestones or ()):
        add_milestone(problem, title=title, due_date=due, at=at, order=i)
    workflow.record(
        actor,
        "problem.create",
        problem,
        after={
            "number": problem.number,
            "status": problem.status,
            "source": problem.source,
            "owner_unit": unit.name,
            "category": str(problem.category or ""),
            "deadline_at": problem.deadline_at,
            "co_units": [u.name for u in co_units or ()],
        },
        # automatic registrations are stamped with the owner unit, as the sweeps' events are
        unit=None if actor else unit.pk,
    )
    tell(
        unit_staff(unit),
        subject=_("新交办问题待认领"),
        body=_("%(unit)s：问题%(number)s已交办，请及时认领并制定整改计划。")
        % {"unit": unit.display_name, "number": problem.number},
        problem=problem,
    )
    return problem


def problem_create_from_source(
    *,
    actor,
    source,
    source_type: str,
    source_id,
    unit: Unit,
    description: str,
    category=None,
    severity=None,
    deadline_days: int | None = None,
    deadline: dt.date | None = None,
    co_units=(),
    leader_name: str = "",
    measures: str = "",
    milestones=(),
) -> Problem:
    """The creation hook other modules call (差评 fixed by plan, overdue work-order patterns,
    indicators below threshold …). Idempotent on (source_type, source_id): a second call returns
    the problem the first one made. The caller has checked its own actor's rights (a person, or
    workflow.SYSTEM for automatic work)."""
    workflow.require_actor(actor)
    if not source_type or source_id in (None, ""):
        raise InvalidInput("PROBLEM_SOURCE_REQUIRED", _("请提供来源类型和来源编号"))
    source_id = str(source_id)
    existing = Problem.objects.filter(source_type=source_type, source_id=source_id).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return register(
                actor=actor,
                unit=unit,
                description=description,
                source=source,
                category=category,
                severity=severity,
                deadline_days=deadline_days,
                deadline=deadline,
                co_units=co_units,
                leader_name=leader_name,
                measures=measures,
                milestones=milestones,
                source_type=source_type,
                source_id=source_id,
            )
    except IntegrityError:
        existing = Problem.objects.filter(source_type=source_type, source_id=source_id).first()
        if existing is None:
            raise
        return existing


@transaction.atomic
def problem_bulk_import(*, actor, job, rows: list[dict], at: dt.datetime | None = None) -> int:
    """Write the validated rows of an import job at once (10,000 rows in seconds): numbers
    reserved in one block, problems, co-units, first progress and deadline clocks bulk-inserted;
    the clock fields are computed exactly as clocks.clock_start does (one calendar lookup per
    distinct deadline). One creation event per problem in its own timeline plus one for the
    ImportJob (listing the numbers); every later move of each problem is audited as usual.
    `actor`: who uploaded the file (the upload page let only supervisors do it)."""
    workflow.require_actor(actor)
    at = at or timezone.now()
    # rows naming an existing problem update it (no duplicate; audited per problem)
    updated = sum(
        problem_import_update(actor=actor, job=job, data=data, at=at)
        for data in rows
        if data.get("problem_id")
    )
    rows = [data for data in rows if not data.get("problem_id")]
    if not rows:
        return updated
    ensure_categories()
    cal = calendar.get_calendar()
    numbers = numbering.problem_numbers(calendar.local_date(at).year, len(rows))
    plans: dict = {}
    # the rows whose deadline adjustment the importer accepted in the preview
    # (import_preview.ADJUST_KEY); every other row keeps the date it gives
    accepted = {int(r) for r in (job.mapping or {}).get("_adjust") or []}

    def plan_of(data) -> tuple:
        day = data.get("deadline")
        exact = bool(day) and not cal.is_workday(day) and data["row"] not in accepted
        key = (day, data.get("deadline_days") or (None if day else 30), exact)
        if key not in plans:
            if exact:
                start, amount, unit = exact_plan(at, day)
            else:
                start, amount = clock_plan(at, key[0], key[1])
                unit = "working_days"
            plans[key] = (start, amount, unit, cal.deadline(start, amount, unit))
        return plans[key]

    problems = []
    for data, number in zip(rows, numbers, strict=True):
        _start, _amount, _unit, due = plan_of(data)
        status = data.get("status") or t.ASSIGNED
        closed = status == t.CLOSED
        problems.append(
            Problem(
                number=number,
                source=data.get("source") or Problem.Source.IMPORT,
                source_type="import",
                source_id=f"{job.pk}:{data['row']}",
                description=data["description"],
                category=data.get("category"),
                owner_unit=data["unit"],
                leader_name=(data.get("leader_name") or "")[:60],
                measures=data.get("measures") or "",
                status=status,
                deadline_at=due.due_at,
                overdue=(not closed) and at > due.due_at,
                percent=100 if closed else 0,
                latest_progress=data.get("progress") or "",
                created_by=actor or None,
                created_at=at,
                closed_at=at if closed else None,
                claimed_at=at if status not in (t.ASSIGNED,) else None,
                import_job=job,
                import_row=data["row"],
            )
        )
    Problem.objects.bulk_create(problems, batch_size=500)
    if problems and problems[0].pk is None:  # a backend that does not return ids
        ids = dict(Problem.objects.filter(import_job=job).values_list("import_row", "pk"))
        for p in problems:
            p.pk = p.id = ids[p.import_row]
    co, reports, clock_specs, paused = [], [], [], []
    for p, data in zip(problems, rows, strict=True):
        co.extend(
            ProblemCoUnit(problem_id=p.pk, unit_id=u.pk)
            for u in {u.pk: u for u in data.get("co_units") or ()}.values()
            if u.pk != p.owner_unit_id
        )
        if p.latest_progress:
            reports.append(
                ProgressReport(
                    problem_id=p.pk,
                    text=p.latest_progress,
                    percent=p.percent,
                    kind="import",
                    author=actor or None,
                    unit_id=p.owner_unit_id,
                    created_at=at,
                )
            )
        if p.status != t.CLOSED:
            start, amount, unit, _due = plan_of(data)
            clock_specs.append((p, DEADLINE, amount, unit, start))
            if p.status == t.CLOSURE_REQUESTED:
                paused.append(len(clock_specs) - 1)
    ProblemCoUnit.objects.bulk_create(co, batch_size=1000, ignore_conflicts=True)
    ProgressReport.objects.bulk_create(reports, batch_size=1000)
    started = clocks.clock_start_many(specs=clock_specs, now=at)
    for index in paused:  # closure already requested in the old ledger: awaiting verification
        clocks.clock_pause(
            clock=started[index], kind=Clock.PauseKind.SUSPENSION, at=at, reason="导入时已申请销号"
        )
    role, unit = workflow.role_and_unit(actor, job)
    # one event per problem in its own timeline (one INSERT), plus one for the import job
    audit.record_many(
        actor=actor or None,
        action="problem.create",
        role=role,
        unit=unit,
        reason=f"台账导入（{job.original_name}）",
        items=[
            (
                p,
                {
                    "number": p.number,
                    "status": p.status,
                    "owner_unit": p.owner_unit_id,
                    "description": p.description[:200],
                    "import_row": p.import_row,
                },
            )
            for p in problems
        ],
    )
    workflow.record(
        actor,
        "problem.import",
        job,
        after={
            "file": job.original_name,
            "created": len(problems),
            "updated": updated,
            "numbers": [p.number for p in problems],
            "deadlines_adjusted": sorted(accepted),
        },
    )
    _tell_new_assignments({p.owner_unit_id for p in problems if p.status == t.ASSIGNED})
    return len(problems) + updated


def exact_plan(at: dt.datetime, day: dt.date) -> tuple[dt.datetime, int, str]:
    """A clock that ends at the end of `day` itself, a rest day the importer chose to keep
    (natural days: the working-day clock would move it). A day already past keeps it overdue."""
    today = calendar.local_date(at)
    if day > today:
        return at, (day - today).days, "natural_days"
    return calendar.end_of_day(day - dt.timedelta(days=1)), 1, "natural_days"


def _tell_new_assignments(unit_ids) -> None:
    """One message per unit after a bulk registration (an import), not one per problem."""
    for unit_id in unit_ids:
        notify.send_to(
            unit_staff(unit_id),
            subject=_("新交办问题待认领"),
            body=_("台账导入了本单位的整改问题，请及时认领并制定整改计划。"),
            link=reverse("supervision:list") + "?status=assigned",
        )
