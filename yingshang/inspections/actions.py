"""What can be done to a plan and to an inspection, once for the staff pages and the API
(yingshang.workflow.actions). Pages post to /staff/inspections/plans/<pk>/<name>/ and
/staff/inspections/i/<pk>/<name>/; the API to /api/v1/inspections/plans/{pk}/<name> and
/api/v1/inspections/inspections/{pk}/<name>."""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema

from yingshang import inputs
from yingshang.errors import DomainError, InvalidInput
from yingshang.inspections import services
from yingshang.inspections import transitions as t
from yingshang.inspections.models import Inspection, Objection, Plan
from yingshang.workflow.actions import Action, ActionSet


class ReasonIn(Schema):
    reason: inputs.Text[300] = ""


class ScheduleIn(Schema):
    scheduled_on: dt.date | None = None


class ExceptionIn(Schema):
    planned_on: dt.date | None = None
    category: inputs.Text[16] = ""
    reason: inputs.Text[2000] = ""


class MergeIn(Schema):
    host_id: inputs.DbId


class RecordIn(Schema):
    result: inputs.Text[16] = ""
    signature: inputs.Text[8] = ""
    signer: inputs.Text[40] = ""
    findings: inputs.Text[4000] = ""
    follow_up: inputs.Text[2000] = ""
    ended_on: dt.date | None = None
    # the checklist: every item of the plan's matters is checked; these "matter:item" keys failed
    failed_items: list[inputs.Text[260]] = []
    notes: inputs.Text[300] = ""


class PublishIn(Schema):
    summary: inputs.Text[2000] = ""


class CorrectIn(Schema):
    result: inputs.Text[16] = ""
    summary: inputs.Text[2000] = ""
    reason: inputs.Text[300] = ""


class PenaltyIn(Schema):
    decision_number: inputs.Text[64] = ""
    decided_on: dt.date | None = None
    types: list[inputs.Text[24]] = []
    legal_basis: inputs.Text[2000] = ""
    severity: inputs.Text[8] = "general"
    content: inputs.Text[2000] = ""


class AnswerIn(Schema):
    objection_id: inputs.DbId
    answer: inputs.Text[4000] = ""


def _day(value, field: str) -> dt.date:
    if value is None:
        raise InvalidInput("INSPECTIONS_DATE_REQUIRED", _("请选择日期"), details={"field": field})
    return value


def _photos(files) -> list:
    getlist = getattr(files, "getlist", None)
    return getlist("photos") if getlist else list((files or {}).get("photos", []))


def checklist_of(inspection: Inspection, failed: list[str], notes: str = "") -> list[dict]:
    failed_set = set(failed)
    rows = []
    for matter in inspection.plan.matters.order_by("code"):
        for item in matter.checklist:
            key = f"{matter.code}:{item}"
            rows.append(
                {
                    "matter": matter.code,
                    "item": item,
                    "ok": key not in failed_set,
                    "note": notes if key in failed_set else "",
                }
            )
    unknown = failed_set - {f"{r['matter']}:{r['item']}" for r in rows}
    if unknown:
        raise InvalidInput(
            "INSPECTIONS_CHECKLIST_ITEM_UNKNOWN",
            _("检查要点不属于本计划的抽查事项"),
            details={"field": "failed_items"},
        )
    return rows


def _record(*, actor, obj, data: RecordIn, files):
    return services.inspection_record(
        actor=actor,
        inspection=obj,
        result=data.result,
        signature=data.signature,
        signer=data.signer,
        findings=data.findings,
        follow_up=data.follow_up,
        ended_on=data.ended_on,
        checklist=checklist_of(obj, data.failed_items, data.notes),
        photos=_photos(files),
    )


def _answer(*, actor, obj, data: AnswerIn, files):
    objection = Objection.objects.filter(pk=data.objection_id, inspection=obj).first()
    if objection is None:
        raise DomainError("INSPECTIONS_OBJECTION_NOT_FOUND", _("该检查没有这条异议"), status=404)
    return services.objection_answer(actor=actor, objection=objection, answer=data.answer)


PLAN_ACTIONS = ActionSet(
    Plan,
    table=t.PLAN,
    target="plan",
    actions=[
        Action(
            "commit",
            gettext_lazy("公示抽取承诺"),
            service=services.plan_commit,
            confirm=gettext_lazy("公示后将固定名录库快照和随机种子摘要，确定公示吗？"),
        ),
        Action("draw", gettext_lazy("抽取并揭示"), service=services.plan_draw),
        Action("next_round", gettext_lazy("公示下一轮承诺"), service=services.plan_commit),
        Action(
            "redraw",
            gettext_lazy("重新抽取"),
            ReasonIn,
            service=services.plan_redraw,
            style="outline-danger",
            confirm=gettext_lazy("重抽原因将公开公示，确定重新抽取吗？"),
        ),
        Action(
            "close",
            gettext_lazy("结束计划"),
            ReasonIn,
            service=services.plan_close,
            style="outline-secondary",
        ),
        Action(
            "withdraw",
            gettext_lazy("撤回计划"),
            ReasonIn,
            service=services.plan_withdraw,
            style="outline-danger",
        ),
    ],
)

INSPECTION_ACTIONS = ActionSet(
    Inspection,
    table=t.INSPECTION,
    target="inspection",
    actions=[
        Action(
            "schedule",
            gettext_lazy("安排检查日期"),
            ScheduleIn,
            run=lambda *, actor, obj, data, files: services.inspection_schedule(
                actor=actor, inspection=obj, scheduled_on=_day(data.scheduled_on, "scheduled_on")
            ),
        ),
        Action(
            "file_exception",
            gettext_lazy("宁静日例外报备"),
            ExceptionIn,
            run=lambda *, actor, obj, data, files: services.inspection_file_exception(
                actor=actor,
                inspection=obj,
                planned_on=_day(data.planned_on, "planned_on"),
                category=data.category,
                reason=data.reason,
            ),
        ),
        Action("merge", gettext_lazy("合并为联合检查"), MergeIn, service=services.inspection_merge),
        Action("record", gettext_lazy("记录检查结果"), RecordIn, run=_record, files=("photos",)),
        Action("publish", gettext_lazy("公示结果"), PublishIn, service=services.inspection_publish),
        Action(
            "correct",
            gettext_lazy("发布更正版本"),
            CorrectIn,
            service=services.inspection_correct,
            style="outline-warning",
        ),
        Action(
            "open_problem",
            gettext_lazy("问题转入督查台账"),
            service=services.inspection_open_problem,
            style="outline-primary",
        ),
        Action(
            "record_penalty",
            gettext_lazy("录入处罚决定（信用档案）"),
            PenaltyIn,
            service=services.inspection_record_penalty,
            style="outline-primary",
        ),
        Action("answer", gettext_lazy("答复异议"), AnswerIn, run=_answer, style="outline-primary"),
        Action(
            "void",
            gettext_lazy("作废"),
            ReasonIn,
            service=services.inspection_void,
            style="outline-danger",
        ),
    ],
)
