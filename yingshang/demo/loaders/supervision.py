"""Demo ledger: the 72 problems of the 不诚信/不规范/不担当 self-inspection (seed 001) in every state,
with plans and milestones, made through the ledger's services from
yingshang/demo/data/supervision/ledger.yaml; and a bulk generator for benchmarks."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yingshang import numbering
from yingshang.demo.registry import load_yaml
from yingshang.org.models import Unit, User
from yingshang.supervision import services
from yingshang.supervision import transitions as t
from yingshang.supervision.models import Category, InspectionForm, Milestone, Problem, ProblemCoUnit
from yingshang.workcal import calendar

DATA = load_yaml("supervision", "ledger.yaml")
FORM_TITLE = DATA["form"]["title"]
ITEMS = [(item["category"], item["question"]) for item in DATA["form"]["items"]]
# (category code, description, measures, milestone titles, subject)
PROBLEMS = [
    (p["category"], p["description"], p["measures"], p["milestones"], p["subject"])
    for p in DATA["problems"]
]
SUBJECTS = DATA["subjects"]  # subject -> words that show it, units that own such problems
LEADERS = DATA["leaders"]  # by the owning unit's kind (a town's by 镇/乡/街道)


def subject_of(description: str) -> str | None:
    """The first subject (in the data file's order) whose words occur in the description."""
    for code, subject in SUBJECTS.items():
        if any(word in description for word in subject["words"]):
            return code
    return None


def owners_of(subject: str) -> list[str]:
    """The unit codes a problem of `subject` can plausibly belong to."""
    return list(SUBJECTS[subject]["units"])


def leader_titles(unit: Unit) -> list[str]:
    """Plausible 责任领导 of a unit: a department's 副局长, a town's 副镇长 / 副乡长 /
    街道办事处副主任."""
    if unit.kind == Unit.Kind.TOWN:
        for suffix in ("街道", "乡", "镇"):
            if unit.name.endswith(suffix):
                return LEADERS[suffix]
    return LEADERS["department"]


def _handler(unit: Unit) -> User | None:
    """The unit's own handler (经办人, else its head), who claims and rectifies its problems."""
    from yingshang.org.roles import Role
    from yingshang.org.staff import staff_of

    return staff_of(unit, [Role.DEPT_HANDLER]).first() or staff_of(unit).first()


def png(width: int = 2, height: int = 2) -> bytes:
    """A small valid PNG (a red square) for demo and test evidence."""
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _day(base: dt.date, working_days: int) -> dt.date:
    return calendar.add_working_days(base, working_days)


def load_demo(ctx) -> None:
    if Problem.objects.filter(source_type="demo").exists():
        return
    supervisor = User.objects.filter(username="supervisor").first()
    if supervisor is None:
        return
    units = {
        u.code: u
        for u in Unit.objects.filter(
            code__in={c for subject in SUBJECTS.values() for c in subject["units"]}
        )
    }
    if not units:
        return
    services.ensure_categories()
    with transaction.atomic():
        form = InspectionForm.objects.filter(
            title=FORM_TITLE
        ).first() or services.inspection_form_create(
            actor=supervisor,
            title=FORM_TITLE,
            items=ITEMS,
            deadline_days=30,
            intro=DATA["form"]["intro"],
        )
    today = timezone.localdate()
    start = calendar.end_of_day(_day(today, -30))  # the self-inspection was a month and a half ago
    for i in range(72):
        cat, desc, measures, ms_titles, subject = PROBLEMS[i % len(PROBLEMS)]
        # each round of the list gives a problem to the next unit its subject belongs to
        owners = [units[c] for c in owners_of(subject) if c in units]
        if not owners:
            continue
        unit = owners[(i // len(PROBLEMS)) % len(owners)]
        others = [u for u in owners if u != unit]
        # a third of them were due already (some overdue), the rest run into next weeks
        deadline = _day(today, -5 + (i % 9) * 4) if i % 3 == 0 else _day(today, 10 + i % 20)
        milestones = [
            (title, _day(start.date(), 8 + k * 10 + i % 5)) for k, title in enumerate(ms_titles)
        ]
        leaders = leader_titles(unit)
        with transaction.atomic():
            p = services.problem_create(
                actor=supervisor,
                unit=unit,
                description=f"{desc}（{unit.display_name}自查）",
                source=Problem.Source.SELF_INSPECTION,
                category=cat,
                measures="" if i % 4 == 0 else measures,
                severity=("major" if i % 11 == 0 else "serious" if i % 5 == 0 else "normal"),
                leader_name=leaders[i % len(leaders)],
                deadline=deadline,
                milestones=milestones,
                source_type="demo",
                source_id=f"selfcheck-{i + 1}",
                at=start,
                co_units=others[:1] if i % 7 == 0 else (),
            )
        _advance(p, i + i // len(PROBLEMS), unit, supervisor)  # problems in every state
    ctx.data["supervision_form"] = form


def _advance(p: Problem, i: int, unit: Unit, supervisor) -> None:
    """Move demo problems along: claimed, rectifying, closure requested, closed, reopened."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    handler = _handler(unit)
    if handler is None:
        return
    stage = i % 6
    if stage == 0:
        return  # still waiting to be claimed
    services.problem_claim(
        actor=handler, problem=p, measures=p.measures or "制定整改方案，明确责任人和时间节点"
    )
    if stage == 1:
        return
    services.problem_report_progress(
        actor=handler,
        problem=p,
        text="已召开专题会，制定整改方案并挂图作战",
        percent=40,
        files=[SimpleUploadedFile("整改现场.png", png(16, 16))],
    )
    first = p.milestones.filter(done_at__isnull=True).first()
    if first is not None:
        services.problem_complete_milestone(actor=handler, milestone=first, note="按时完成")
    if stage == 2:
        return
    services.problem_request_closure(
        actor=handler, problem=p, text="各项整改措施已落实到位，申请销号"
    )
    if stage == 3:
        return
    if stage == 4:
        services.problem_close(actor=supervisor, problem=p, reason="经现场核验，整改到位")
        if i % 12 == 4:
            services.problem_flag(
                actor=supervisor,
                problem=p,
                flag="exposure",
                on=True,
                reason="典型问题，全县通报曝光",
            )
        return
    services.problem_reopen(actor=supervisor, problem=p, reason="佐证材料不足，请补充企业评价")


# --- benchmark volume ---------------------------------------------------------------------------
def _insert_many(model, columns: list[str], rows: list[tuple]) -> None:
    """executemany INSERT (Django's bulk_create spends most of its time preparing values)."""
    from django.db import connection

    fields = {f.attname: f for f in model._meta.concrete_fields}
    datetime_cols = [
        i for i, c in enumerate(columns) if fields[c].get_internal_type() == "DateTimeField"
    ]
    adapt = connection.ops.adapt_datetimefield_value
    if datetime_cols:
        rows = [
            tuple(adapt(v) if i in datetime_cols and v is not None else v for i, v in enumerate(r))
            for r in rows
        ]
    qn = connection.ops.quote_name
    # table and column names come from the model's metadata, values go through parameters
    table = qn(model._meta.db_table)
    names = ", ".join(qn(fields[c].column) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2000):
            cursor.executemany(sql, rows[start : start + 2000])


PROBLEM_COLUMNS = [
    "number",
    "source",
    "source_type",
    "source_id",
    "description",
    "category_id",
    "owner_unit_id",
    "leader_name",
    "leader_id",
    "severity",
    "measures",
    "status",
    "deadline_at",
    "overdue",
    "percent",
    "latest_progress",
    "exposure",
    "exposure_reason",
    "accountability",
    "accountability_reason",
    "void_reason",
    "created_by_id",
    "created_at",
    "updated_at",
    "claimed_at",
    "closed_at",
    "import_job_id",
    "import_row",
]


def generate(ctx, scale) -> dict:
    """`scale.n(100_000)` problems in batches of 5,000 (raw executemany), with co-units on every
    tenth and a milestone on every third — no services, no clocks (benchmark volume)."""
    n = scale.n(100_000)
    if n <= 0:
        return {"problems": 0}
    services.ensure_categories()
    rng = ctx.rng
    units = list(
        Unit.objects.filter(
            kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWN], is_active=True
        ).values_list("pk", flat=True)
    )
    if not units:
        return {"problems": 0}
    by_code = dict(Unit.objects.filter(pk__in=units).values_list("code", "pk"))
    # each description goes to the units its subject belongs to (any unit when none exists)
    owners = {
        subject: [by_code[c] for c in owners_of(subject) if c in by_code] or units
        for subject in SUBJECTS
    }
    categories = list(Category.objects.values_list("pk", flat=True))
    supervisor_id = (
        User.objects.filter(role_assignments__role="supervisor")
        .values_list("pk", flat=True)
        .first()
    )
    now = timezone.now()
    today = timezone.localdate()
    # a few dozen deadlines computed once with the working calendar
    deadlines = [
        calendar.end_of_day(calendar.add_working_days(today, k)) for k in range(-40, 80, 3)
    ]
    statuses = (
        [t.ASSIGNED] * 15
        + [t.CLAIMED] * 15
        + [t.RECTIFYING] * 35
        + [t.CLOSURE_REQUESTED] * 8
        + [t.CLOSED] * 25
        + [t.REOPENED] * 2
    )
    sources = Problem.Source.values
    severities = ["normal", "normal", "serious", "major"]
    year = today.year
    made = 0
    batch = 5000
    while made < n:
        size = min(batch, n - made)
        with transaction.atomic():
            numbers = numbering.problem_numbers(year, size)
            last_id = Problem.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            rows = []
            for k in range(size):
                status = rng.choice(statuses)
                deadline = rng.choice(deadlines)
                _cat, desc, measures, _ms, subject = PROBLEMS[rng.randrange(len(PROBLEMS))]
                created = now - dt.timedelta(days=rng.randrange(1, 200), minutes=rng.randrange(600))
                closed = status == t.CLOSED
                rows.append(
                    (
                        numbers[k],
                        rng.choice(sources),
                        "",
                        "",
                        desc,
                        rng.choice(categories),
                        rng.choice(owners[subject]),
                        rng.choice(LEADERS["department"]),
                        None,
                        rng.choice(severities),
                        measures,
                        status,
                        deadline,
                        status in t.OPEN and deadline < now,
                        100 if closed else rng.randrange(0, 100, 10),
                        "按计划推进" if status != t.ASSIGNED else "",
                        False,
                        "",
                        False,
                        "",
                        "",
                        supervisor_id,
                        created,
                        now,
                        created + dt.timedelta(days=2) if status != t.ASSIGNED else None,
                        created + dt.timedelta(days=20) if closed else None,
                        None,
                        None,
                    )
                )
            _insert_many(Problem, PROBLEM_COLUMNS, rows)
            new = list(
                Problem.objects.filter(pk__gt=last_id)
                .order_by("pk")
                .values_list("pk", "status", "owner_unit_id")
            )
            co = [
                (pk, rng.choice([u for u in units if u != owner] or units))
                for pk, _s, owner in new[::10]
            ]
            _insert_many(ProblemCoUnit, ["problem_id", "unit_id"], co)
            ms = [
                (
                    pk,
                    "制定整改方案",
                    rng.choice(deadlines),
                    now if status == t.CLOSED else None,
                    "",
                    False,
                    0,
                )
                for pk, status, _o in new[::3]
            ]
            _insert_many(
                Milestone,
                ["problem_id", "title", "due_at", "done_at", "note", "overdue", "order"],
                ms,
            )
        made += size
        ctx.log(f"    supervision: {made}/{n}")
    return {"problems": made}
