"""Every action on a work order, once: name → input, service, label, ability. Drives the staff
order page's buttons (views.orders.order_action) and the API (POST
/api/v1/hotline/orders/{order_id}/<name>, one endpoint with its own schema per action).

The API keeps its historical names for the two decisions (approve_extension / deny_extension,
approve_reply / send_back); the page posts one form for each (decide_extension / review_reply
with `approve`). A reference to a row that does not exist (an extension, a return, a unit, the
order to merge into) is a 404 with its own code; input that breaks the schema is a 400."""

from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import BeforeValidator

from yingshang import inputs
from yingshang.errors import DomainError, InvalidInput
from yingshang.hotline import services
from yingshang.hotline.models import Extension, ReturnRequest, Supervision, Topic, WorkOrder
from yingshang.hotline.transitions import ORDER
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.workflow.actions import Action, ActionSet


def _row_ref(value):
    """A posted row id: empty is no id; text that is not a number names no row (0)."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        return int(value) if value.isdigit() else 0
    return value


RowId = Annotated[int | None, BeforeValidator(_row_ref)]


def _not_found(code: str, message: str, field: str):
    return DomainError(code, message, details={"field": field}, status=404)


# --- inputs -----------------------------------------------------------------------------------
class DispatchIn(Schema):
    main_unit_id: int | None = Field(None, description="主办单位")
    co_unit_ids: list[inputs.DbId] = Field([], max_length=50, description="协办单位")
    suggested_unit_id: int | None = Field(
        None, description="派单建议给出的单位（用于统计建议采纳率）"
    )
    note: inputs.Content = ""


class ReassignIn(Schema):
    main_unit_id: int | None = Field(None, description="改派给的主办单位")
    reason: str = Field("", description="改派理由")


class AnswerIn(Schema):
    reply: inputs.Content = Field("", description="答复内容")
    text: inputs.Content = Field("", description="答复内容（同 reply）")
    note: inputs.Content = ""
    article_id: int | None = Field(None, description="引用的知识库条目")


class ReasonIn(Schema):
    reason: inputs.Content = ""


class NoteIn(Schema):
    note: inputs.Content = ""


class RuleReturnIn(Schema):
    return_id: RowId = Field(None, description="退单记录")
    justified: bool | None = Field(None, description="退单是否成立")
    note: inputs.Content = ""


class AskExtensionIn(Schema):
    days: int | None = Field(None, description="延期工作日数（1–30）")
    reason: inputs.Content = ""


class ExtensionIn(Schema):
    extension_id: RowId = Field(None, description="延期申请")
    note: inputs.Content = ""


class DecideExtensionIn(ExtensionIn):
    approve: bool | None = None


class ReplyIn(Schema):
    text: inputs.Content = Field("", description="办理结果")


class ReviewIn(Schema):
    approve: bool | None = None
    note: inputs.Content = ""


class CallbackIn(Schema):
    resolved: bool | None = None
    satisfied: bool | None = None
    note: inputs.Content = ""


class CallbackRedoIn(Schema):
    reason: str = Field("", description="不满意的原因（即重办原因，承办单位原因）")
    resolved: bool | None = Field(None, description="问题是否已解决（可不填）")


class MergeIn(Schema):
    into_number: str = Field("", description="并入的工单编号")
    reason: inputs.Content = ""


class ReclassifyIn(Schema):
    category: str = Field("", description="诉求类别（空：不变）")
    topic_code: str | None = Field(None, description="分类代码")
    topic_id: RowId = Field(None, description="分类（页面表单）")
    reason: inputs.Content = ""


class CoOpinionIn(Schema):
    opinion: str = Field("", description="协办意见")
    unit_id: int | None = Field(
        None, description="以哪个协办单位提交（本人在本工单多个协办单位任职时必填）"
    )


# --- what each action runs ---------------------------------------------------------------------
def _dispatch(*, actor, obj, data: DispatchIn, files):
    unit = (
        scope.visible_to(actor, Unit).filter(pk=data.main_unit_id, is_active=True).first()
        if data.main_unit_id
        else None
    )
    return services.workorder_dispatch(
        actor=actor,
        order=obj,
        main_unit=unit,
        co_units=list(scope.visible_to(actor, Unit).filter(pk__in=data.co_unit_ids)),
        note=data.note,
        suggested_unit_id=data.suggested_unit_id,
    )


def _reassign(*, actor, obj, data: ReassignIn, files):
    unit = (
        scope.visible_to(actor, Unit).filter(pk=data.main_unit_id).first()
        if data.main_unit_id
        else None
    )
    if data.main_unit_id and unit is None:
        raise _not_found("HOTLINE_UNIT_NOT_FOUND", _("没有这个单位"), "main_unit_id")
    return services.workorder_reassign(actor=actor, order=obj, main_unit=unit, reason=data.reason)


def _answer(*, actor, obj, data: AnswerIn, files):
    return services.workorder_answer_directly(
        actor=actor,
        order=obj,
        reply=data.reply or data.text or data.note,
        article_id=data.article_id,
    )


def _return_request(order, return_id) -> ReturnRequest:
    ret = ReturnRequest.objects.filter(pk=return_id or 0, order=order).first()
    if ret is None:
        raise _not_found("HOTLINE_RETURN_NOT_FOUND", _("退单记录不存在"), "return_id")
    return ret


def _extension(order, extension_id) -> Extension:
    ext = Extension.objects.filter(pk=extension_id or 0, order=order).first()
    if ext is None:
        raise _not_found("HOTLINE_EXTENSION_NOT_FOUND", _("延期申请不存在"), "extension_id")
    return ext


def _decide(approve: bool | None):
    def run(*, actor, obj, data, files):
        return services.workorder_decide_extension(
            actor=actor,
            extension=_extension(obj, data.extension_id),
            approve=(data.approve is True) if approve is None else approve,
            note=data.note,
        )

    return run


def _review(approve: bool | None):
    def run(*, actor, obj, data, files):
        return services.workorder_review_reply(
            actor=actor,
            order=obj,
            approve=(data.approve is True) if approve is None else approve,
            note=data.note,
        )

    return run


def _merge(*, actor, obj, data: MergeIn, files):
    target = scope.get_for(actor, WorkOrder, data.into_number.strip(), field="number")
    return services.workorder_merge(actor=actor, order=obj, into=target, reason=data.reason)


def _topic(data: ReclassifyIn) -> Topic | None:
    if data.topic_code:
        topic = Topic.objects.filter(code=data.topic_code, is_active=True).first()
        if topic is None:
            raise InvalidInput(
                "HOTLINE_TOPIC_UNKNOWN", _("分类代码不存在"), details={"field": "topic_code"}
            )
        return topic
    return Topic.objects.filter(pk=data.topic_id).first() if data.topic_id else None


def _reclassify(*, actor, obj, data: ReclassifyIn, files):
    return services.workorder_reclassify(
        actor=actor,
        order=obj,
        category=data.category or obj.category,
        topic=_topic(data),
        reason=data.reason,
    )


def _supervise(kind: str):
    def run(*, actor, obj, data: NoteIn, files):
        return services.workorder_supervise(actor=actor, order=obj, kind=kind, note=data.note)

    return run


def _attach(*, actor, obj, data, files):
    if "file" not in files:
        raise DomainError("HOTLINE_ATTACH_MISSING", _("请选择要上传的文件"), status=400)
    return services.workorder_attach(actor=actor, order=obj, upload=files["file"])


ORDER_ACTIONS = ActionSet(
    WorkOrder,
    target="order",  # the services' keyword; where a schema's fields are their arguments
    table=ORDER,
    actions=[
        Action("dispatch", _("派单"), DispatchIn, run=_dispatch),
        Action("reassign", _("改派"), ReassignIn, run=_reassign),
        Action("answer_directly", _("直接答复办结"), AnswerIn, run=_answer),
        Action(
            "sign",
            _("签收"),
            service=services.workorder_sign,
        ),
        Action(
            "return",
            _("退单"),
            ReasonIn,
            service=services.workorder_return,
        ),
        Action(
            "rule_return",
            _("退单认定"),
            RuleReturnIn,
            run=lambda *, actor, obj, data, files: services.workorder_rule_return(
                actor=actor,
                return_request=_return_request(obj, data.return_id),
                justified=data.justified is True,
                note=data.note,
            ),
        ),
        Action(
            "ask_extension",
            _("申请延期"),
            AskExtensionIn,
            run=lambda *, actor, obj, data, files: services.workorder_ask_extension(
                actor=actor, order=obj, days=data.days, reason=data.reason
            ),
        ),
        Action(
            "approve_extension",
            _("批准延期"),
            ExtensionIn,
            run=_decide(True),
            ability="decide_extension",
            move="decide_extension",
        ),
        Action(
            "deny_extension",
            _("不批准延期"),
            ExtensionIn,
            run=_decide(False),
            ability="decide_extension",
            move="decide_extension",
        ),
        Action("decide_extension", _("审核延期"), DecideExtensionIn, run=_decide(None)),
        Action(
            "reply",
            _("答复"),
            ReplyIn,
            run=lambda *, actor, obj, data, files: services.workorder_reply(
                actor=actor, order=obj, text=data.text
            ),
        ),
        Action("approve_reply", _("审核通过答复"), NoteIn, run=_review(True)),
        Action("send_back", _("退回重新答复"), NoteIn, run=_review(False)),
        Action("review_reply", _("审核答复"), ReviewIn, run=_review(None), move=None),
        Action(
            "callback",
            _("回访"),
            CallbackIn,
            service=services.workorder_callback,
        ),
        Action(
            "redo",
            _("重办"),
            ReasonIn,
            service=services.workorder_redo,
        ),
        Action(
            "callback_redo",
            _("不满意，退回重办"),
            CallbackRedoIn,
            service=services.workorder_callback_redo,
            ability="redo",
            move="redo",
        ),
        Action(
            "close",
            _("办结"),
            NoteIn,
            service=services.workorder_close,
        ),
        Action("merge", _("合并重复工单"), MergeIn, run=_merge),
        Action("reclassify", _("调整分类"), ReclassifyIn, run=_reclassify),
        Action("supervise", _("督办"), NoteIn, run=_supervise(Supervision.Kind.SUPERVISE)),
        Action("urge", _("催办"), NoteIn, run=_supervise(Supervision.Kind.URGE)),
        Action(
            "co_opinion",
            _("提交协办意见"),
            CoOpinionIn,
            service=services.workorder_co_opinion,
            move=None,
        ),
        Action("attach", _("上传附件"), run=_attach, move=None, files=("file",)),
    ],
)

# the API's actions (the page's combined decision forms, the co-opinion with its own response
# and the multipart upload are page-only)
API_ACTIONS = [
    "dispatch",
    "reassign",
    "answer_directly",
    "sign",
    "return",
    "rule_return",
    "ask_extension",
    "approve_extension",
    "deny_extension",
    "reply",
    "approve_reply",
    "send_back",
    "callback",
    "redo",
    "callback_redo",
    "close",
    "merge",
    "reclassify",
    "supervise",
    "urge",
]

# names the order page's forms used before the registry (bookmarked forms, scripts): read as the
# schema's names
FORM_NAMES = {
    "main_unit": "main_unit_id",
    "co_units": "co_unit_ids",
    "suggested_unit": "suggested_unit_id",
    "into": "into_number",
    "topic": "topic_id",
}
