"""Excel import of the county's existing ledger: header detection, a column-mapping guess,
row-by-row validation with Chinese reasons, an all-or-nothing commit, progress on an ImportJob."""

import datetime as dt
import logging
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingshang.org.models import Unit
from yingshang.supervision import services
from yingshang.supervision import transitions as t
from yingshang.supervision.models import Category, ImportJob, Problem, UnitAlias
from yingshang.workcal import calendar

# field → (label, header names that suggest it), in the order the guess is made
FIELDS = [
    # a row with the number of a problem already in the ledger updates it (an exported ledger
    # comes back); an empty number registers a new problem
    ("number", gettext_lazy("问题编号"), ["问题编号"]),
    ("seq", gettext_lazy("序号"), ["序号", "编号"]),
    ("source", gettext_lazy("问题来源"), ["问题来源", "来源"]),
    ("category", gettext_lazy("问题类别"), ["问题类别", "问题类型", "类别", "类型"]),
    ("status", gettext_lazy("状态"), ["状态", "整改状态", "完成情况", "是否完成"]),
    ("progress", gettext_lazy("进展"), ["进展", "整改进展", "进展情况", "推进情况"]),
    ("measures", gettext_lazy("整改措施"), ["整改措施", "措施"]),
    (
        "description",
        gettext_lazy("问题描述"),
        ["问题描述", "问题", "存在问题", "问题清单", "具体问题"],
    ),
    ("co_units", gettext_lazy("配合单位"), ["配合单位", "协办单位", "协同单位"]),
    ("unit", gettext_lazy("责任单位"), ["责任单位", "牵头单位", "承办单位", "单位"]),
    ("leader", gettext_lazy("责任领导"), ["责任领导", "分管领导", "牵头领导", "领导"]),
    ("deadline", gettext_lazy("时限"), ["完成时限", "整改时限", "时限", "完成时间"]),
]
FIELD_LABELS = {k: label for k, label, _names in FIELDS}
REQUIRED = ("description", "unit")

STATUS_WORDS = {
    t.CLOSED: ["已完成", "已整改", "已销号", "完成", "已办结"],
    t.RECTIFYING: ["整改中", "正在整改", "推进中", "持续整改", "未完成", "进行中"],
    t.CLAIMED: ["已认领"],
    t.ASSIGNED: ["待认领", "未启动", "未开始", "已交办"],
    # the rest of the statuses as the export writes them (a round trip reads its own file)
    t.CLOSURE_REQUESTED: ["申请销号", "已申请销号"],
    t.REOPENED: ["退回重改"],
}
OVERDUE_MARK = "（逾期）"  # the export's mark after an overdue problem's status
log = logging.getLogger(__name__)

DAY_WORDS = {"立行立改": 5, "长期坚持": 250}
HEADER_SCAN_ROWS = 10


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def read_sheet(path) -> tuple[int, list[str], list[list[str]], int]:
    """(header row number, headers, first rows for the preview, data rows count)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        header_no, headers, preview, count = 0, [], [], 0
        for no, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if not header_no:
                cells = [_text(c) for c in row]
                if sum(1 for c in cells if c) >= 3 or no >= HEADER_SCAN_ROWS:
                    header_no, headers = no, cells
                    while headers and not headers[-1]:
                        headers.pop()
                continue
            if not any(_text(c) for c in row):
                continue
            count += 1
            if len(preview) < 5:
                preview.append([_display(c) for c in row[: len(headers)]])
        return header_no, headers, preview, count
    finally:
        wb.close()


def _display(v) -> str:
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d") if v.time() == dt.time() else v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, dt.date):
        return v.isoformat()
    return _text(v)


def guess_mapping(headers: list[str]) -> dict[str, int | None]:
    norm = [re.sub(r"\s+", "", h or "") for h in headers]
    used: set[int] = set()
    mapping: dict[str, int | None] = {}
    for exact in (True, False):
        for field, _label, names in FIELDS:
            if mapping.get(field) is not None:
                continue
            mapping[field] = None
            for name in names:
                for i, h in enumerate(norm):
                    if i in used or not h:
                        continue
                    if (h == name) if exact else (name in h):
                        mapping[field] = i
                        used.add(i)
                        break
                if mapping[field] is not None:
                    break
    return mapping


class _Lookups:
    def __init__(self):
        self.units: dict[str, Unit] = {}
        for unit in Unit.objects.filter(is_active=True):
            for key in (unit.name, unit.short_name, unit.code):
                if key:
                    self.units.setdefault(key.strip(), unit)
        # the admin's aliases (审批局 → 行政审批局); a unit's own names win
        self.aliases: dict[str, Unit] = {
            a.alias: a.unit
            for a in UnitAlias.objects.filter(is_active=True, unit__is_active=True).select_related(
                "unit"
            )
        }
        services.ensure_categories()
        self.categories = {}
        for c in Category.objects.filter(is_active=True):
            self.categories[c.name] = c
            self.categories[c.code] = c
        self.sources = {str(label): value for value, label in Problem.Source.choices}
        self.sources.update({value: value for value in Problem.Source.values})
        self.numbers_seen: dict[str, int] = {}

    def unit(self, name: str) -> Unit | None:
        key = re.sub(r"\s+", "", name)
        return (
            self.units.get(name.strip())
            or self.units.get(key)
            or self.aliases.get(name.strip())
            or self.aliases.get(key)
        )

    def alias_of(self, name: str) -> Unit | None:
        """The unit `name` stands for when it is an alias, not one of the unit's own names."""
        key = re.sub(r"\s+", "", name)
        if self.units.get(name.strip()) or self.units.get(key):
            return None
        return self.aliases.get(name.strip()) or self.aliases.get(key)

    def problem(self, number: str) -> Problem | None:
        return (
            Problem.objects.select_related("owner_unit", "category").filter(number=number).first()
        )


def parse_date(v) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, int | float):
        if 20000 < v < 80000:  # an Excel serial date without a date format
            from openpyxl.utils.datetime import from_excel

            return from_excel(v).date()
        raise ValueError
    s = _text(v)
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", s)
    if not m:
        raise ValueError
    return dt.date(int(m[1]), int(m[2]), int(m[3]))


def parse_row(values, mapping, lookups: _Lookups, row_no: int) -> tuple[dict | None, list[dict]]:
    errors = []

    def cell(field):
        i = mapping.get(field)
        return values[i] if i is not None and i < len(values) else None

    def err(field, message):
        errors.append({"row": row_no, "column": str(FIELD_LABELS[field]), "message": message})

    data = {"row": row_no}
    description = _text(cell("description"))
    if not description:
        err("description", _("问题描述为空"))
    data["description"] = description
    unit_name = _text(cell("unit"))
    data["unit"] = None
    co_units = []
    aliases: list[dict] = []  # names read through the admin's aliases (shown in the preview)
    data["aliases"] = aliases
    if not unit_name:
        err("unit", _("责任单位为空"))
    else:
        unit = lookups.unit(unit_name)
        names = [unit_name] if unit else [n for n in re.split(r"[、,，;；/\s]+", unit_name) if n]
        # "A、B" in the unit column: the first leads, the others co-operate
        for k, n in enumerate(names):
            u = unit if unit else lookups.unit(n)
            if u is None:
                err("unit", _("未知的责任单位“%(name)s”") % {"name": n})
            elif k == 0:
                data["unit"] = u
            else:
                co_units.append(u)
            if u is not None and lookups.alias_of(n):
                aliases.append({"name": n, "unit": u.name})
    for n in [n for n in re.split(r"[、,，;；/\s]+", _text(cell("co_units"))) if n]:
        u = lookups.unit(n)
        if u is None:
            err("co_units", _("未知的配合单位“%(name)s”") % {"name": n})
        else:
            co_units.append(u)
            if lookups.alias_of(n):
                aliases.append({"name": n, "unit": u.name})
    data["co_units"] = [u for u in co_units if u != data["unit"]]
    data["leader_name"] = _text(cell("leader"))[:60]
    data["measures"] = _text(cell("measures"))
    data["progress"] = _text(cell("progress"))
    raw_deadline = cell("deadline")
    data["deadline"] = None
    data["deadline_days"] = None
    if _text(raw_deadline):
        word = _text(raw_deadline)
        if word in DAY_WORDS:
            data["deadline_days"] = DAY_WORDS[word]
        else:
            try:
                data["deadline"] = parse_date(raw_deadline)
            except (ValueError, OverflowError):
                err(
                    "deadline",
                    _("日期无法识别“%(value)s”（应为2026-12-31这样的日期）") % {"value": word},
                )
            else:
                if not services.EARLIEST <= data["deadline"] <= services.LATEST:
                    err(
                        "deadline",
                        _("日期超出可用范围（2000—2099年）：“%(value)s”") % {"value": word},
                    )
    status_text = _text(cell("status")).removesuffix(OVERDUE_MARK)
    data["status"] = t.ASSIGNED
    if status_text:
        found = next((s for s, words in STATUS_WORDS.items() if status_text in words), None)
        if found is None:
            err(
                "status",
                _("未知的状态“%(value)s”（可填：已完成、整改中、已认领、待认领）")
                % {"value": status_text},
            )
        else:
            data["status"] = found
    category_text = _text(cell("category"))
    data["category"] = None
    if category_text:
        data["category"] = lookups.categories.get(category_text)
        if data["category"] is None:
            err("category", _("未知的问题类别“%(value)s”") % {"value": category_text})
    source_text = _text(cell("source"))
    data["source"] = None
    if source_text:
        data["source"] = lookups.sources.get(source_text)
        if data["source"] is None:
            err(
                "source",
                _("未知的问题来源“%(value)s”（可填：%(choices)s）")
                % {"value": source_text, "choices": "、".join(map(str, Problem.Source.labels))},
            )
    _existing(data, _text(cell("number")), lookups, err)
    return (None if errors else data), errors


def _existing(data: dict, number: str, lookups: _Lookups, err) -> None:
    """A row with a problem number updates that problem: it must exist, once per file, and its
    deadline may only move later (an earlier one is a decision for the problem's page)."""
    data["problem_id"] = None
    if not number:
        return
    problem = lookups.problem(number)
    if problem is None:
        err("number", _("问题编号“%(number)s”不存在（新问题请留空编号）") % {"number": number})
        return
    if number in lookups.numbers_seen:
        err(
            "number",
            _("问题编号“%(number)s”与第%(row)d行重复")
            % {"number": number, "row": lookups.numbers_seen[number]},
        )
        return
    lookups.numbers_seen[number] = data["row"]
    if problem.status == t.VOIDED:
        err("number", _("问题%(number)s已作废，不能通过导入修改") % {"number": number})
        return
    data["problem_id"] = problem.pk
    data["problem"] = problem
    day = data.get("deadline")
    current = timezone.localtime(problem.deadline_at).date() if problem.deadline_at else None
    if day and current and day != current:
        if problem.status not in t.OPEN:
            err("deadline", _("问题%(number)s已办结，不能修改整改时限") % {"number": number})
        elif day < current:
            err(
                "deadline",
                _("问题%(number)s的整改时限不能通过导入提前（现为%(day)s）")
                % {"number": number, "day": current.isoformat()},
            )
        elif calendar.working_days_between(current, day) < 1:
            err(
                "deadline",
                _("问题%(number)s的新时限%(day)s比原时限晚不足一个工作日")
                % {"number": number, "day": day.isoformat()},
            )


def _rows(job: ImportJob):
    from openpyxl import load_workbook

    header_no = job.mapping.get("_header_row", 1)
    wb = load_workbook(job.file.path, read_only=True, data_only=True)
    try:
        for no, row in enumerate(wb.worksheets[0].iter_rows(values_only=True), start=1):
            if no <= header_no or not any(_text(c) for c in row):
                continue
            yield no, list(row)
    finally:
        wb.close()


PROGRESS_EVERY = 100


def run(job_id: int) -> ImportJob:
    """Validate every row (progress written as it goes), then write all rows in one transaction
    (nothing when a row is bad and the job is all-or-nothing)."""
    # claim the job with a conditional update: a job enqueued twice runs once
    claimed = ImportJob.objects.filter(
        pk=job_id, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.UPLOADED]
    ).update(status=ImportJob.Status.VALIDATING, processed=0)
    job = ImportJob.objects.get(pk=job_id)
    if not claimed:
        return job
    try:
        return _run(job)
    except Exception as exc:  # a broken file must end the job visibly, never leave it spinning
        log.exception("import job %s failed", job_id)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            finished_at=timezone.now(),
            message=_("导入失败：%(error)s") % {"error": str(exc)[:200]},
        )
        return ImportJob.objects.get(pk=job.pk)


def _run(job: ImportJob) -> ImportJob:
    mapping = {k: v for k, v in job.mapping.items() if not k.startswith("_")}
    lookups = _Lookups()
    good, errors = [], []
    for i, (no, values) in enumerate(_rows(job), start=1):
        data, row_errors = parse_row(values, mapping, lookups, no)
        if data:
            good.append(data)
        errors.extend(row_errors)
        if i % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job.pk).update(processed=i)
    job.total = len(good) + len({e["row"] for e in errors})
    job.processed = job.total
    job.errors = errors[:2000]
    if errors and job.all_or_nothing:
        job.status = ImportJob.Status.REJECTED
        job.message = _("共%(rows)d行有错误，按“全部成功才导入”的要求，本次未导入任何问题。") % {
            "rows": len({e["row"] for e in errors})
        }
        job.finished_at = timezone.now()
        job.save()
        return job
    job.status = ImportJob.Status.SAVING
    job.save(update_fields=["status", "total", "processed", "errors"])
    with transaction.atomic():
        job.created_count = services.problem_bulk_import(actor=job.created_by, job=job, rows=good)
        job.status = ImportJob.Status.DONE
        job.finished_at = timezone.now()
        job.message = _("已导入%(n)d个问题。") % {"n": job.created_count} + (
            _("%(rows)d行有错误未导入。") % {"rows": len({e["row"] for e in errors})}
            if errors
            else ""
        )
        job.save()
    return job


# --- interrupted runs (scheduler.recovery) and the retry button ---------------------------------
# The write is one transaction, so a worker killed at any point leaves either every row or none:
# a rerun starts again from the stored upload and mapping.
_UNFINISHED = (ImportJob.Status.QUEUED, ImportJob.Status.VALIDATING, ImportJob.Status.SAVING)


def requeue_interrupted(job_id: int) -> bool:
    """The worker died while running the job: put it back in the queue (False: it had finished)."""
    return bool(
        ImportJob.objects.filter(pk=job_id, status__in=_UNFINISHED).update(
            status=ImportJob.Status.QUEUED,
            processed=0,
            message=_("后台处理中断，正在自动重试。"),
        )
    )


def fail_interrupted(job_id: int) -> None:
    """The job was interrupted again and again: fail it visibly, with nothing imported."""
    ImportJob.objects.filter(pk=job_id, status__in=_UNFINISHED).update(
        status=ImportJob.Status.FAILED,
        finished_at=timezone.now(),
        message=_("后台处理多次中断，本次未导入任何问题。可点击“重新导入”再试。"),
    )


@transaction.atomic
def import_retry(*, actor, job: ImportJob) -> ImportJob:
    """Run a failed import again from its stored upload: only the person who started it."""
    from yingshang import audit
    from yingshang.errors import DomainError
    from yingshang.supervision.tasks import run_import

    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != actor.pk:
        raise DomainError("IMPORT_RETRY_FORBIDDEN", _("只有发起导入的人可以重新导入"), status=403)
    if job.status != ImportJob.Status.FAILED:
        raise DomainError("IMPORT_NOT_FAILED", _("只有失败的导入可以重新导入"), status=409)
    job.status = ImportJob.Status.QUEUED
    job.processed = 0
    job.errors = []
    job.message = ""
    job.finished_at = None
    job.save(update_fields=["status", "processed", "errors", "message", "finished_at"])
    audit.record(
        actor=actor,
        action="supervision.import_retry",
        object_type="supervision.importjob",
        object_id=str(job.pk),
        after={"status": job.status},
    )
    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job
