"""Demo cases: the demo logins' cases in every state a person meets first (data/cases/demo.yaml,
made through the case services), and a county-year generator for the benchmarks (rows written
in bulk with precomputed numbers and due dates; the numbers continue the numbering series)."""

import datetime as dt
from dataclasses import replace

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from yingshang import numbering
from yingshang.demo.registry import load_yaml
from yingshang.workcal import calendar

PDF = b"%PDF-1.4\n% yingshang demo\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯佳欣怡"


def person_name(i: int) -> str:
    """A plausible Chinese name for generated applicant number i (deterministic, varied)."""
    name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]
    return name + GIVEN[(i * 13 + 5) % len(GIVEN)] if i % 3 else name


def _series(day: dt.date) -> str:
    return f"case:{day.isoformat()}"  # numbering.case_number's series


def _files(materials, skip=()):
    return {
        m["key"]: [ContentFile(PDF, name=f"{m['key']}.pdf")]
        for m in materials
        if m["key"] not in skip
    }


def _form(fields, user, shop="老街面馆", defaults=None):
    """An application form as a person fills it: the profile first, then plausible values."""
    from yingshang.cases.selectors import prefill

    defaults = defaults or load_yaml("cases", "demo.yaml")["form_defaults"]
    data = prefill(fields, user, previous={})
    for f in fields:
        if f["key"] in data:
            continue
        kind = f.get("field_type")
        if kind == "choice" and f.get("choices"):
            data[f["key"]] = f["choices"][0]
        elif kind == "phone":
            data[f["key"]] = user.mobile or defaults["phone"]
        else:
            data[f["key"]] = defaults.get(kind, shop)
    return data


def load_demo(ctx) -> None:
    from yingshang.cases import selectors, services
    from yingshang.cases.models import Case
    from yingshang.catalog.models import Matter, Package
    from yingshang.org.models import User, Window

    data = load_yaml("cases", "demo.yaml")
    who = data["people"]
    for window in Window.objects.filter(is_active=True):
        services.slots_ensure(window=window, days=10)
    names = [who["applicant"], who["firm"], who["clerk"], *who["others"]]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if Case.objects.filter(applicant__username__in=[who["applicant"], who["firm"]]).exists():
        ctx.log("    demo cases exist")
        return
    if len(users) < 4:
        ctx.log("    demo users missing; no demo cases")
        return
    matter = (
        Matter.objects.filter(base_code=data["matter"], current_version__isnull=False).first()
        or Matter.objects.filter(current_version__isnull=False).first()
    )
    package = Package.objects.filter(code=data["package"]).first()
    if matter is None:
        return
    clerk, zhang, firm = users[who["clerk"]], users[who["applicant"]], users[who["firm"]]
    version = matter.current_version
    fields = selectors.form_fields_for(version=version)
    materials = selectors.materials_for(version=version)
    deficit_key = next(
        (m["key"] for m in materials if m["deficit_allowed"] and m["required"]), None
    )
    now = timezone.now()
    start = calendar.end_of_day(calendar.add_working_days(timezone.localdate(), -3)) - dt.timedelta(
        hours=7
    )
    defaults = data["form_defaults"]

    def submit(user, at, skip=(), **kw):
        return services.case_submit(
            actor=user,
            matter=matter,
            form_data=_form(fields, user, data["shop"], defaults),
            files=_files(materials, skip),
            channel="online",
            at=at,
            **kw,
        )

    recent = now - dt.timedelta(hours=2)
    if not calendar.get_calendar().is_workday(calendar.local_date(recent)):
        # online cases do arrive at weekends, but the demo keeps its history on working days
        last_workday = calendar.add_working_days(timezone.localdate(), -1)
        recent = dt.datetime.combine(last_workday, dt.time(15, 30), calendar.TZ)
    with transaction.atomic():
        submit(zhang, recent)  # waiting for intake
        c = submit(zhang, start)  # awaiting correction
        services.case_request_correction(
            actor=clerk, case=c, items=data["correction_items"], at=start + dt.timedelta(hours=1)
        )
        if deficit_key:
            c = submit(zhang, start, skip=(deficit_key,), deficit_sign=True)  # 容缺, open
            services.case_accept_with_deficit(
                actor=clerk, case=c, at=start + dt.timedelta(minutes=30)
            )
        done = submit(zhang, start)
        services.case_accept(actor=clerk, case=done, at=start + dt.timedelta(minutes=20))
        handler = User.objects.filter(
            role_assignments__unit_id=matter.unit_id,
            role_assignments__role__in=["dept_handler", "dept_head"],
        ).first()
        if handler is not None:
            services.case_decide(
                actor=handler, case=done, decision="approved", at=start + dt.timedelta(days=1)
            )
            decided = submit(firm, start)
            services.case_accept(actor=clerk, case=decided, at=start + dt.timedelta(minutes=40))
            services.case_decide(
                actor=handler, case=decided, decision="approved", at=start + dt.timedelta(days=1)
            )
            services.case_deliver(
                actor=clerk,
                case=done,
                method="window_pickup",
                at=start + dt.timedelta(days=1, hours=1),
            )
            services.case_close(actor=clerk, case=done, at=start + dt.timedelta(days=1, hours=1))
        if package is not None:
            pfields = selectors.form_fields_for(package=package)
            pmaterials = selectors.materials_for(package=package)
            c = services.case_submit(
                actor=firm,
                package=package,
                form_data=_form(pfields, firm, data["package_shop"], defaults),
                files=_files(pmaterials),
                channel="online",
                at=start,
            )
            services.case_accept(actor=clerk, case=c, at=start + dt.timedelta(minutes=50))
    count = Case.objects.filter(applicant__username__in=[who["applicant"], who["firm"]]).count()
    ctx.log(f"    {count} demo cases")


class _Inserter:
    """Multi-row INSERTs with values prepared once per column (the ORM's bulk_create spends most
    of its time compiling per-value SQL; a county-year must load in well under 3 minutes)."""

    def __init__(self, model):
        from django.db import connection, models

        self.model = model
        self.connection = connection
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.names = [f.attname for f in fields]
        self.columns = [f.column for f in fields]
        self.json_names = [f.attname for f in fields if isinstance(f, models.JSONField)]
        cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        self.head = (
            f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({cols}) VALUES "  # noqa: S608
        )
        self.one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        # one statement per chunk: PostgreSQL allows 65535 parameters, SQLite (≥ 3.32) 32766
        self.chunk = max(1, min(1000, 30000 // len(fields)))
        ops = connection.ops
        conv = []
        for f in fields:
            if isinstance(f, models.DateTimeField):
                conv.append(ops.adapt_datetimefield_value)
            elif isinstance(f, models.JSONField):
                conv.append(lambda v, _f=f: _f.get_db_prep_save(v, connection))
            else:
                conv.append(None)
        self.conv = conv

    def _copy(self, rows: list[dict]) -> None:
        """PostgreSQL: COPY … FROM STDIN (psycopg 3), JSON as text."""
        import json

        json_cols = set(self.json_names)
        cols = ", ".join(self.connection.ops.quote_name(c) for c in self.columns)
        table = self.connection.ops.quote_name(self.model._meta.db_table)
        with (
            self.connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(
                    [
                        json.dumps(row[n], ensure_ascii=False) if n in json_cols else row[n]
                        for n in self.names
                    ]
                )

    def insert(self, rows: list[dict]) -> None:
        if self.connection.vendor == "postgresql":
            self._copy(rows)
            return
        conv = self.conv
        names = self.names
        values = [
            tuple(
                row[n] if c is None or row[n] is None else c(row[n])
                for n, c in zip(names, conv, strict=True)
            )
            for row in rows
        ]
        with self.connection.cursor() as cursor:
            for i in range(0, len(values), self.chunk):
                part = values[i : i + self.chunk]
                cursor.execute(
                    self.head + ", ".join([self.one] * len(part)), [v for row in part for v in row]
                )


def history(ctx) -> None:
    """The demo county's last three months of cases (registry.HISTORY), made once per database
    with the generator below: many matters, every outcome, clocks from the work calendar."""
    from yingshang.demo.registry import HISTORY, history_made, mark_history_made

    if history_made("cases"):
        return  # idempotent: made once per database
    with transaction.atomic():
        made = generate(replace(ctx, rng=ctx.rng_for("cases")), HISTORY["cases"])
        mark_history_made("cases")
    ctx.log(f"    {made['cases']} cases, {made['approval_tasks']} package tasks in 3 months")


def generate(ctx, scale) -> dict:
    """`scale.n(200_000)` cases over the past `scale.days` days, bulk-created with precomputed numbers, due
    dates (from the work calendar) and outcomes; package cases get their parallel tasks."""
    from yingshang.cases.models import ApprovalTask, Case, Channel
    from yingshang.catalog.models import Matter, Package
    from yingshang.numbering.models import Counter
    from yingshang.org.models import Unit, User, Window

    total = scale.n(200_000)
    if total <= 0:
        return {"cases": 0}
    rng = ctx.rng
    cal = calendar.get_calendar()
    matters = list(
        Matter.objects.filter(is_active=True, current_version__isnull=False)
        .select_related("current_version")
        .values_list(
            "pk",
            "unit_id",
            "current_version_id",
            "current_version__name",
            "current_version__handling_kind",
            "current_version__legal_limit_days",
            "current_version__promised_limit_days",
            "current_version__max_visits",
        )
    )
    if not matters:
        ctx.log("    no catalogue: no cases generated")
        return {"cases": 0}
    packages = []
    for p in Package.objects.filter(is_active=True):
        members = list(
            p.members.select_related("matter__current_version").filter(
                matter__current_version__isnull=False
            )
        )
        if members:
            packages.append(
                (
                    p,
                    [
                        (
                            m.matter_id,
                            m.matter.unit_id,
                            m.matter.current_version_id,
                            m.matter.current_version.name,
                            m.matter.current_version.promised_limit_days,
                            m.matter.current_version.legal_limit_days,
                        )
                        for m in members
                    ],
                )
            )
    centre = Unit.objects.filter(kind=Unit.Kind.CENTRE).order_by("id").first()
    window = Window.objects.filter(hall=centre).order_by("number").first() if centre else None
    clerk = window.clerk if window else None

    # applicants: a pool of generated citizens (unusable passwords), reused across runs
    pool_size = max(200, min(20_000, total // 10))
    have = User.objects.filter(username__startswith="gen_applicant_").count()
    if have < pool_size:
        User.objects.bulk_create(
            [
                User(
                    username=f"gen_applicant_{i:06d}",
                    kind=User.Kind.PERSON,
                    real_name=person_name(i),
                    password="!",
                )
                for i in range(have, pool_size)
            ],
            batch_size=2000,
        )
    applicants = list(
        User.objects.filter(username__startswith="gen_applicant_").values_list("pk", "real_name")[
            :pool_size
        ]
    )

    today = timezone.localdate()
    first_day = today - dt.timedelta(days=scale.days)
    workdays = cal.working_days_in(first_day, today - dt.timedelta(days=1)) or [today]
    # numbers continue each day's series (yingshang.numbering); the counters are moved on below
    taken = dict(Counter.objects.filter(series__startswith="case:").values_list("series", "last"))
    counters = {d: taken.get(_series(d), 0) for d in workdays}
    added: dict[dt.date, int] = {}
    due_cache: dict[tuple, dt.datetime] = {}

    def due(day: dt.date, days: int) -> dt.datetime:
        key = (day, days)
        if key not in due_cache:
            due_cache[key] = calendar.end_of_day(cal.add_working_days(day, max(days, 1)))
        return due_cache[key]

    now = timezone.now()
    made = 0
    batch: list[dict] = []
    task_specs: list[
        tuple[str, dt.datetime, dt.datetime | None, int, list]
    ] = []  # number, accepted, decided, limit, members
    tasks_made = 0
    case_insert = _Inserter(Case)
    task_insert = _Inserter(ApprovalTask)

    def flush():
        nonlocal made, tasks_made
        if not batch:
            return
        case_insert.insert(batch)
        made += len(batch)
        if task_specs:
            pks = dict(
                Case.objects.filter(number__in=[t[0] for t in task_specs]).values_list(
                    "number", "pk"
                )
            )
            rows = []
            for number, accepted_at, decided_at, limit, members in task_specs:
                for matter_id, unit_id, version_id, name, promised, _legal in members:
                    d = due(calendar.local_date(accepted_at), min(promised or 1, limit or 1))
                    finished = decided_at is not None
                    rows.append(
                        {
                            "case_id": pks[number],
                            "unit_id": unit_id,
                            "matter_id": matter_id,
                            "matter_version_id": version_id,
                            "title": name,
                            "kind": "approval",
                            "status": "done" if finished else "pending",
                            "limit_days": promised or 1,
                            "due_at": d,
                            "decided_at": decided_at if finished else None,
                            "decision": "approved" if finished else "",
                            "late": bool(finished and decided_at > d),
                            "clock_state": "stopped"
                            if finished
                            else ("overdue" if d < now else "running"),
                            "opinion": "",
                            "created_at": accepted_at,
                            "decided_by_id": None,
                        }
                    )
            task_insert.insert(rows)
            tasks_made += len(rows)
        batch.clear()
        task_specs.clear()

    centre_id = centre.pk if centre else None
    window_id = window.pk if window else None
    clerk_id = clerk.pk if clerk else None
    deficit_items = [{"key": "floor_plan", "name": "经营场所平面图"}]
    for _i in range(total):
        day = workdays[int(len(workdays) * (rng.random() ** 0.8)) if len(workdays) > 1 else 0]
        seq = counters.get(day, 0) + 1
        counters[day] = seq
        added[day] = added.get(day, 0) + 1
        received = dt.datetime.combine(
            day, dt.time(9 + rng.randrange(8), rng.randrange(60)), calendar.TZ
        )
        applicant_id, applicant_name = applicants[rng.randrange(len(applicants))]
        is_package = packages and rng.random() < 0.05
        if is_package:
            package, members = packages[rng.randrange(len(packages))]
            matter_id = version_id = None
            unit_id, title = package.lead_unit_id, package.name
            legal = max(m[5] for m in members)
            promised = min(package.promised_limit_days, legal)
            kind, visits_max = "promised", 1
            package_id = package.pk
        else:
            matter_id, unit_id, version_id, title, kind, legal, promised, visits_max = matters[
                rng.randrange(len(matters))
            ]
            package_id = None
        r = rng.random()
        channel = Channel.ONLINE if r < 0.55 else Channel.WINDOW if r < 0.9 else Channel.MOBILE_API
        age = cal.working_days_between(day, today)
        outcome = rng.random()
        instant = kind == "instant"
        used = (
            0
            if instant
            else min(int(rng.triangular(0, (legal or 5) * 1.1, max(promised, 1) * 0.4)), 60)
        )
        status, closure, decision, late = "closed", "completed", "approved", False
        accepted = received + dt.timedelta(minutes=rng.randrange(5, 120))
        decided_day = cal.add_working_days(day, used) if used else day
        if outcome < 0.02:
            status, closure, decision = "closed", "withdrawn", ""
        elif outcome < 0.035:
            status, closure, decision = "closed", "rejected_intake", ""
        elif age <= used or outcome > 0.97:
            status, closure, decision = ("in_review" if rng.random() < 0.7 else "accepted"), "", ""
        elif age <= used + 2:
            status, closure = ("decided" if rng.random() < 0.5 else "delivered"), ""
        if decision == "approved" and rng.random() < 0.04:
            decision = "not_approved"
        accepted_at = accepted if closure not in ("withdrawn", "rejected_intake") else None
        due_at = due(day, promised) if accepted_at else None
        decided_at = None
        if decision:
            decided_at = dt.datetime.combine(
                decided_day, dt.time(15, rng.randrange(60)), calendar.TZ
            )
            late = decided_at > due_at
        open_ = status in ("accepted", "in_review")
        has_deficit = accepted_at is not None and rng.random() < 0.06
        number = f"YS{day:%Y%m%d}{seq:06d}"
        batch.append(
            {
                "number": number,
                "title": title,
                "matter_id": matter_id,
                "matter_version_id": version_id,
                "package_id": package_id,
                "applicant_id": applicant_id,
                "firm_id": None,
                "applicant_name": applicant_name,
                "contact_phone": "",
                "form_data": {},
                "materials": [],
                "member_versions": {},
                "channel": channel,
                "status": status,
                "decision": decision,
                "decision_reasons": "",
                "closure_kind": closure,
                "closure_reason": "",
                "unit_id": unit_id,
                "centre_id": centre_id,
                "window_id": window_id if channel == Channel.WINDOW else None,
                "received_by_id": clerk_id if channel == Channel.WINDOW else None,
                "first_responder_id": clerk_id,
                "assistant_id": None,
                "handling_kind": kind,
                "legal_limit_days": legal,
                "promised_limit_days": promised,
                "max_visits": visits_max,
                "visits": (1 if channel == Channel.WINDOW else 0)
                + (1 if rng.random() < 0.15 else 0),
                "received_at": received,
                "accepted_at": accepted_at,
                "deemed_accepted": False,
                "decided_at": decided_at,
                "delivered_at": decided_at
                if status in ("delivered", "closed") and decided_at
                else None,
                "closed_at": (decided_at or received) if status == "closed" else None,
                "due_at": due_at,
                "clock_state": ("overdue" if due_at and due_at < now else "running")
                if open_
                else ("stopped" if accepted_at else ""),
                "late": late,
                "working_days_used": used if decided_at else None,
                "correction_count": 1 if rng.random() < 0.08 else 0,
                "has_deficit": has_deficit,
                "deficit_open": has_deficit and open_,
                "deficit_items": deficit_items if has_deficit else [],
                "deficit_due_at": due_at if has_deficit else None,
                "deficit_signed_text_id": None,
                "deficit_signed_at": None,
                "certificate_keys": [],
                "certificate_signed_text_id": None,
                "created_at": received,
                "updated_at": now,
            }
        )
        if is_package and accepted_at:
            task_specs.append((number, accepted_at, decided_at, promised, members))
        if len(batch) >= 10_000:
            flush()
            ctx.log(f"    … {made} cases")
    flush()
    for day, count in added.items():
        numbering.take(_series(day), count)
    from yingshang.cases import rollup

    rollup.invalidate()  # bulk-created without services: the statistics recount everything
    return {"cases": made, "approval_tasks": tasks_made}
