"""Every change to the ledger: one service per move, each with its audit event (docs/developing.md)."""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import audit, uploads
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.notify import services as notify
from yingshang.notify.models import Message
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.supervision import transitions as t
from yingshang.supervision.models import (
    Category,
    Counter,
    Evidence,
    Milestone,
    Problem,
    ProblemCoUnit,
    ProgressReport,
    Reminder,
)
from yingshang.workcal import calendar, clocks
from yingshang.workcal.models import Clock

log = logging.getLogger(__name__)

DEADLINE = "supervision.deadline"
MILESTONE = "supervision.milestone"
REMIND_WORKING_DAYS = 3


# --- helpers -------------------------------------------------------------------------------
def _grants(actor):
    return scope.grants(actor) if actor is not None else None


def _lock(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().get(pk=problem.pk)


def _require(actor, problem: Problem, ability: str) -> None:
    if actor is None:
        return  # system (hooks, imports run by a checked caller)
    if not scope.abilities(actor, problem).get(ability):
        # distinguish "wrong state" (409) from "not yours" (403)
        t.problem_table.check(ability, problem.status)
        raise PermissionDeniedError(
            "PROBLEM_FORBIDDEN", _("您无权对该问题执行此操作"), details={"action": ability}
        )


def _role_unit(actor, problem: Problem | None = None) -> tuple[str, Unit | int | None]:
    if actor is None:
        return "", (problem.owner_unit_id if problem else None)
    g = scope.grants(actor)
    if g.has(Role.SUPERVISOR):
        units = sorted(g.units(Role.SUPERVISOR))
        return Role.SUPERVISOR, (units[0] if units else None)
    for role in (Role.DEPT_HEAD, Role.DEPT_HANDLER, Role.LEADER):
        units = g.units(role)
        if units:
            if problem is not None and problem.owner_unit_id in units:
                return role, problem.owner_unit_id
            return role, sorted(units)[0]
    return (sorted(g.roles)[0] if g.roles else ""), (problem.owner_unit_id if problem else None)


def _record(
    actor, action: str, problem: Problem, *, before=None, after=None, reason="", changes=None
):
    role, unit = _role_unit(actor, problem)
    return audit.record(
        actor=actor,
        action=action,
        obj=problem,
        before=before,
        after=after,
        changes=changes,
        reason=reason,
        role=role,
        unit=unit,
    )


def next_numbers(year: int, count: int = 1) -> list[str]:
    """Reserve `count` numbers WT{year}-0001 … (inside the caller's transaction)."""
    Counter.objects.get_or_create(year=year)
    counter = Counter.objects.select_for_update().get(year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"WT{year}-{n:04d}" for n in range(first, first + count)]


CATEGORIES = [
    ("buchengxin", "不诚信"),
    ("buguifan", "不规范"),
    ("budandang", "不担当"),
    ("zhonggengzu", "中梗阻"),
    ("chinakayao", "吃拿卡要"),
    ("other", "其他"),
]


def ensure_categories() -> None:
    """The default category list (seeded by the migration; put back after a test flush)."""
    if not Category.objects.exists():
        for order, (code, name) in enumerate(CATEGORIES):
            Category.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


def notify_new_assignments(unit_ids) -> None:
    """One message per unit after a bulk registration (an import), not one per problem."""
    from django.urls import reverse

    for unit_id in unit_ids:
        for user in _unit_people(unit_id, (Role.DEPT_HANDLER, Role.DEPT_HEAD)):
            notify.send(
                channel=Message.Channel.INAPP,
                recipient=user,
                subject=_("新交办问题待认领"),
                body=_("台账导入了本单位的整改问题，请及时认领并制定整改计划。"),
                link=reverse("supervision:list") + "?status=assigned",
            )


def default_category(name_or_code: str | None) -> Category | None:
    if not name_or_code:
        return None
    if isinstance(name_or_code, Category):
        return name_or_code
    ensure_categories()
    return (
        Category.objects.filter(code=name_or_code).first()
        or Category.objects.filter(name=name_or_code).first()
    )


def _unit_people(unit_id, roles) -> list:
    from yingshang.org.models import User

    return list(
        User.objects.filter(
            role_assignments__unit_id=unit_id,
            role_assignments__role__in=roles,
            role_assignments__revoked_at__isnull=True,
            is_active=True,
        ).distinct()
    )


def _supervisors() -> list:
    from yingshang.org.models import User

    return list(
        User.objects.filter(
            role_assignments__role=Role.SUPERVISOR,
            role_assignments__revoked_at__isnull=True,
            is_active=True,
        ).distinct()
    )


def _notify(users, *, subject: str, body: str, problem: Problem, sms: bool = False) -> None:
    from django.urls import reverse

    link = reverse("supervision:detail", args=[problem.pk])
    seen = set()
    for user in users:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        notify.send(
            channel=Message.Channel.INAPP,
            recipient=user,
            subject=subject,
            body=body,
            link=link,
            related=problem,
        )
        if sms and user.mobile:
            notify.send(channel=Message.Channel.SMS, recipient=user, body=body, related=problem)


# --- evidence files -------------------------------------------------------------------------
def check_upload(upload) -> str:
    """Size limit and content sniffing (yingshang.uploads); returns the detected content type."""
    return uploads.check(upload, allowed=uploads.EVIDENCE).content_type


def _files(evidence) -> dict:
    return {"evidence": [e.original_name for e in evidence]} if evidence else {}


def _save_evidence(
    problem, files, actor, *, progress=None, milestone=None, at=None
) -> list[Evidence]:
    saved = []
    for upload in files or []:
        mime = check_upload(upload)
        ev = Evidence(
            problem=problem,
            progress=progress,
            milestone=milestone,
            original_name=upload.name[:200],
            content_type=mime,
            size=upload.size,
            uploaded_by=actor,
            uploaded_at=at or timezone.now(),
        )
        ev.file.save(upload.name, upload, save=False)
        ev.save()
        saved.append(ev)
    return saved


# --- clocks ---------------------------------------------------------------------------------
def _clock_plan(
    at: dt.datetime, due_date: dt.date | None, days: int | None
) -> tuple[dt.datetime, int]:
    """(start, working days) of a deadline given as a number of working days or as a date."""
    if days:
        return at, int(days)
    n = calendar.working_days_between(calendar.local_date(at), due_date)
    if n >= 1:
        return at, n
    # a deadline already today or in the past (imported ledgers): one working day ending on it
    return calendar.end_of_day(calendar.add_working_days(due_date, -1)), 1


def _start_clock(
    owner,
    purpose: str,
    *,
    at: dt.datetime,
    due_date: dt.date | None = None,
    days: int | None = None,
) -> Clock:
    start, amount = _clock_plan(at, due_date, days)
    return clocks.clock_start(
        owner=owner, purpose=purpose, amount=amount, unit="working_days", started_at=start
    )


EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)


def _check_date(day, label) -> None:
    if not isinstance(day, dt.date) or not EARLIEST <= day <= LATEST:
        raise InvalidInput(
            "DATE_OUT_OF_RANGE", _("%(label)s超出可用范围（2000—2099年）") % {"label": label}
        )


def _open_clock(owner, purpose):
    return (
        clocks.clocks_of(owner, purpose).exclude(state=Clock.State.STOPPED).order_by("-id").first()
    )


def _stop_clocks(problem: Problem, at) -> None:
    clock = _open_clock(problem, DEADLINE)
    if clock:
        clocks.clock_stop(clock=clock, at=at)
    for ms in problem.milestones.filter(done_at__isnull=True):
        c = _open_clock(ms, MILESTONE)
        if c:
            clocks.clock_stop(clock=c, at=at)


# --- create ---------------------------------------------------------------------------------
def _check_create_rights(actor) -> None:
    if actor is None:
        return
    g = scope.grants(actor)
    if not g.has(Role.SUPERVISOR, Role.ADMIN):
        raise PermissionDeniedError("PROBLEM_CREATE_FORBIDDEN", _("只有营商办督查人员可以登记问题"))


@transaction.atomic
def problem_create(
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
    check_rights: bool = True,
    status: str | None = None,
    progress: str = "",
    import_job=None,
    import_row=None,
    notify_unit: bool = True,
) -> Problem:
    """Register a problem. `milestones`: [(title, due_date), …]. Deadline: a date or a number of
    working days (default 30 working days)."""
    if check_rights:
        _check_create_rights(actor)
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
        _check_date(deadline, _("整改时限"))
    elif not deadline_days:
        deadline_days = 30
    elif not 1 <= int(deadline_days) <= 2000:
        raise InvalidInput("PROBLEM_DEADLINE_INVALID", _("整改时限应为1到2000个工作日"))
    for _title, due in milestones or ():
        _check_date(due, _("节点完成时限"))
    problem = Problem(
        number=next_numbers(calendar.local_date(at).year)[0],
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
        created_by=actor,
        created_at=at,
        status=status or t.ASSIGNED,
        latest_progress=progress or "",
        import_job=import_job,
        import_row=import_row,
    )
    if problem.status == t.CLOSED:
        problem.closed_at = at
        problem.percent = 100
    problem.save()
    for cu in co_units or ():
        if cu.pk != unit.pk:
            ProblemCoUnit.objects.get_or_create(problem=problem, unit=cu)
    clock = _start_clock(problem, DEADLINE, at=at, due_date=deadline, days=deadline_days)
    problem.deadline_at = clock.due_at
    problem.overdue = clock.state == Clock.State.OVERDUE and problem.is_open
    if not problem.is_open:
        clocks.clock_stop(clock=clock, at=at)
    problem.save(update_fields=["deadline_at", "overdue"])
    for i, (title, due) in enumerate(milestones or ()):
        _milestone_add(problem, title=title, due_date=due, at=at, order=i)
    if progress:
        ProgressReport.objects.create(
            problem=problem,
            text=progress,
            percent=problem.percent,
            kind="import",
            author=actor,
            unit=unit,
            created_at=at,
        )
    _record(
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
    )
    if problem.status == t.ASSIGNED and notify_unit:
        _notify(
            _unit_people(unit.pk, (Role.DEPT_HANDLER, Role.DEPT_HEAD)),
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
    the problem the first one made. The caller has already checked its own actor's rights."""
    if not source_type or source_id in (None, ""):
        raise InvalidInput("PROBLEM_SOURCE_REQUIRED", _("请提供来源类型和来源编号"))
    source_id = str(source_id)
    existing = Problem.objects.filter(source_type=source_type, source_id=source_id).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return problem_create(
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
                check_rights=False,
            )
    except IntegrityError:
        existing = Problem.objects.filter(source_type=source_type, source_id=source_id).first()
        if existing is None:
            raise
        return existing


@transaction.atomic
def problems_bulk_import(*, actor, job, rows: list[dict], at: dt.datetime | None = None) -> int:
    """Write the validated rows of an import job at once (10,000 rows in seconds): numbers
    reserved in one block, problems, co-units, first progress and deadline clocks bulk-inserted;
    the clock fields are computed exactly as clocks.clock_start does (one calendar lookup per
    distinct deadline). One audit event for the whole import (on the ImportJob, listing the
    numbers); every later move of each problem is audited as usual."""
    at = at or timezone.now()
    if not rows:
        return 0
    ensure_categories()
    cal = calendar.get_calendar()
    numbers = next_numbers(calendar.local_date(at).year, len(rows))
    plans: dict = {}
    problems = []
    for data, number in zip(rows, numbers, strict=True):
        key = (
            data.get("deadline"),
            data.get("deadline_days") or (None if data.get("deadline") else 30),
        )
        if key not in plans:
            start, amount = _clock_plan(at, key[0], key[1])
            plans[key] = (start, amount, cal.deadline(start, amount, "working_days"))
        start, amount, due = plans[key]
        status = data.get("status") or t.ASSIGNED
        closed = status == t.CLOSED
        problems.append(
            Problem(
                number=number,
                source=Problem.Source.IMPORT,
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
                created_by=actor,
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
                    author=actor,
                    unit_id=p.owner_unit_id,
                    created_at=at,
                )
            )
        if p.status != t.CLOSED:
            start, amount, _due = plans[
                (
                    data.get("deadline"),
                    data.get("deadline_days") or (None if data.get("deadline") else 30),
                )
            ]
            clock_specs.append((p, DEADLINE, amount, "working_days", start))
            if p.status == t.CLOSURE_REQUESTED:
                paused.append(len(clock_specs) - 1)
    ProblemCoUnit.objects.bulk_create(co, batch_size=1000, ignore_conflicts=True)
    ProgressReport.objects.bulk_create(reports, batch_size=1000)
    started = clocks.clock_start_many(specs=clock_specs, now=at)
    for (
        index
    ) in paused:  # closure already requested in the county's old ledger: waiting for verification
        clocks.clock_pause(
            clock=started[index], kind=Clock.PauseKind.SUSPENSION, at=at, reason="导入时已申请销号"
        )
    role, unit = _role_unit(actor)
    # one event per problem in its own timeline, plus one for the import job
    audit.record_many(
        actor=actor,
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
    audit.record(
        actor=actor,
        action="problem.import",
        object_type="supervision.importjob",
        object_id=job.pk,
        after={
            "file": job.original_name,
            "created": len(problems),
            "numbers": [p.number for p in problems],
        },
        role=role,
        unit=unit,
    )
    notify_new_assignments({p.owner_unit_id for p in problems if p.status == t.ASSIGNED})
    return len(problems)


# --- moves ----------------------------------------------------------------------------------
@transaction.atomic
def problem_claim(
    *, actor, problem: Problem, leader_name: str = "", measures: str = "", milestones=(), at=None
) -> Problem:
    """认领: the owner unit takes the problem and (optionally) hangs out its plan."""
    problem = _lock(problem)
    _require(actor, problem, "claim")
    at = at or timezone.now()
    before = {
        "status": problem.status,
        "leader_name": problem.leader_name,
        "measures": problem.measures,
    }
    problem.status = t.problem_table.target("claim", problem.status)
    problem.claimed_at = at
    if leader_name:
        problem.leader_name = leader_name[:60]
    if measures:
        problem.measures = measures
    problem.save()
    start = problem.milestones.count()
    for i, (title, due) in enumerate(milestones or ()):
        _milestone_add(problem, title=title, due_date=due, at=at, order=start + i)
    _record(
        actor,
        "problem.claim",
        problem,
        before=before,
        after={
            "status": problem.status,
            "leader_name": problem.leader_name,
            "measures": problem.measures,
        },
    )
    return problem


def _percent(value) -> int:
    try:
        p = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("PROGRESS_PERCENT_INVALID", _("完成比例应为0到100之间的整数")) from None
    if not 0 <= p <= 100:
        raise InvalidInput("PROGRESS_PERCENT_INVALID", _("完成比例应为0到100之间的整数"))
    return p


@transaction.atomic
def problem_report_progress(
    *, actor, problem: Problem, text: str, percent=0, files=(), at=None
) -> ProgressReport:
    problem = _lock(problem)
    _require(actor, problem, "report")
    text = (text or "").strip()
    if not text:
        raise InvalidInput("PROGRESS_TEXT_REQUIRED", _("请填写整改进展情况"))
    percent = _percent(percent)
    at = at or timezone.now()
    before = {"status": problem.status, "percent": problem.percent}
    problem.status = t.problem_table.target("report", problem.status)
    problem.percent = percent
    problem.latest_progress = text
    problem.save()
    _role, unit = _role_unit(actor, problem)
    report = ProgressReport.objects.create(
        problem=problem,
        text=text,
        percent=percent,
        author=actor,
        unit_id=unit if isinstance(unit, int) else getattr(unit, "pk", None),
        created_at=at,
    )
    evidence = _save_evidence(problem, files, actor, progress=report, at=at)
    _record(
        actor,
        "problem.progress",
        problem,
        before=before,
        after={"status": problem.status, "percent": percent, **_files(evidence)},
        reason=text[:500],
    )
    return report


@transaction.atomic
def problem_attach_evidence(
    *, actor, problem: Problem, files, note: str = "", at=None
) -> list[Evidence]:
    """Evidence files (佐证材料) added to a problem outside a progress report (e.g. over the API
    before asking for closure)."""
    problem = _lock(problem)
    _require(actor, problem, "report")
    if not files:
        raise InvalidInput("EVIDENCE_REQUIRED", _("请选择要上传的佐证材料"))
    evidence = _save_evidence(problem, files, actor, at=at or timezone.now())
    _record(actor, "problem.evidence", problem, after=_files(evidence), reason=note)
    return evidence


@transaction.atomic
def problem_request_closure(*, actor, problem: Problem, text: str, files=(), at=None) -> Problem:
    """申请销号: needs a statement and evidence (new files, or files already on the problem)."""
    problem = _lock(problem)
    _require(actor, problem, "request_closure")
    text = (text or "").strip()
    if not text:
        raise InvalidInput("CLOSURE_TEXT_REQUIRED", _("请填写整改完成情况"))
    if not files and not problem.evidence.exists():
        raise InvalidInput("CLOSURE_EVIDENCE_REQUIRED", _("申请销号须上传整改佐证材料"))
    at = at or timezone.now()
    before = {"status": problem.status, "percent": problem.percent}
    problem.status = t.problem_table.target("request_closure", problem.status)
    problem.percent = 100
    problem.latest_progress = text
    problem.save()
    _role, unit = _role_unit(actor, problem)
    report = ProgressReport.objects.create(
        problem=problem,
        text=text,
        percent=100,
        kind="closure",
        author=actor,
        unit_id=unit if isinstance(unit, int) else getattr(unit, "pk", None),
        created_at=at,
    )
    evidence = _save_evidence(problem, files, actor, progress=report, at=at)
    clock = _open_clock(problem, DEADLINE)
    if clock:
        clocks.clock_pause(
            clock=clock, kind=Clock.PauseKind.SUSPENSION, at=at, reason=_("申请销号，待核验")
        )
    _record(
        actor,
        "problem.request_closure",
        problem,
        before=before,
        after={"status": problem.status, "percent": 100, **_files(evidence)},
        reason=text[:500],
    )
    _notify(
        _supervisors(),
        subject=_("问题申请销号"),
        body=_("%(unit)s申请对问题%(number)s销号，请核验。")
        % {"unit": problem.owner_unit.display_name, "number": problem.number},
        problem=problem,
    )
    return problem


@transaction.atomic
def problem_close(*, actor, problem: Problem, reason: str = "", at=None) -> Problem:
    """销号: the supervisor verifies the evidence and closes the problem."""
    problem = _lock(problem)
    _require(actor, problem, "close")
    at = at or timezone.now()
    before = {"status": problem.status}
    problem.status = t.problem_table.target("close", problem.status)
    problem.closed_at = at
    problem.overdue = False
    problem.save()
    _stop_clocks(problem, at)
    _record(
        actor,
        "problem.close",
        problem,
        before=before,
        after={"status": problem.status},
        reason=reason,
    )
    _notify(
        _unit_people(problem.owner_unit_id, (Role.DEPT_HANDLER, Role.DEPT_HEAD)),
        subject=_("问题已销号"),
        body=_("问题%(number)s经核验已销号。") % {"number": problem.number},
        problem=problem,
    )
    return problem


@transaction.atomic
def problem_reopen(*, actor, problem: Problem, reason: str, at=None) -> Problem:
    """退回重改: back to the unit with a reason; the deadline clock runs again."""
    problem = _lock(problem)
    _require(actor, problem, "reopen")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("REASON_REQUIRED", _("请填写退回原因"))
    at = at or timezone.now()
    before = {"status": problem.status}
    problem.status = t.problem_table.target("reopen", problem.status)
    problem.closed_at = None
    problem.save()
    clock = clocks.clocks_of(problem, DEADLINE).order_by("-id").first()
    if clock is not None and clock.state == Clock.State.PAUSED:
        clock = clocks.clock_resume(clock=clock, at=at)
    elif clock is not None and clock.state == Clock.State.STOPPED:
        clock = clocks.clock_start(
            owner=problem, purpose=DEADLINE, amount=10, unit="working_days", started_at=at
        )
    if clock is not None:
        problem.deadline_at = clock.due_at
        problem.overdue = clock.state == Clock.State.OVERDUE
        problem.save(update_fields=["deadline_at", "overdue"])
    event = _record(
        actor,
        "problem.reopen",
        problem,
        before=before,
        after={"status": problem.status},
        reason=reason,
    )
    audit.record_return(
        event=event,
        kind="return",
        unit=problem.owner_unit,
        due_at=problem.deadline_at,
        label=f"{problem.number} {problem.description[:60]}",
    )
    _notify(
        _unit_people(problem.owner_unit_id, (Role.DEPT_HANDLER, Role.DEPT_HEAD)),
        subject=_("问题被退回重改"),
        body=_("问题%(number)s的销号申请被退回：%(reason)s")
        % {"number": problem.number, "reason": reason},
        problem=problem,
    )
    return problem


@transaction.atomic
def problem_void(*, actor, problem: Problem, reason: str, at=None) -> Problem:
    """作废: a problem registered by mistake; kept in history with the reason."""
    problem = _lock(problem)
    _require(actor, problem, "void")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("REASON_REQUIRED", _("请填写作废原因"))
    at = at or timezone.now()
    before = {"status": problem.status}
    problem.status = t.problem_table.target("void", problem.status)
    problem.void_reason = reason[:300]
    problem.overdue = False
    problem.save()
    _stop_clocks(problem, at)
    event = _record(
        actor,
        "problem.void",
        problem,
        before=before,
        after={"status": problem.status},
        reason=reason,
    )
    audit.record_return(
        event=event,
        kind="withdraw",
        unit=problem.owner_unit,
        due_at=problem.deadline_at,
        label=f"{problem.number} {problem.description[:60]}",
    )
    return problem


@transaction.atomic
def problem_flag(*, actor, problem: Problem, flag: str, on: bool, reason: str) -> Problem:
    """曝光 (exposure) / 问责 (accountability) with a reason."""
    if flag not in ("exposure", "accountability"):
        raise InvalidInput("PROBLEM_FLAG_INVALID", _("标记类型无效"))
    problem = _lock(problem)
    _require(actor, problem, "flag")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("REASON_REQUIRED", _("请填写理由"))
    before = {flag: getattr(problem, flag), f"{flag}_reason": getattr(problem, f"{flag}_reason")}
    setattr(problem, flag, bool(on))
    setattr(problem, f"{flag}_reason", reason[:300] if on else "")
    problem.save()
    _record(
        actor,
        f"problem.{flag}",
        problem,
        before=before,
        after={flag: bool(on), f"{flag}_reason": getattr(problem, f"{flag}_reason")},
        reason=reason,
    )
    return problem


@transaction.atomic
def problem_extend(*, actor, problem: Problem, deadline: dt.date, reason: str, at=None) -> Problem:
    """延期: the supervisor moves the deadline later (by working days on the deadline clock)."""
    problem = _lock(problem)
    _require(actor, problem, "extend")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("REASON_REQUIRED", _("请填写延期理由"))
    _check_date(deadline, _("新的整改时限"))
    clock = _open_clock(problem, DEADLINE)
    if clock is None:
        raise DomainError("PROBLEM_NO_DEADLINE_CLOCK", _("该问题没有可延长的整改时限"))
    current_day = calendar.local_date(problem.deadline_at)
    amount = calendar.working_days_between(current_day, deadline)
    if amount < 1:
        raise InvalidInput(
            "PROBLEM_EXTEND_NOT_LATER",
            _("新的整改时限须晚于原时限（%(day)s）且至少多一个工作日")
            % {"day": current_day.isoformat()},
        )
    at = at or timezone.now()
    before = {"deadline_at": problem.deadline_at, "overdue": problem.overdue}
    clock = clocks.clock_extend(clock=clock, amount=amount, reason=reason, at=at)
    if clock.due_at is not None:
        problem.deadline_at = clock.due_at
        problem.overdue = clock.state == Clock.State.OVERDUE
    else:  # paused while awaiting verification: the deadline moves by the same working days
        problem.deadline_at = calendar.end_of_day(calendar.add_working_days(current_day, amount))
    problem.save(update_fields=["deadline_at", "overdue", "updated_at"])
    _record(
        actor,
        "problem.extend",
        problem,
        before=before,
        after={"deadline_at": problem.deadline_at, "overdue": problem.overdue},
        reason=reason,
    )
    _notify(
        _unit_people(problem.owner_unit_id, (Role.DEPT_HANDLER, Role.DEPT_HEAD)),
        subject=_("整改时限已延长"),
        body=_("问题%(number)s的整改时限延长至%(day)s。")
        % {"number": problem.number, "day": calendar.local_date(problem.deadline_at).isoformat()},
        problem=problem,
    )
    return problem


# --- plan / milestones -------------------------------------------------------------------------
def _milestone_add(
    problem: Problem, *, title: str, due_date: dt.date, at, order: int = 0
) -> Milestone:
    title = (title or "").strip()
    if not title:
        raise InvalidInput("MILESTONE_TITLE_REQUIRED", _("请填写节点任务"))
    if not isinstance(due_date, dt.date):
        raise InvalidInput("MILESTONE_DUE_INVALID", _("节点完成时限无效"))
    _check_date(due_date, _("节点完成时限"))
    ms = Milestone(
        problem=problem, title=title[:200], due_at=calendar.end_of_day(due_date), order=order
    )
    ms.save()
    clock = _start_clock(ms, MILESTONE, at=at, due_date=due_date)
    ms.due_at = clock.due_at
    ms.overdue = clock.state == Clock.State.OVERDUE
    ms.save(update_fields=["due_at", "overdue"])
    return ms


@transaction.atomic
def milestone_add(*, actor, problem: Problem, title: str, due_date: dt.date, at=None) -> Milestone:
    problem = _lock(problem)
    _require(actor, problem, "plan")
    at = at or timezone.now()
    ms = _milestone_add(
        problem, title=title, due_date=due_date, at=at, order=problem.milestones.count()
    )
    _record(
        actor, "problem.milestone_add", problem, after={"milestone": ms.title, "due_at": ms.due_at}
    )
    return ms


@transaction.atomic
def milestone_complete(
    *, actor, milestone: Milestone, note: str = "", files=(), at=None
) -> Milestone:
    problem = _lock(milestone.problem)
    _require(actor, problem, "milestone_done")
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.done_at is not None:
        raise DomainError("MILESTONE_ALREADY_DONE", _("该节点已完成"))
    at = at or timezone.now()
    milestone.done_at = at
    milestone.note = (note or "")[:300]
    milestone.overdue = False
    milestone.save()
    clock = _open_clock(milestone, MILESTONE)
    if clock:
        clocks.clock_stop(clock=clock, at=at)
    evidence = _save_evidence(problem, files, actor, milestone=milestone, at=at)
    if problem.status in (t.CLAIMED, t.REOPENED):
        problem.status = t.RECTIFYING
        problem.save(update_fields=["status", "updated_at"])
    _record(
        actor,
        "problem.milestone_done",
        problem,
        after={"milestone": milestone.title, "done_at": at, **_files(evidence)},
        reason=note,
    )
    return milestone


# --- clocks moved by the sweep: overdue escalation -------------------------------------------------
def on_problem_clock(new_state: str, moved) -> None:
    if new_state != Clock.State.OVERDUE:
        return
    ids = [int(m.owner_id) for m in moved if m.purpose == DEADLINE]
    problems = list(
        Problem.objects.filter(pk__in=ids, status__in=t.OPEN).select_related("owner_unit")
    )
    Problem.objects.filter(pk__in=[p.pk for p in problems]).update(overdue=True)
    supervisors = _supervisors()
    for problem in problems:
        audit.record(
            actor=None,
            action="problem.overdue",
            obj=problem,
            after={"overdue": True},
            unit=problem.owner_unit_id,
            reason=_("超过整改时限"),
        )
        body = _("问题%(number)s（%(unit)s）已超过整改时限，请督促整改。") % {
            "number": problem.number,
            "unit": problem.owner_unit.display_name,
        }
        _notify(
            _unit_people(problem.owner_unit_id, (Role.DEPT_HEAD,)) + supervisors,
            subject=_("问题整改逾期"),
            body=body,
            problem=problem,
            sms=True,
        )


def on_milestone_clock(new_state: str, moved) -> None:
    if new_state != Clock.State.OVERDUE:
        return
    ids = [int(m.owner_id) for m in moved if m.purpose == MILESTONE]
    milestones = list(
        Milestone.objects.filter(
            pk__in=ids, done_at__isnull=True, problem__status__in=t.OPEN
        ).select_related("problem__owner_unit")
    )
    Milestone.objects.filter(pk__in=[m.pk for m in milestones]).update(overdue=True)
    supervisors = _supervisors()
    for ms in milestones:
        problem = ms.problem
        audit.record(
            actor=None,
            action="problem.milestone_overdue",
            obj=problem,
            after={"milestone": ms.title, "overdue": True},
            unit=problem.owner_unit_id,
            reason=_("整改节点逾期"),
        )
        body = _("问题%(number)s的整改节点“%(title)s”已逾期。") % {
            "number": problem.number,
            "title": ms.title,
        }
        _notify(
            _unit_people(problem.owner_unit_id, (Role.DEPT_HEAD,)) + supervisors,
            subject=_("整改节点逾期"),
            body=body,
            problem=problem,
            sms=True,
        )


clocks.on_transition("supervision.problem", on_problem_clock)
clocks.on_transition("supervision.milestone", on_milestone_clock)


# --- reminders: 3 working days before each milestone and the deadline, once ------------------------
def send_reminders(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    horizon = calendar.end_of_day(
        calendar.add_working_days(calendar.local_date(now), REMIND_WORKING_DAYS)
    )
    sent = 0
    reminded = Reminder.objects.filter(
        problem_id=OuterRef("pk"),
        milestone__isnull=True,
        kind="deadline",
        due_at=OuterRef("deadline_at"),
    )
    problems = (
        Problem.objects.filter(
            status__in=t.WORKING | {t.ASSIGNED}, deadline_at__gt=now, deadline_at__lte=horizon
        )
        .exclude(Exists(reminded))
        .select_related("owner_unit")[:2000]
    )
    for problem in problems:
        body = _("问题%(number)s将于%(due)s到期，请按时完成整改。") % {
            "number": problem.number,
            "due": timezone.localtime(problem.deadline_at).strftime("%Y-%m-%d"),
        }
        if _remind_once(problem, None, "deadline", problem.deadline_at, body, now):
            sent += 1
    ms_reminded = Reminder.objects.filter(
        milestone_id=OuterRef("pk"), kind="milestone", due_at=OuterRef("due_at")
    )
    milestones = (
        Milestone.objects.filter(
            done_at__isnull=True,
            problem__status__in=t.WORKING | {t.ASSIGNED},
            due_at__gt=now,
            due_at__lte=horizon,
        )
        .exclude(Exists(ms_reminded))
        .select_related("problem__owner_unit")[:2000]
    )
    for ms in milestones:
        body = _("问题%(number)s的整改节点“%(title)s”将于%(due)s到期。") % {
            "number": ms.problem.number,
            "title": ms.title,
            "due": timezone.localtime(ms.due_at).strftime("%Y-%m-%d"),
        }
        if _remind_once(ms.problem, ms, "milestone", ms.due_at, body, now):
            sent += 1
    return sent


def _remind_once(problem, milestone, kind, due_at, body, now) -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(
                problem=problem, milestone=milestone, kind=kind, due_at=due_at, sent_at=now
            )
            audit.record(
                actor=None,
                action="problem.remind",
                obj=problem,
                after={"kind": kind, "due_at": due_at},
                unit=problem.owner_unit_id,
                reason=body,
            )
            _notify(
                _unit_people(problem.owner_unit_id, (Role.DEPT_HANDLER, Role.DEPT_HEAD)),
                subject=_("整改到期提醒"),
                body=body,
                problem=problem,
                sms=True,
            )
        return True
    except IntegrityError:  # another worker sent it
        return False


# --- self-inspection forms ------------------------------------------------------------------------
@transaction.atomic
def inspection_form_create(
    *, actor, title: str, intro: str = "", items=(), deadline_days: int = 30, publish=True
):
    from yingshang.supervision.models import InspectionForm, InspectionItem

    _check_create_rights(actor)
    if not 1 <= int(deadline_days) <= 2000:
        raise InvalidInput("PROBLEM_DEADLINE_INVALID", _("整改时限应为1到2000个工作日"))
    title = (title or "").strip()
    if not title:
        raise InvalidInput("FORM_TITLE_REQUIRED", _("请填写自查表标题"))
    items = [(c, q.strip()) for c, q in items if q and q.strip()]
    if not items:
        raise InvalidInput("FORM_ITEMS_REQUIRED", _("自查表至少需要一项自查内容"))
    now = timezone.now()
    form = InspectionForm.objects.create(
        title=title,
        intro=intro,
        deadline_days=deadline_days,
        created_by=actor,
        created_at=now,
        status=InspectionForm.Status.PUBLISHED if publish else InspectionForm.Status.DRAFT,
        published_at=now if publish else None,
    )
    for i, (cat, question) in enumerate(items):
        InspectionItem.objects.create(
            form=form, order=i, category=default_category(cat), question=question[:300]
        )
    role, unit = _role_unit(actor)
    audit.record(
        actor=actor,
        action="inspection.publish",
        obj=form,
        after={"title": title, "items": len(items)},
        role=role,
        unit=unit,
    )
    return form


@transaction.atomic
def inspection_submit(*, actor, form, unit: Unit, answers: dict) -> list[Problem]:
    """A unit fills the form in: `answers` = {item_id: [problem description, …]}. Every reported
    problem lands in the ledger with source 自查 and the reporting unit as owner."""
    from yingshang.supervision.models import InspectionForm, InspectionSubmission

    if form.status != InspectionForm.Status.PUBLISHED:
        raise DomainError("FORM_NOT_OPEN", _("该自查表未发布或已截止"))
    g = scope.grants(actor)
    if unit.pk not in g.units(Role.DEPT_HANDLER, Role.DEPT_HEAD):
        raise PermissionDeniedError("FORM_UNIT_FORBIDDEN", _("只能以本单位名义填报自查表"))
    items = {i.pk: i for i in form.items.select_related("category")}
    now = timezone.now()
    sub = InspectionSubmission.objects.create(
        form=form, unit=unit, submitted_by=actor, submitted_at=now
    )
    made = []
    for item_id, lines in answers.items():
        item = items.get(int(item_id))
        if item is None:
            continue
        for n, line in enumerate(lines):
            line = (line or "").strip()
            if not line:
                continue
            made.append(
                problem_create(
                    actor=actor,
                    unit=unit,
                    description=line,
                    source=Problem.Source.SELF_INSPECTION,
                    category=item.category,
                    deadline_days=form.deadline_days,
                    source_type="inspection",
                    source_id=f"{sub.pk}:{item.pk}:{n}",
                    at=now,
                    check_rights=False,
                )
            )
    sub.problem_count = len(made)
    sub.save(update_fields=["problem_count"])
    audit.record(
        actor=actor,
        action="inspection.submit",
        obj=form,
        after={"unit": unit.name, "problems": len(made)},
        role=Role.DEPT_HANDLER,
        unit=unit,
    )
    return made
