"""Demo ledger: the 72 problems of the 不诚信/不规范/不担当 self-inspection (seed 001) in every state,
with plans and milestones; and a bulk generator for benchmarks."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yingshang.org.models import Unit, User
from yingshang.supervision import services
from yingshang.supervision import transitions as t
from yingshang.supervision.models import Category, InspectionForm, Milestone, Problem, ProblemCoUnit
from yingshang.workcal import calendar

FORM_TITLE = "2026年“不诚信、不规范、不担当”问题自查表"
ITEMS = [
    ("buchengxin", "招商引资、政策兑现中是否存在“新官不理旧账”、承诺不兑现的问题"),
    ("buguifan", "办事指南、收费、执法检查是否规范，是否存在随意执法、重复检查"),
    ("budandang", "是否存在推诿扯皮、“中梗阻”、不作为慢作为"),
    ("chinakayao", "是否存在“吃拿卡要”、索拿卡要、变相收费"),
]

# (category code, description, measures, milestone titles)
PROBLEMS = [
    (
        "buchengxin",
        "2024年招商引资项目约定的设备补助资金至今未兑现",
        "梳理兑现清单，分批拨付到位",
        ["核实补助清单", "完成资金拨付"],
    ),
    (
        "buchengxin",
        "对企业“承诺即办”事项事后又要求补交原件",
        "修订告知承诺制事项清单，取消重复要件",
        ["修订清单"],
    ),
    (
        "buchengxin",
        "前任领导签订的土地供应协议未按期履约",
        "召开专题会研究解决方案，限期供地",
        ["专题会研究", "完成供地"],
    ),
    (
        "buchengxin",
        "政府采购项目拖欠中小企业账款",
        "建立拖欠账款台账，按月清偿",
        ["建立台账", "清偿完毕"],
    ),
    (
        "buguifan",
        "办事指南要件表述模糊，群众需多次补交材料",
        "逐项细化一次性告知清单并在窗口公示",
        ["修订办事指南", "窗口公示"],
    ),
    (
        "buguifan",
        "执法检查未提前告知，同一企业一月内被检查3次",
        "推行“综合查一次”，统筹检查计划",
        ["制定检查计划"],
    ),
    (
        "buguifan",
        "窗口工作人员未按要求亮证上岗、服务用语不规范",
        "统一工牌，纳入日常考核",
        ["开展培训"],
    ),
    (
        "buguifan",
        "自由裁量权基准未公开，处罚标准不一",
        "制定并公开裁量基准",
        ["起草裁量基准", "公开发布"],
    ),
    ("buguifan", "涉企收费项目未在大厅公示", "公示收费目录清单", ["公示收费清单"]),
    (
        "budandang",
        "股室之间相互推诿，施工许可在内部流转超过20个工作日",
        "实行并联审批，压缩内部流转环节",
        ["梳理流程", "上线并联审批"],
    ),
    (
        "budandang",
        "对企业反映的断路施工问题久拖不决",
        "明确责任股室，限期答复企业",
        ["现场协调", "答复企业"],
    ),
    (
        "budandang",
        "首问负责制落实不到位，企业咨询被多次转接",
        "落实首问负责、限时办结",
        ["修订首问负责制度"],
    ),
    ("budandang", "重点项目水电接入手续“中梗阻”", "建立重点项目专班，周调度", ["成立专班"]),
    (
        "chinakayao",
        "个别执法人员检查时暗示企业购买指定产品",
        "开展专项整治，公开举报电话",
        ["专项整治", "公开举报电话"],
    ),
    (
        "chinakayao",
        "中介机构与窗口人员勾连，变相收取“加急费”",
        "清理中介机构，公开中介服务清单",
        ["清理中介"],
    ),
    (
        "chinakayao",
        "验收环节吃拿卡要，企业反映需请客送礼",
        "移交纪委监委核查，建立验收回访制度",
        ["线索移交", "建立回访制度"],
    ),
    (
        "budandang",
        "对超时办件未及时预警，挂起件长期无人跟进",
        "建立超时预警、周通报制度",
        ["建立预警机制"],
    ),
    (
        "buguifan",
        "“体外循环”办件，线下受理未录入系统",
        "全部办件线上流转，定期比对",
        ["清理体外件"],
    ),
]

DEMO_UNITS = [
    "scjg",
    "zjj",
    "xzsp",
    "zrzy",
    "wjj",
    "gaj",
    "chengguan",
    "rsj",
    "swj",
    "jtj",
    "sthj",
    "gdj",
]
HANDLERS = {
    "scjg": "scjg_handler",
    "zjj": "zjj_handler",
    "xzsp": "xzsp_handler",
    "zrzy": "zrzy_handler",
    "wjj": "wjj_handler",
    "gaj": "gaj_handler",
    "chengguan": "chengguan",
}
LEADERS = ["分管副局长 王强", "分管副局长 刘洋", "党组成员 陈静", "副镇长 周涛", "副局长 孙伟"]


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
    units = {u.code: u for u in Unit.objects.filter(code__in=DEMO_UNITS)}
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
            intro="各单位对照以下内容开展自查，对号入座、主动认领，挂出作战图、列出时间表、明确任务书，序时完成整改。",
        )
    today = timezone.localdate()
    start = calendar.end_of_day(_day(today, -30))  # the self-inspection was a month and a half ago
    codes = [c for c in DEMO_UNITS if c in units]
    for i in range(72):
        code = codes[i % len(codes)]
        unit = units[code]
        cat, desc, measures, ms_titles = PROBLEMS[i % len(PROBLEMS)]
        # a third of them were due already (some overdue), the rest run into next weeks
        deadline = _day(today, -5 + (i % 9) * 4) if i % 3 == 0 else _day(today, 10 + i % 20)
        milestones = [
            (title, _day(start.date(), 8 + k * 10 + i % 5)) for k, title in enumerate(ms_titles)
        ]
        with transaction.atomic():
            p = services.problem_create(
                actor=supervisor,
                unit=unit,
                description=f"{desc}（{unit.display_name}自查）",
                source=Problem.Source.SELF_INSPECTION,
                category=cat,
                measures="" if i % 4 == 0 else measures,
                severity=("major" if i % 11 == 0 else "serious" if i % 5 == 0 else "normal"),
                leader_name=LEADERS[i % len(LEADERS)],
                deadline=deadline,
                milestones=milestones,
                source_type="demo",
                source_id=f"selfcheck-{i + 1}",
                at=start,
                co_units=[units[codes[(i + 1) % len(codes)]]] if i % 7 == 0 else (),
            )
        _advance(
            p, i + i // len(codes), code, supervisor
        )  # every unit gets problems in every state
    ctx.data["supervision_form"] = form


def _advance(p: Problem, i: int, code: str, supervisor) -> None:
    """Move demo problems along: claimed, rectifying, closure requested, closed, reopened."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    handler = User.objects.filter(username=HANDLERS.get(code, "")).first()
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
        services.milestone_complete(actor=handler, milestone=first, note="按时完成")
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
            numbers = services.next_numbers(year, size)
            last_id = Problem.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            rows = []
            for k in range(size):
                status = rng.choice(statuses)
                deadline = rng.choice(deadlines)
                _cat, desc, measures, _ms = PROBLEMS[rng.randrange(len(PROBLEMS))]
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
                        rng.choice(units),
                        rng.choice(LEADERS),
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
