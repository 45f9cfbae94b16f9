"""What can be done to a problem, once for the staff pages and the API: name → input, service,
label, ability (yingshang.workflow.actions). Pages post to /staff/supervision/p/<pk>/<name>/,
the API to /api/v1/supervision/problems/<pk>/<name>."""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema

from yingshang.errors import DomainError, InvalidInput
from yingshang.supervision import services
from yingshang.supervision import transitions as t
from yingshang.supervision.models import Milestone, Problem
from yingshang.workflow.actions import Action, ActionSet


class ClaimIn(Schema):
    leader_name: str = ""
    measures: str = ""


class ReportIn(Schema):
    text: str = ""
    percent: int = 0


class ClosureIn(Schema):
    text: str = ""
    reason: str = ""  # older API clients sent the statement as "reason"


class ReasonIn(Schema):
    reason: str = ""


class ExtendIn(Schema):
    deadline: dt.date | None = None
    reason: str = ""


class FlagIn(Schema):
    flag: str = ""
    on: bool = True
    reason: str = ""


class MilestoneAddIn(Schema):
    title: str = ""
    due_date: dt.date | None = None


class MilestoneDoneIn(Schema):
    milestone: int
    note: str = ""


def _uploads(files) -> list:
    """The files posted as "files" (a page's multipart form); none over the JSON API."""
    getlist = getattr(files, "getlist", None)
    return getlist("files") if getlist else list((files or {}).get("files", []))


def _day(value, label) -> dt.date:
    if value is None:
        raise InvalidInput("DATE_INVALID", _("%(label)s不是有效日期") % {"label": label})
    return value


def _milestone(problem: Problem, pk: int) -> Milestone:
    ms = Milestone.objects.filter(problem=problem, pk=pk).first()
    if ms is None:
        raise DomainError("MILESTONE_NOT_FOUND", _("该问题没有这个整改节点"), status=404)
    return ms


PROBLEM_ACTIONS = ActionSet(
    Problem,
    table=t.problem_table,
    actions=[
        Action("claim", gettext_lazy("认领"), ClaimIn, service=services.problem_claim),
        Action(
            "report",
            gettext_lazy("报送整改进展"),
            ReportIn,
            files=("files",),
            run=lambda *, actor, obj, data, files: services.problem_report_progress(
                actor=actor,
                problem=obj,
                text=data.text,
                percent=data.percent,
                files=_uploads(files),
            ),
        ),
        Action(
            "request_closure",
            gettext_lazy("申请销号"),
            ClosureIn,
            files=("files",),
            run=lambda *, actor, obj, data, files: services.problem_request_closure(
                actor=actor, problem=obj, text=data.text or data.reason, files=_uploads(files)
            ),
        ),
        Action("close", gettext_lazy("核验销号"), ReasonIn, service=services.problem_close),
        Action(
            "reopen",
            gettext_lazy("退回重改"),
            ReasonIn,
            style="warning",
            service=services.problem_reopen,
        ),
        Action(
            "void",
            gettext_lazy("作废"),
            ReasonIn,
            style="outline-dark",
            confirm=gettext_lazy("确定作废该问题？记录将保留。"),
            service=services.problem_void,
        ),
        Action(
            "extend",
            gettext_lazy("延长整改时限"),
            ExtendIn,
            run=lambda *, actor, obj, data, files: services.problem_extend(
                actor=actor,
                problem=obj,
                deadline=_day(data.deadline, _("新的整改时限")),
                reason=data.reason,
            ),
        ),
        Action("flag", gettext_lazy("曝光与问责"), FlagIn, service=services.problem_flag),
        Action(
            "milestone_add",
            gettext_lazy("增加整改节点"),
            MilestoneAddIn,
            ability="plan",
            move="plan",
            run=lambda *, actor, obj, data, files: services.problem_add_milestone(
                actor=actor,
                problem=obj,
                title=data.title,
                due_date=_day(data.due_date, _("节点完成时限")),
            ),
        ),
        Action(
            "milestone_done",
            gettext_lazy("完成整改节点"),
            MilestoneDoneIn,
            files=("files",),
            run=lambda *, actor, obj, data, files: services.problem_complete_milestone(
                actor=actor,
                milestone=_milestone(obj, data.milestone),
                note=data.note,
                files=_uploads(files),
            ),
        ),
    ],
)

# what the page says after each action
DONE = {
    "claim": gettext_lazy("已认领，请挂出作战图、列出时间表。"),
    "report": gettext_lazy("整改进展已报送。"),
    "request_closure": gettext_lazy("已申请销号，等待督查人员核验。"),
    "close": gettext_lazy("已核验销号。"),
    "reopen": gettext_lazy("已退回重改。"),
    "void": gettext_lazy("问题已作废（记录保留）。"),
    "extend": gettext_lazy("整改时限已延长。"),
    "flag": gettext_lazy("标记已更新。"),
    "milestone_add": gettext_lazy("已增加整改节点。"),
    "milestone_done": gettext_lazy("节点已完成。"),
}
