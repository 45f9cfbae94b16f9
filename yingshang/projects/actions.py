"""The stage moves as one registry (workflow.actions): the staff page's buttons and the API's
POST /api/v1/projects/stages/{stage_id}/<action> both run these. Submission and resubmission
carry files and the stage form, so their pages and endpoints are multipart (views.py, api.py)
and call the same services."""

from django.utils.translation import gettext_lazy as _
from ninja import Schema

from yingshang import inputs
from yingshang.cases.models import ApprovalTask
from yingshang.errors import InvalidInput
from yingshang.projects import services
from yingshang.projects.models import ProjectStage
from yingshang.projects.transitions import STAGE
from yingshang.workflow.actions import Action, ActionSet


class SubmitIn(Schema):
    form_data: dict[inputs.Text[60], inputs.Line] = {}


class ReturnIn(Schema):
    task: inputs.DbId
    items: list[inputs.Line]
    note: inputs.Content = ""


class ApproveIn(Schema):
    licences: dict[inputs.Text[60], inputs.Text[60]] = {}
    reasons: inputs.Content = ""


class RefuseIn(Schema):
    reasons: inputs.Content


def _submit(*, actor, obj, data, files):
    return services.stage_submit(
        actor=actor, stage=obj, form_data=data.form_data, files=_materials(files)
    )


def _resubmit(*, actor, obj, data, files):
    return services.stage_resubmit(actor=actor, stage=obj, files=_materials(files))


def _materials(files) -> dict:
    """Uploaded files named m_<material key> → {material key: [file, …]}."""
    if not files:
        return {}
    return {k[2:]: files.getlist(k) for k in files if k.startswith("m_")}


def _return(*, actor, obj, data, files):
    task = (
        ApprovalTask.objects.filter(pk=data.task, case_id=obj.case_id).first()
        if obj.case_id
        else None
    )
    if task is None:
        raise InvalidInput(
            "STAGE_TASK_INVALID", _("该阶段没有这个并联审批任务"), details={"field": "task"}
        )
    return services.stage_return(
        actor=actor, stage=obj, task=task, items=data.items, note=data.note
    )


def _approve(*, actor, obj, data, files):
    return services.stage_approve(
        actor=actor, stage=obj, licences=data.licences, reasons=data.reasons
    )


def _refuse(*, actor, obj, data, files):
    return services.stage_refuse(actor=actor, stage=obj, reasons=data.reasons)


STAGE_ACTIONS = ActionSet(
    ProjectStage,
    table=STAGE,
    target="stage",
    actions=[
        Action("submit", _("提交本阶段申请"), SubmitIn, run=_submit),
        Action("return", _("退回补正"), ReturnIn, run=_return, style="outline-warning"),
        Action("resubmit", _("提交补正"), run=_resubmit),
        Action("approve", _("本阶段办结"), ApproveIn, run=_approve, style="success"),
        Action("refuse", _("不予许可"), RefuseIn, run=_refuse, style="outline-danger"),
    ],
)
