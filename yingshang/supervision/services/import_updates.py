"""A ledger row that carries the number of a problem already in the ledger updates it (an
exported ledger edited and imported again): no duplicate, every change audited. What may change:
the text fields, category, source, owner unit, co-units added, a new progress line, and a later
deadline (through problem_extend, audited there). The status is not changed by an import: it
moves only by the problem's own steps."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.supervision.models import Problem, ProblemCoUnit, ProgressReport
from yingshang.workcal import calendar


def _deadline_day(problem: Problem) -> dt.date | None:
    return timezone.localtime(problem.deadline_at).date() if problem.deadline_at else None


def changes_of(problem: Problem, data: dict) -> list[dict]:
    """[{field, label, before, after}] the row would change (empty cells change nothing)."""
    out = []

    def diff(field, label, before, after):
        if after not in (None, "") and after != before:
            out.append({"field": field, "label": label, "before": before, "after": after})

    diff("description", _("问题描述"), problem.description, data.get("description"))
    diff(
        "category",
        _("问题类别"),
        problem.category.name if problem.category else "",
        data["category"].name if data.get("category") else None,
    )
    diff(
        "source",
        _("问题来源"),
        problem.get_source_display(),
        str(Problem.Source(data["source"]).label) if data.get("source") else None,
    )
    diff(
        "owner_unit",
        _("责任单位"),
        problem.owner_unit.name,
        data["unit"].name if data.get("unit") else None,
    )
    present = set(
        ProblemCoUnit.objects.filter(problem=problem).values_list("unit__name", flat=True)
    )
    added = [u.name for u in data.get("co_units") or () if u.name not in present]
    if added:
        out.append(
            {
                "field": "co_units",
                "label": _("配合单位"),
                "before": "、".join(sorted(present)),
                "after": "、".join(sorted(present | set(added))),
            }
        )
    diff("leader_name", _("责任领导"), problem.leader_name, (data.get("leader_name") or "")[:60])
    diff("measures", _("整改措施"), problem.measures, data.get("measures"))
    diff("progress", _("进展情况"), problem.latest_progress, data.get("progress"))
    day, current = data.get("deadline"), _deadline_day(problem)
    if day and current and day > current:
        # an extension counts working days: a rest day ends on the working day before it
        ends = calendar.add_working_days(current, calendar.working_days_between(current, day))
        after = day.isoformat()
        if ends != day:
            after = _("%(day)s（休息日，按工作日延至%(ends)s）") % {
                "day": day.isoformat(),
                "ends": ends.isoformat(),
            }
        out.append(
            {
                "field": "deadline",
                "label": _("完成时限"),
                "before": current.isoformat(),
                "after": after,
            }
        )
    return out


def problem_import_update(*, actor, job, data: dict, at: dt.datetime) -> bool:
    """Apply one row to its problem (the caller checked the actor may import and holds the
    transaction). True when something changed."""
    from yingshang.supervision.services.deadlines import problem_extend

    problem = (
        Problem.objects.select_for_update(of=("self",))  # the category may be null (PostgreSQL)
        .select_related("owner_unit", "category")
        .get(pk=data["problem_id"])
    )
    changes = changes_of(problem, data)
    if not changes:
        return False
    fields = {c["field"] for c in changes}
    reason = _("台账导入更新（%(file)s 第%(row)d行）") % {
        "file": job.original_name,
        "row": data["row"],
    }
    if "description" in fields:
        problem.description = data["description"]
    if "category" in fields:
        problem.category = data["category"]
    if "source" in fields:
        problem.source = data["source"]
    if "owner_unit" in fields:
        problem.owner_unit = data["unit"]
    if "leader_name" in fields:
        problem.leader_name = data["leader_name"][:60]
    if "measures" in fields:
        problem.measures = data["measures"]
    if "progress" in fields:
        problem.latest_progress = data["progress"]
        ProgressReport.objects.create(
            problem=problem,
            text=data["progress"],
            percent=problem.percent,
            kind="import",
            author=actor,
            unit_id=problem.owner_unit_id,
            created_at=at,
        )
    problem.save()
    if "co_units" in fields:
        for u in data.get("co_units") or ():
            if u.pk != problem.owner_unit_id:
                ProblemCoUnit.objects.get_or_create(problem=problem, unit=u)
    workflow.record(
        actor,
        "problem.import_update",
        problem,
        before={c["field"]: c["before"] for c in changes if c["field"] != "deadline"},
        after={c["field"]: c["after"] for c in changes if c["field"] != "deadline"},
        reason=reason,
    )
    if "deadline" in fields:
        problem_extend(
            actor=actor, problem=problem, deadline=data["deadline"], reason=reason, at=at
        )
    return True
