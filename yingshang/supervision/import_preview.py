"""What an import will do, shown before it runs (nothing is changed silently): every deadline the
working-day clock would move, with its reason, for the importer to accept or keep; every unit
name read through an alias; every existing problem a row updates, with the changed fields; and
the rows that would be rejected.

The decisions go on the job (`mapping["_adjust"]`: the rows whose adjustment was accepted);
`services.problem_bulk_import` keeps the given date of every other row."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingshang.supervision import importer
from yingshang.supervision.models import ImportJob
from yingshang.supervision.services.common import clock_plan
from yingshang.supervision.services.import_updates import changes_of
from yingshang.workcal import calendar

ADJUST_KEY = "_adjust"  # job.mapping: row numbers whose deadline adjustment was accepted
WEEKDAYS = [
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
]


def working_day_deadline(day: dt.date, at: dt.datetime) -> dt.date:
    """The day a working-day deadline clock given `day` ends on (services.common.clock_plan, as
    problem_bulk_import starts it)."""
    start, amount = clock_plan(at, day, None)
    return calendar.local_date(calendar.deadline(start, amount, "working_days").due_at)


def deadline_adjustment(day: dt.date, at: dt.datetime) -> dict | None:
    """None when `day` stays as given; else what the working-day clock would make of it and
    why (a rest day: moved to the working day before it, or — already past — after it)."""
    system = working_day_deadline(day, at)
    if system == day:
        return None
    today = calendar.local_date(at)
    kind = _("周末（%(weekday)s）") % {"weekday": WEEKDAYS[day.weekday()]}
    if day.weekday() < 5:
        kind = _("法定节假日")
    if system < day:
        move = _("提前到之前最近的工作日%(day)s") % {"day": system.isoformat()}
    else:
        move = _("顺延到之后第一个工作日%(day)s") % {"day": system.isoformat()}
    reason = _("%(day)s是%(kind)s，按工作日计时将%(move)s") % {
        "day": day.isoformat(),
        "kind": kind,
        "move": move,
    }
    overdue_change = day < today <= system
    if overdue_change:
        reason += _("；该问题原本已逾期，调整后将不再显示逾期")
    return {
        "given": day.isoformat(),
        "system": system.isoformat(),
        "reason": reason,
        "overdue_change": overdue_change,
    }


def accepted_rows(job: ImportJob) -> set[int]:
    return {int(r) for r in job.mapping.get(ADJUST_KEY) or []}


def build(job: ImportJob, mapping: dict, *, at: dt.datetime | None = None, limit=2000) -> dict:
    """Read every row of the job's file with `mapping` and say what the import will do."""
    at = at or timezone.now()
    lookups = importer._Lookups()
    accepted = accepted_rows(job)
    adjustments, aliases, updates, errors, good = [], [], [], [], 0
    for no, values in importer._rows(job):
        data, row_errors = importer.parse_row(values, mapping, lookups, no)
        errors.extend(row_errors)
        if data is None:
            continue
        good += 1
        for a in data.get("aliases") or ():
            aliases.append({"row": no, **a})
        if data.get("problem_id"):
            problem = data["problem"]
            updates.append(
                {"row": no, "number": problem.number, "changes": changes_of(problem, data)}
            )
            continue  # an existing problem's deadline moves by extension (working days)
        day = data.get("deadline")
        adjustment = deadline_adjustment(day, at) if day else None
        if adjustment and len(adjustments) < limit:
            adjustments.append(
                {
                    "row": no,
                    "description": data["description"],
                    "unit": data["unit"].name if data["unit"] else "",
                    "accepted": no in accepted,
                    **adjustment,
                }
            )
    return {
        "adjustments": adjustments,
        "aliases": aliases,
        "updates": updates,
        "errors": errors[:limit],
        "error_rows": len({e["row"] for e in errors}),
        "good": good,
    }


def decide(job: ImportJob, post, adjustments: list[dict]) -> list[int]:
    """The rows whose adjustment the importer accepted: all (`dates_all=adjust`), none
    (`dates_all=keep`) or per row (`date_<row>=adjust`); a row not decided keeps its date."""
    everything = post.get("dates_all", "")
    if everything == "adjust":
        return sorted(a["row"] for a in adjustments)
    if everything == "keep":
        return []
    return sorted(a["row"] for a in adjustments if post.get(f"date_{a['row']}") == "adjust")
