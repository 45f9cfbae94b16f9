"""Issue 24, data at city scale (PostgreSQL): a city-year — 10M work orders, 3M cases, 5M
ratings, 30M audit events across the city's counties — and
- one county's monthly hotline KPIs (kpis.compute over the county supervisor's scope) < 1 s, the
  whole city's (the city leader's scope) < 10 s;
- staff queue pages at that volume (a department's hotline queue, a department's case queue and
  the work-order list of a county's supervisor) p95 < 300 ms, 10 clients, 2 gunicorn workers;
- the nightly incremental audit verification of a day's events (100,000 after the last
  checkpoint) < 2 s, and the checkpoint job over them (verify + signed line).

How the volume is made — in SQL on the server (INSERT … SELECT, COPY speed), not row by row:
1. `yingshang demo --city --no-history`; the demo generators make the template records in 示范县:
   50,000 work orders over twelve months (hotline generator) and 30,000 cases (cases generator);
2. nine more counties made through the org services with 示范县's unit tree (the city then has
   eleven: 示范县, 示范二县 and these nine);
3. the templates copied × generate_series: each copy belongs to one county (its unit columns
   mapped to that county's units), numbers made unique, all its times moved back by under an
   hour, ids given explicitly so a copy's return requests and approval tasks point at the same
   copy's orders and cases. During the load the tables' secondary indexes are dropped and their
   triggers (foreign-key checks) disabled, then the indexes are built again and the tables
   analysed — as a bulk load is done;
4. ratings in SQL from the rated orders and the decided cases (one per order / case);
5. 30M audit events: filler rows in SQL (hash-shaped values, not a chain: a full verify would
   stop at the first of them) up to a signed checkpoint at their head, then a day's 100,000
   events chained after it with the app's own event MAC (COPY), as the nightly job finds them.

YS_BENCH_VOLUME scales every volume (a trial run: 0.01).
"""

import datetime as dt
import json
import math
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

NAME = "city"
ORDERS = 10_000_000
CASES = 3_000_000
RATINGS = 5_000_000
AUDIT_EVENTS = 30_000_000
DAY_EVENTS = 100_000
TEMPLATE_ORDERS = 50_000
TEMPLATE_CASES = 30_000
CLONES = 9  # counties made like 示范县
TARGET_KPI_COUNTY_S = 1.0
TARGET_KPI_CITY_S = 10.0
TARGET_PAGE_P95 = 300
TARGET_VERIFY_S = 2.0
PAGE_CONNECTIONS = 10
PAGE_SECONDS = 15
CLONE_NAMES = "三四五六七八九十甲"


def log_step(result: dict, key: str, started: float, **extra) -> None:
    result.setdefault("load", {})[key] = {
        "seconds": round(time.perf_counter() - started, 1),
        **extra,
    }
    common.log(f"  {key}: {result['load'][key]}")


# -- counties -------------------------------------------------------------------------------


def make_counties() -> dict[int, dict[int, int]]:
    """CLONES more counties under the city with 示范县's units (through the org services); returns
    {k: {unit id in 示范县: unit id in county k}} for k = 1…CLONES."""
    import copy

    from yingshang.demo.loaders.org import _admin, _units
    from yingshang.demo.registry import load_yaml
    from yingshang.org.models import Unit

    admin = _admin()
    city = Unit.objects.get(code="city")
    base = load_yaml("org", "units.yaml")
    first = {
        u.code: u.pk for u in Unit.objects.filter(tenant=Unit.objects.get(code="county").tenant)
    }
    maps = {}
    for k in range(1, CLONES + 1):
        data = copy.deepcopy(base)
        suffix = f"-c{k}"
        name = f"示范{CLONE_NAMES[k - 1]}县"

        def renamed(entry: dict, k=k, suffix=suffix, name=name) -> None:
            entry["code"] = entry["code"] + suffix
            for field in ("name", "short_name", "address"):
                if entry.get(field):
                    entry[field] = entry[field].replace("示范县", name)
            if entry.get("region_code"):
                entry["region_code"] = f"1399{k:02d}000000"
            for section in entry.get("sections", []):
                renamed(section)

        renamed(data["county"])
        renamed(data["centre"])
        for entry in data["departments"] + data.get("towns", []):
            renamed(entry)
        units = _units(admin, data, parent=city)
        maps[k] = {
            first[code[: -len(suffix)]]: unit.pk
            for code, unit in units.items()
            if code.endswith(suffix) and code[: -len(suffix)] in first
        }
    return maps


def write_unit_map(cursor, maps: dict[int, dict[int, int]]) -> None:
    cursor.execute("CREATE UNLOGGED TABLE bench_unit_map (k int, src bigint, dst bigint)")
    rows = [(k, src, dst) for k, m in maps.items() for src, dst in m.items()]
    with cursor.cursor.copy("COPY bench_unit_map (k, src, dst) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)
    cursor.execute("CREATE INDEX ON bench_unit_map (k, src)")
    cursor.execute("ANALYZE bench_unit_map")


# -- bulk load mechanics ----------------------------------------------------------------------


class BulkLoad:
    """Secondary indexes and unique constraints of `tables` dropped and triggers disabled for
    the load; built again (in parallel where PostgreSQL can) and analysed after."""

    def __init__(self, cursor, tables: list[str]):
        self.cursor = cursor
        self.tables = tables
        self.indexes: list[str] = []
        self.constraints: list[tuple[str, str, str]] = []

    def __enter__(self):
        c = self.cursor
        for table in self.tables:
            c.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'u'",
                [table],
            )
            for name, definition in c.fetchall():
                self.constraints.append((table, name, definition))
                c.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            c.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)",
                [table],
            )
            for name, definition in c.fetchall():
                self.indexes.append(definition)
                c.execute(f'DROP INDEX "{name}"')
            c.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        return self

    def __exit__(self, *exc):
        c = self.cursor
        c.execute("SET maintenance_work_mem = '1GB'")
        c.execute("SET max_parallel_maintenance_workers = 2")
        for table in self.tables:
            c.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")
        for table, name, definition in self.constraints:
            c.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for definition in self.indexes:
            c.execute(definition)
        for table in self.tables:
            c.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
            c.execute(f"VACUUM ANALYZE {table}")
        return False


def copy_sql(
    model,
    *,
    copies: int,
    top: int,
    span: int,
    counties: int,
    numbers: tuple[str, ...] = (),
    shifted: dict[str, int] | None = None,
    where: str = "TRUE",
    order: str = "",
) -> str:
    """INSERT … SELECT of the rows id ≤ top of `model` `copies` times: copy c gets id + c·span,
    the units of county c mod `counties` (bench_unit_map; county 0 is 示范县 itself), its number
    with "-c" appended, its times moved back by (c·37 mod 3600) s, and the columns of `shifted`
    (a foreign key to a copied table: column → that table's span) moved to the same copy; with
    `order` (a time column) the rows go in in that time's order, as a year of records fills a
    table (a month's rows lie together on disk, not spread over the whole table)."""
    shifted = shifted or {}
    table = model._meta.db_table
    joins, select, cols = [], ["t.id + c * %d" % span], ["id"]
    for f in model._meta.concrete_fields:
        if f.column == "id":
            continue
        col = f.column
        cols.append(col)
        if col in shifted:
            select.append(f"t.{col} + c * {shifted[col]}")
        elif f.is_relation and f.related_model._meta.label == "org.Unit":
            alias = f"m_{col}"
            joins.append(
                f"LEFT JOIN bench_unit_map {alias} ON {alias}.k = c % {counties} "
                f"AND {alias}.src = t.{col}"
            )
            select.append(f"COALESCE({alias}.dst, t.{col})")
        elif col in numbers:
            # unique per copy (an empty external number stays empty)
            select.append(f"CASE WHEN t.{col} = '' THEN '' ELSE t.{col} || '-' || c END")
        elif f.get_internal_type() == "DateTimeField":
            select.append(f"t.{col} - make_interval(secs => (c * 37) % 3600)")
        else:
            select.append(f"t.{col}")
    return (
        f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(select)} "
        f"FROM {table} t CROSS JOIN generate_series(1, {copies}) AS c {' '.join(joins)} "
        f"WHERE t.id <= {top} AND {where}"
        + (f" ORDER BY t.{order} - make_interval(secs => (c * 37) % 3600)" if order else "")
    )


def top_and_span(cursor, table: str) -> tuple[int, int]:
    cursor.execute(f"SELECT max(id) FROM {table}")
    top = cursor.fetchone()[0] or 0
    return top, 10 ** (len(str(top)))


def grow(result: dict, *, orders: int, cases: int, counties: int) -> None:
    from django.db import connection

    from yingshang.cases.models import ApprovalTask, Case
    from yingshang.hotline.models import ReturnRequest, WorkOrder

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hotline_workorder")
        have_orders = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM cases_case")
        have_cases = cursor.fetchone()[0]
        order_copies = max(0, math.ceil(orders / have_orders) - 1)
        case_copies = max(0, math.ceil(cases / have_cases) - 1)
        o_top, o_span = top_and_span(cursor, "hotline_workorder")
        c_top, c_span = top_and_span(cursor, "cases_case")
        tables = [
            "hotline_workorder",
            "hotline_returnrequest",
            "cases_case",
            "cases_approvaltask",
        ]
        started = time.perf_counter()
        with BulkLoad(cursor, tables):
            t = time.perf_counter()
            cursor.execute(
                copy_sql(
                    WorkOrder,
                    copies=order_copies,
                    top=o_top,
                    span=o_span,
                    counties=counties,
                    numbers=("number", "external_number"),
                    shifted={"merged_into_id": o_span},
                    order="registered_at",
                )
            )
            log_step(result, "work_orders", t, copies=order_copies)
            t = time.perf_counter()
            r_top, r_span = top_and_span(cursor, "hotline_returnrequest")
            if r_top:
                cursor.execute(
                    copy_sql(
                        ReturnRequest,
                        copies=order_copies,
                        top=r_top,
                        span=r_span,
                        counties=counties,
                        shifted={"order_id": o_span},
                        order="returned_at",
                    )
                )
            log_step(result, "return_requests", t)
            t = time.perf_counter()
            cursor.execute(
                copy_sql(
                    Case,
                    copies=case_copies,
                    top=c_top,
                    span=c_span,
                    counties=counties,
                    numbers=("number",),
                    order="created_at",
                )
            )
            log_step(result, "cases", t, copies=case_copies)
            t = time.perf_counter()
            a_top, a_span = top_and_span(cursor, "cases_approvaltask")
            if a_top:
                cursor.execute(
                    copy_sql(
                        ApprovalTask,
                        copies=case_copies,
                        top=a_top,
                        span=a_span,
                        counties=counties,
                        shifted={"case_id": c_span},
                        order="created_at",
                    )
                )
            log_step(result, "approval_tasks", t)
            t = time.perf_counter()
        log_step(result, "indexes_built", t)
        result["load"]["grow_seconds"] = round(time.perf_counter() - started, 1)


def ratings(result: dict, total: int) -> None:
    """One rating per rated order (满意 → 5 or 4, 不满意 → 2 or 1) and per delivered case, in SQL."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM ratings_ratingscheme ORDER BY id LIMIT 1")
        scheme = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM ratings_rating")
        have = cursor.fetchone()[0]
        room = max(0, total - have)
        from_orders = room * 7 // 10
        started = time.perf_counter()
        common_cols = (
            "level, is_bad, scheme_id, dimensions, problems, comment, channel, point, anonymous, "
            "rater_phone, excluded, created_at, unit_id"
        )
        with BulkLoad(cursor, ["ratings_rating"]):
            cursor.execute(
                f"INSERT INTO ratings_rating ({common_cols}, work_order_id) "
                "SELECT CASE WHEN o.satisfied THEN 4 + (o.id %% 2) ELSE 1 + (o.id %% 2) END, "
                "NOT o.satisfied, %s, '{}', '[]', '', 'hotline_callback', 'workorder', false, "
                "'', false, COALESCE(o.callback_at, o.replied_at, o.registered_at), o.main_unit_id, "
                "o.id FROM hotline_workorder o WHERE o.satisfied IS NOT NULL "
                "AND o.main_unit_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ratings_rating r "
                "WHERE r.work_order_id = o.id) LIMIT %s",
                [scheme, from_orders],
            )
            made_orders = cursor.rowcount
            cursor.execute(
                f"INSERT INTO ratings_rating ({common_cols}, case_id, matter_id) "
                "SELECT 3 + (c.id %% 3), c.id %% 3 = 0 AND c.id %% 7 = 0, %s, '{}', '[]', '', "
                "'sms', 'deliver', false, '', false, COALESCE(c.delivered_at, c.decided_at), "
                "c.unit_id, c.id, c.matter_id FROM cases_case c WHERE c.decided_at IS NOT NULL "
                "AND NOT EXISTS (SELECT 1 FROM ratings_rating r WHERE r.case_id = c.id "
                "AND r.point = 'deliver') LIMIT %s",
                [scheme, room - made_orders],
            )
            made_cases = cursor.rowcount
            t = time.perf_counter()
        log_step(
            result,
            "ratings",
            started,
            from_orders=made_orders,
            from_cases=made_cases,
            index_seconds=round(time.perf_counter() - t, 1),
        )


# -- audit events ----------------------------------------------------------------------------


def audit_filler(result: dict, total: int, day: int) -> dict:
    """Filler events up to `total - day`, a signed checkpoint at their head, then `day` chained
    events of today after it (COPY, the app's event MAC)."""
    from django.db import connection
    from django.utils import timezone

    from yingshang.audit import checkpoints, keys
    from yingshang.audit.chain import event_mac
    from yingshang.audit.verify import verify_returns

    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(seq), count(*) FROM audit_auditevent")
        head, have = cursor.fetchone()
        head = head or 0
        filler = max(0, total - day - have)
        cursor.execute("SELECT id FROM org_user WHERE is_staff OR TRUE ORDER BY id LIMIT 50")
        actors = [r[0] for r in cursor.fetchall()]
        started = time.perf_counter()
        year_ago = now - dt.timedelta(days=365)
        with BulkLoad(cursor, ["audit_auditevent"]):
            cursor.execute(
                "INSERT INTO audit_auditevent (seq, created_at, actor_id, actor_name, role, "
                "unit_id, action, object_type, object_id, changes, reason, ip, prev_hash, hash, "
                "scheme) SELECT s, %s + (s - %s) * (interval '364 days' / %s), "
                "(%s::bigint[])[1 + s %% %s], '经办人', 'dept_handler', NULL, "
                "(ARRAY['order.sign','order.reply','case.accept','case.approve','rating.submit'])"
                "[1 + s %% 5], (ARRAY['hotline.workorder','hotline.workorder','cases.case',"
                "'cases.case','ratings.rating'])[1 + s %% 5], (s %% 9000000)::text, "
                "'{\"status\": [\"a\", \"b\"]}', '', '10.12.0.1', "
                "md5((s - 1)::text) || md5((s - 1)::text), md5(s::text) || md5(s::text), 2 "
                "FROM generate_series(%s, %s) AS s",
                [year_ago, head, max(filler, 1), actors, len(actors), head + 1, head + filler],
            )
            t = time.perf_counter()
        log_step(
            result,
            "audit_filler",
            started,
            events=filler,
            index_seconds=round(time.perf_counter() - t, 1),
        )
        cursor.execute("SELECT seq, hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1")
        cp_seq, cp_hash = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM audit_auditevent")
        cp_count = cursor.fetchone()[0]
        cursor.execute("SELECT min(seq) FROM audit_auditevent WHERE scheme = 2")
        keyed_from = cursor.fetchone()[0]
    returns = verify_returns()
    cp = checkpoints.Checkpoint(
        seq=cp_seq,
        head=cp_hash,
        count=cp_count,
        returns_seq=returns.head_rseq,
        returns_head=returns.head_mac,
        keyed_from=keyed_from,
        at=(now - dt.timedelta(days=1)).astimezone(dt.UTC).isoformat(timespec="seconds"),
        key_id=keys.key_id(),
    )
    cp.mac = cp.compute_mac()
    folder = checkpoints.directory()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / checkpoints.FILENAME).write_text(cp.line() + "\n", encoding="utf-8")

    # today's events, chained after the checkpoint's head
    started = time.perf_counter()
    rng = random.Random(24)
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    columns = (
        "seq, created_at, actor_id, actor_name, role, unit_id, action, object_type, object_id, "
        "changes, reason, ip, prev_hash, hash, scheme"
    )
    prev = cp_hash
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as cp_in,
    ):
        span = max(1.0, (now - start_of_day).total_seconds() - 1)
        for i in range(day):
            seq = cp_seq + 1 + i
            created_at = start_of_day + dt.timedelta(seconds=span * i / day)
            actor = actors[rng.randrange(len(actors))]
            action, object_type = rng.choice(
                [
                    ("order.sign", "hotline.workorder"),
                    ("order.reply", "hotline.workorder"),
                    ("case.accept", "cases.case"),
                    ("rating.submit", "ratings.rating"),
                ]
            )
            object_id = str(rng.randint(1, 9_000_000))
            changes = {"status": ["a", "b"]}
            h = event_mac(
                seq=seq,
                created_at=created_at,
                actor_id=actor,
                actor_name="经办人",
                role="dept_handler",
                unit_id=None,
                action=action,
                object_type=object_type,
                object_id=object_id,
                changes=changes,
                reason="",
                ip="10.12.0.2",
                prev_hash=prev,
            )
            cp_in.write_row(
                (
                    seq,
                    created_at,
                    actor,
                    "经办人",
                    "dept_handler",
                    None,
                    action,
                    object_type,
                    object_id,
                    json.dumps(changes),
                    "",
                    "10.12.0.2",
                    prev,
                    h,
                    2,
                )
            )
            prev = h
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), (SELECT max(id) FROM audit_auditevent))"
        )
    log_step(result, "audit_day", started, events=day)
    return {"checkpoint_seq": cp_seq, "checkpoint_hash": cp_hash}


def measure_verify(after: dict) -> dict:
    from yingshang.audit import checkpoints
    from yingshang.audit.verify import verify_chain

    runs = []
    for _ in range(3):
        t = time.perf_counter()
        out = verify_chain(after=(after["checkpoint_seq"], after["checkpoint_hash"]))
        runs.append(time.perf_counter() - t)
    t = time.perf_counter()
    written = checkpoints.write()
    job = time.perf_counter() - t
    return {
        "verify_ok": out.ok,
        "problem": out.problem,
        "checked": out.checked,
        "verify_seconds_each": [round(x, 3) for x in runs],
        "verify_seconds_median": round(statistics.median(runs), 3),
        "checkpoint_job_seconds": round(job, 3),
        "checkpoint_seq": written.seq,
        "checkpoint_count": written.count,
    }


# -- the figures ------------------------------------------------------------------------------


def measure_kpis() -> dict:
    from django.db.models import Exists, OuterRef, Q
    from django.utils import timezone

    from yingshang.hotline import kpis
    from yingshang.hotline.models import WorkOrder
    from yingshang.org import scope
    from yingshang.org.models import RoleAssignment, User

    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    start, end = kpis.month_bounds(last_month)
    out = {"month": last_month}
    for label, username in (("county", "supervisor"), ("city", "city_leader")):
        user = User.objects.get(username=username)
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            figures = kpis.compute(scope.visible_to(user, WorkOrder), start, end)
            runs.append(time.perf_counter() - t)
        sample = sum(r.sample for r in figures["rows"])
        if label == "county":
            # the baseline, same run: the county filter as it was before org.tenancy.unit_ids —
            # a join on the unit's tenant (and an EXISTS per row for orders not dispatched yet)
            reach = scope.grants(user).reach
            joined = Q(main_unit__tenant__in=reach) | (
                Q(main_unit__isnull=True)
                & Q(
                    Exists(
                        RoleAssignment.objects.filter(
                            user_id=OuterRef("created_by_id"),
                            revoked_at__isnull=True,
                            unit__tenant__in=reach,
                        )
                    )
                )
            )
            base_runs = []
            for _ in range(3):
                t = time.perf_counter()
                kpis.compute(WorkOrder.objects.filter(joined), start, end)
                base_runs.append(time.perf_counter() - t)
            out["county_baseline_join"] = {
                "seconds_each": [round(x, 3) for x in base_runs],
                "seconds_median": round(statistics.median(base_runs), 3),
            }
        out[label] = {
            "viewer": username,
            "orders_in_month_in_scope": sample,
            "units": len(figures["rows"]),
            "seconds_each": [round(x, 3) for x in runs],
            "seconds_median": round(statistics.median(runs), 3),
        }
    return out


def counts() -> dict:
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for table in (
            "hotline_workorder",
            "hotline_returnrequest",
            "cases_case",
            "cases_approvaltask",
            "ratings_rating",
            "audit_auditevent",
            "org_unit",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            out[table] = cursor.fetchone()[0]
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            out[f"{table}_mb"] = round(cursor.fetchone()[0] / 2**20)
        cursor.execute("SELECT count(DISTINCT tenant) FROM org_unit WHERE tenant <> ''")
        out["counties"] = cursor.fetchone()[0]
    return out


def measure_pages(env: dict) -> dict:
    """The staff pages under 10 clients through 2 gunicorn workers (Django set up on the bench
    database)."""
    cookies = {
        who: common.login_cookie(who)
        for who in ("scjg_handler", "xzsp_handler", "supervisor", "city_leader")
    }
    common.close_django_connections()
    runs = {}
    with common.gunicorn(env, workers=2) as server:
        for label, path, who in (
            ("hotline_queue", "/staff/hotline/queue/", "scjg_handler"),
            ("hotline_orders_supervisor", "/staff/hotline/orders/", "supervisor"),
            ("case_queue_to_review", "/staff/cases/?q=to_review", "xzsp_handler"),
            ("case_queue_overdue", "/staff/cases/?q=overdue", "xzsp_handler"),
        ):
            runs[label] = common.load_run(
                server,
                path,
                label=f"GET {path} ({who})",
                headers={"Cookie": cookies[who]},
                duration=PAGE_SECONDS,
                connections=PAGE_CONNECTIONS,
                p95_ms=TARGET_PAGE_P95,
            )
        # reports, not queues (dbrouting sends them to the replica): not judged
        for label, path, who in (
            ("hotline_kpi_page_supervisor", "/staff/hotline/kpis/", "supervisor"),
            ("city_leader_home", "/staff/", "city_leader"),
            ("hotline_orders_city_leader", "/staff/hotline/orders/", "city_leader"),
        ):
            runs[label] = common.load_run(
                server,
                path,
                label=f"GET {path} ({who}, not judged)",
                headers={"Cookie": cookies[who]},
                duration=PAGE_SECONDS,
                connections=PAGE_CONNECTIONS,
            )
    return runs


REPORTS = ("hotline_kpi_page_supervisor", "city_leader_home", "hotline_orders_city_leader")


def page_row(label: str, run: dict) -> dict:
    """The summary row of a page run; the reports carry no verdict (the target is for queues)."""
    row = common.run_row(run)
    if label in REPORTS:
        row = {k: v for k, v in row.items() if not k.startswith("verdict")}
        row["target"] = "not judged (a report, not a queue)"
    return row


def pages_again(note: str) -> int:
    """The pages measured again on the database a full run kept (YS_BENCH_KEEP=1), after a
    change to the pages: the run's other figures stay, the page rows are replaced and the note
    says when and why."""
    path = common.RESULTS_DIR / f"{NAME}.json"
    result = json.loads(path.read_text(encoding="utf-8"))
    data_dir = sorted(Path("/tmp").glob("ys_bench_data_*"), key=lambda p: p.stat().st_mtime)[-1]
    env = common.app_env(
        database_url=f"{common.PG_SERVER}/{common.DB_PREFIX}{NAME}", data_dir=data_dir
    )
    common.django_setup(env)
    runs = measure_pages(env)
    result["runs"] = runs
    for label, run in runs.items():
        result["summary"][label] = page_row(label, run)
    result.setdefault("notes", []).append(
        f"pages measured again at {dt.datetime.now(dt.UTC):%H:%M} UTC on the same database: {note}"
    )
    for key in ("benchmark", "finished_at", "source", "machine", "volume_factor"):
        result.pop(key, None)
    common.write_result(NAME, result)
    return 0


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--pages-again":
        return pages_again(sys.argv[2])
    result = {
        "targets": {
            "kpi_county_month_s": f"< {TARGET_KPI_COUNTY_S}",
            "kpi_city_month_s": f"< {TARGET_KPI_CITY_S}",
            "queue_pages_p95_ms": f"< {TARGET_PAGE_P95}",
            "incremental_verify_100k_s": f"< {TARGET_VERIFY_S}",
        },
        "volumes": {
            "work_orders": common.volume(ORDERS),
            "cases": common.volume(CASES),
            "ratings": common.volume(RATINGS),
            "audit_events": common.volume(AUDIT_EVENTS),
        },
        "conditions_start": common.conditions(),
        "database": "postgresql",
        "gunicorn_workers": 2,
    }
    try:
        with common.pg_database("city") as (_url, env, info):
            result["migrate"] = info
            t = time.perf_counter()
            demo = common.manage(["demo", "--city", "--no-history", "--quiet"], env)
            if demo.returncode != 0:
                raise RuntimeError(f"yingshang demo --city failed:\n{demo.stderr[-3000:]}")
            log_step(result, "demo_city", t)
            common.django_setup(env)
            from yingshang.demo.loaders import cases as cases_demo
            from yingshang.demo.loaders import hotline as hotline_demo
            from yingshang.demo.registry import DemoContext, Scale

            t = time.perf_counter()
            made = hotline_demo.generate(
                DemoContext(), Scale("bench", max(300, common.volume(TEMPLATE_ORDERS)) / 150_000)
            )
            log_step(result, "template_orders", t, made=made)
            t = time.perf_counter()
            made = cases_demo.generate(
                DemoContext(),
                Scale("county-year", max(300, common.volume(TEMPLATE_CASES)) / 1_000_000 * 5),
            )
            log_step(result, "template_cases", t, made=made)
            t = time.perf_counter()
            maps = make_counties()
            log_step(result, "counties", t, made=len(maps))
            from django.db import connection

            with connection.cursor() as cursor:
                write_unit_map(cursor, maps)
            grow(
                result,
                orders=common.volume(ORDERS),
                cases=common.volume(CASES),
                counties=CLONES + 1,
            )
            ratings(result, common.volume(RATINGS))
            after = audit_filler(
                result, common.volume(AUDIT_EVENTS), min(DAY_EVENTS, common.volume(AUDIT_EVENTS))
            )
            result["counts"] = counts()
            common.log(f"counts: {result['counts']}")
            common.log("incremental audit verify …")
            result["verify"] = measure_verify(after)
            common.log(f"  {result['verify']}")
            common.log("KPIs …")
            result["kpi"] = measure_kpis()
            common.log(f"  {result['kpi']}")
            runs = measure_pages(env)
            result["runs"] = runs
            kpi = result["kpi"]
            summary = {
                "volumes": result["counts"],
                "kpi_county_month": {
                    "seconds": kpi["county"]["seconds_median"],
                    "orders": kpi["county"]["orders_in_month_in_scope"],
                    "target": f"< {TARGET_KPI_COUNTY_S} s",
                    "verdict": common.verdict(
                        kpi["county"]["seconds_median"], TARGET_KPI_COUNTY_S, higher_is_better=False
                    ),
                },
                "kpi_county_month_baseline_join": {
                    "seconds": kpi["county_baseline_join"]["seconds_median"],
                    "target": "the same figures with the county filter as a join (before)",
                },
                "kpi_city_month": {
                    "seconds": kpi["city"]["seconds_median"],
                    "orders": kpi["city"]["orders_in_month_in_scope"],
                    "target": f"< {TARGET_KPI_CITY_S} s",
                    "verdict": common.verdict(
                        kpi["city"]["seconds_median"], TARGET_KPI_CITY_S, higher_is_better=False
                    ),
                },
                "incremental_verify": {
                    "events": result["verify"]["checked"],
                    "seconds": result["verify"]["verify_seconds_median"],
                    "ok": result["verify"]["verify_ok"],
                    "checkpoint_job_seconds": result["verify"]["checkpoint_job_seconds"],
                    "target": f"< {TARGET_VERIFY_S} s",
                    "verdict": common.verdict(
                        result["verify"]["verify_seconds_median"],
                        TARGET_VERIFY_S,
                        higher_is_better=False,
                    ),
                },
            }
            for label, run in runs.items():
                summary[label] = page_row(label, run)
            result["summary"] = summary
    except Exception as exc:
        result["error"] = f"{exc.__class__.__name__}: {exc}"
        common.write_result(NAME, result)
        raise
    common.write_result(NAME, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
