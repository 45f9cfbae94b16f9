"""What staff and applicants can do to a case: one registry that drives the staff page's buttons
(`/staff/cases/<pk>/<action>/`), the applicant's page (`/cases/mine/<number>/<action>/`) and the
API (`POST /api/v1/cases/{number}/transitions/<action>`, one endpoint and schema per action).

Every action runs one service; the service's workflow.acquire checks the actor (abilities in
scopes.py) and the move (transitions.py). Related rows named in the input (a task, a correction,
a verification, a unit) are looked up on the case here, with a precise 404."""

import base64
import binascii

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema
from pydantic import field_validator

from yingshang import inputs
from yingshang.cases import services
from yingshang.cases.models import Case
from yingshang.cases.transitions import CASE
from yingshang.errors import DomainError, InvalidInput
from yingshang.org import scope
from yingshang.workflow.actions import Action, ActionSet

# moves of the table no one asks for by name: a submission creates the case, deemed acceptance
# is the intake sweep's (workflow.SYSTEM), a decision is revoked by a false 告知承诺 check
NOT_ACTIONS = {"submit", "deem_accept", "revoke_decision"}


# --- input ----------------------------------------------------------------------------------
class FileIn(Schema):
    material_key: str = Field(..., max_length=60, description="材料标识（事项材料清单中的 key）")
    name: str = Field(..., max_length=200, description="原文件名")
    content_base64: str = Field(..., description="文件内容（base64）")


def decode_file(f: FileIn) -> ContentFile:
    try:
        raw = base64.b64decode(f.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            "FILE_BASE64_INVALID",
            _("文件“%(name)s”的内容不是有效的 base64") % {"name": f.name},
            details={"field": f.material_key},
        ) from None
    return ContentFile(raw, name=f.name)


class CaseDeficitIn(Schema):
    signed_at_window: bool = Field(False, description="申请人已在窗口签署容缺受理承诺书")


class CaseCorrectionIn(Schema):
    items: list[inputs.Line] = Field(
        default_factory=list, max_length=100, description="一次性告知的全部事项（页面：每行一项）"
    )
    reason: inputs.Content = Field("", description="说明")

    @field_validator("items")
    @classmethod
    def one_per_line(cls, items: list[str]) -> list[str]:
        return [line for item in items for line in str(item).splitlines()]


class CaseReasonIn(Schema):
    reason: inputs.Content = ""


class CaseCorrectionApprovalIn(Schema):
    correction_id: int = Field(..., description="等待审批的第二次补正告知")
    approve: bool = False
    reason: inputs.Content = ""


class CaseTaskDecisionIn(Schema):
    task_id: int | None = Field(None, description="并联审批任务")
    decision: str = Field("", description="approved 或 not_approved")
    opinion: inputs.Content = ""
    produced_keys: list[inputs.Line] = Field(
        default_factory=list,
        description="本事项在一件事内产出的信息的标识（与 produced_values 对应）",
    )
    produced_values: list[inputs.Line] = Field(
        default_factory=list, description="产出信息的值，如核发营业执照的统一社会信用代码"
    )


class CaseOpinionTaskIn(Schema):
    unit_id: int = Field(..., description="征求意见的单位")
    days: int = Field(..., description="时限（工作日）")
    title: inputs.Line = ""


class CaseTaskReassignIn(Schema):
    task_id: int | None = Field(None, description="并联审批任务")
    unit_id: int | None = Field(None, description="改派给的单位")
    reason: str = Field("", description="改派理由")


class CaseProcedureIn(Schema):
    name: str = Field("", description="特别程序名称（现场踏勘、专家评审、公示、听证）")


class CaseDecisionIn(Schema):
    decision: str = Field("", description="approved 或 not_approved")
    reasons: inputs.Content = ""


class CaseDeliveryIn(Schema):
    method: str = Field("", description="window_pickup / mail / e_licence")
    tracking_number: inputs.Text[60] = ""
    address: inputs.Line = ""
    file: FileIn | None = Field(None, description="电子证照文件（页面：上传）")


class CaseAssistantIn(Schema):
    assistant: str = Field("", description="帮办代办员的账号")
    reason: inputs.Content = ""


class CaseSupplementReviewIn(Schema):
    material_key: str = Field("", max_length=60, description="容缺材料标识")
    accept: bool = Field(False, description="true 审核接收；false 退回（须填理由）")
    reason: str = Field("", description="退回理由")


class CaseVerificationIn(Schema):
    verification_id: int | None = Field(None, description="告知承诺核查")
    truthful: bool | None = None
    reason: inputs.Content = Field("", description="核查情况")


# --- what each action runs ------------------------------------------------------------------
def _not_found(code: str, message: str) -> DomainError:
    return DomainError(code, message, status=404)


def material_files(files, materials) -> dict:
    """Uploads of a page form (material_<key>) by material key."""
    if not hasattr(files, "getlist"):
        return {}
    out = {m["key"]: files.getlist(f"material_{m['key']}") for m in materials}
    return {k: v for k, v in out.items() if v}


def _task_decide(*, actor, obj, data, files):
    task = obj.tasks.filter(pk=data.task_id).first() if data.task_id else None
    if task is None:
        raise _not_found("TASK_NOT_FOUND", _("该办件没有这个审批任务"))
    return services.task_decide(
        actor=actor,
        task=task,
        decision=data.decision,
        opinion=data.opinion,
        produced=dict(zip(data.produced_keys, data.produced_values, strict=False)),
    )


def _reassign_task(*, actor, obj, data, files):
    from yingshang.org.models import Unit

    task = obj.tasks.filter(pk=data.task_id).first() if data.task_id else None
    if task is None:
        raise _not_found("TASK_NOT_FOUND", _("该办件没有这个审批任务"))
    unit = scope.visible_to(actor, Unit).filter(pk=data.unit_id).first() if data.unit_id else None
    if data.unit_id and unit is None:
        raise _not_found("UNIT_NOT_FOUND", _("没有这个单位"))
    return services.task_reassign(actor=actor, task=task, unit=unit, reason=data.reason)


def _approve_correction(*, actor, obj, data, files):
    correction = obj.corrections.filter(pk=data.correction_id).first()
    if correction is None:
        raise _not_found("CORRECTION_NOT_FOUND", _("该办件没有这份补正告知"))
    return services.correction_approve(
        actor=actor, correction=correction, approve=data.approve, reason=data.reason
    )


def _add_opinion_task(*, actor, obj, data, files):
    from yingshang.org.models import Unit

    unit = scope.visible_to(actor, Unit).filter(pk=data.unit_id).first()
    if unit is None:
        raise _not_found("UNIT_NOT_FOUND", _("没有这个单位"))
    return services.task_add_opinion(
        actor=actor, case=obj, unit=unit, days=data.days, title=data.title
    )


def _deliver(*, actor, obj, data, files):
    upload = files.get("file") if hasattr(files, "get") else None
    if upload is None and data.file is not None:
        upload = decode_file(data.file)
    return services.case_deliver(
        actor=actor,
        case=obj,
        method=data.method,
        tracking_number=data.tracking_number,
        address=data.address,
        file=upload,
    )


def _assign_assistant(*, actor, obj, data, files):
    from yingshang.org.models import User

    username = data.assistant.strip()
    assistant = User.objects.filter(kind="staff", username=username).first() if username else None
    return services.case_assign_assistant(
        actor=actor, case=obj, assistant=assistant, reason=data.reason
    )


def _verify(*, actor, obj, data, files):
    v = obj.verifications.filter(pk=data.verification_id).first() if data.verification_id else None
    if v is None:
        raise _not_found("VERIFICATION_NOT_FOUND", _("该办件没有这项核查"))
    return services.verification_check(
        actor=actor, verification=v, truthful=bool(data.truthful), note=data.reason
    )


CASE_ACTIONS = ActionSet(
    Case,
    table=CASE,
    actions=[
        Action(
            "accept",
            gettext_lazy("受理"),
            service=services.case_accept,
        ),
        Action(
            "accept_with_deficit",
            gettext_lazy("容缺受理"),
            CaseDeficitIn,
            service=services.case_accept_with_deficit,
        ),
        Action(
            "request_correction",
            gettext_lazy("一次性告知补正"),
            CaseCorrectionIn,
            run=lambda *, actor, obj, data, files: services.case_request_correction(
                actor=actor, case=obj, items=data.items, note=data.reason
            ),
        ),
        Action(
            "approve_correction",
            gettext_lazy("审批第二次补正"),
            CaseCorrectionApprovalIn,
            run=_approve_correction,
        ),
        Action(
            "reject_intake",
            gettext_lazy("不予受理"),
            CaseReasonIn,
            run=lambda *, actor, obj, data, files: services.case_reject_intake(
                actor=actor, case=obj, reason=data.reason
            ),
            style="danger",
        ),
        Action(
            "resubmit",
            gettext_lazy("补正后重新提交"),
            run=lambda *, actor, obj, data, files: services.case_resubmit(
                actor=actor, case=obj, files=material_files(files, obj.materials)
            ),
            files=("material_*",),
        ),
        Action(
            "supply",
            gettext_lazy("补交材料"),
            run=lambda *, actor, obj, data, files: services.case_supply_documents(
                actor=actor, case=obj, files=material_files(files, obj.materials)
            ),
            ability="supply_documents",
            move="supply_documents",
            files=("material_*",),
        ),
        Action(
            "review_supplement",
            gettext_lazy("审核容缺补交材料"),
            CaseSupplementReviewIn,
            run=lambda *, actor, obj, data, files: services.case_review_supplement(
                actor=actor,
                case=obj,
                material_key=data.material_key,
                accept=data.accept,
                reason=data.reason,
            ),
        ),
        Action(
            "start_review",
            gettext_lazy("开始审查"),
            run=lambda *, actor, obj, data, files: services.case_start_review(
                actor=actor, case=obj
            ),
        ),
        Action(
            "task_decide", gettext_lazy("办理并联审批任务"), CaseTaskDecisionIn, run=_task_decide
        ),
        Action(
            "reassign_task",
            gettext_lazy("改派并联审批任务"),
            CaseTaskReassignIn,
            run=_reassign_task,
        ),
        Action(
            "add_opinion_task",
            gettext_lazy("征求意见"),
            CaseOpinionTaskIn,
            run=_add_opinion_task,
        ),
        Action(
            "special_procedure_start",
            gettext_lazy("特别程序（暂停计时）"),
            CaseProcedureIn,
            run=lambda *, actor, obj, data, files: services.case_special_procedure(
                actor=actor, case=obj, start=True, name=data.name
            ),
        ),
        Action(
            "special_procedure_end",
            gettext_lazy("特别程序结束（恢复计时）"),
            run=lambda *, actor, obj, data, files: services.case_special_procedure(
                actor=actor, case=obj, start=False
            ),
        ),
        Action(
            "decide",
            gettext_lazy("作出决定"),
            CaseDecisionIn,
            service=services.case_decide,
        ),
        Action("deliver", gettext_lazy("送达"), CaseDeliveryIn, run=_deliver, files=("file",)),
        Action(
            "close",
            gettext_lazy("办结归档"),
            service=services.case_close,
        ),
        Action(
            "withdraw",
            gettext_lazy("撤回申请"),
            CaseReasonIn,
            service=services.case_withdraw,
            confirm=gettext_lazy("确定撤回该申请吗？"),
            style="danger",
        ),
        Action(
            "terminate",
            gettext_lazy("终止办理"),
            CaseReasonIn,
            service=services.case_terminate,
            style="danger",
        ),
        Action("verify", gettext_lazy("告知承诺核查"), CaseVerificationIn, run=_verify),
        Action(
            "assign_assistant",
            gettext_lazy("指定帮办代办"),
            CaseAssistantIn,
            run=_assign_assistant,
        ),
    ],
)

# the actions the applicant's page posts, with what it says when one is done
APPLICANT_DONE = {
    "supply": gettext_lazy("材料已补交"),
    "resubmit": gettext_lazy("已重新提交，请等待受理"),
    "withdraw": gettext_lazy("申请已撤回"),
}
# the API takes files as base64 in JSON: documents go to POST /cases/{number}/documents
API_ACTIONS = [a.name for a in CASE_ACTIONS.actions if not a.files or a.name == "deliver"]
