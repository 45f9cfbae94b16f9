"""The moves of the 差评 loop, once, for the staff pages and the API.

- RECTIFICATION_ACTIONS: 核实, 整改答复, 回访, 复核办结, 退回重改 — the page posts `action` and these
  fields; the API has POST /rectifications/{id}/<name> per action (and the older
  /rectifications/{id}/moves with {"action": …, …}, which runs the same registry).
- APPEAL_ACTIONS: the supervisor's decision on an appeal (POST /appeals/{id}/decision); an upheld
  appeal cancels the rectification — the table's last move, `cancel`.
"""

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from yingshang.ratings.models import Appeal, Rectification
from yingshang.ratings.services import appeals, rectifications
from yingshang.ratings.transitions import RECTIFICATION
from yingshang.workflow.actions import Action, ActionSet


# the services check the content (required text, known outcome) with their own codes: the
# schemas take what was typed
class RectificationVerifyIn(Schema):
    note: str = Field("", description="核实情况")


class RectificationReplyIn(Schema):
    outcome: str = Field("", description="处理方式：fixed_now / fixed_by_plan / explained")
    reply: str = Field("", description="整改答复")


class RectificationCallbackIn(Schema):
    result: str = Field("", description="回访结果")
    note: str = Field("", description="回访记录")


class RectificationCloseIn(Schema):
    note: str = Field("", description="复核意见")


class RectificationSendBackIn(Schema):
    reason: str = Field("", description="退回原因")


class AppealDecisionIn(Schema):
    upheld: bool = Field(..., description="申诉成立（核减）为 true")
    reason: str = Field(..., description="审核意见")


RECTIFICATION_ACTIONS = ActionSet(
    Rectification,
    target="rectification",  # the services' keyword; the schemas' fields are their arguments
    table=RECTIFICATION,
    actions=[
        Action(
            "verify",
            _("核实"),
            RectificationVerifyIn,
            service=rectifications.rectification_verify,
        ),
        Action(
            "reply",
            _("提交整改答复"),
            RectificationReplyIn,
            service=rectifications.rectification_reply,
        ),
        Action(
            "callback",
            _("记录回访"),
            RectificationCallbackIn,
            service=rectifications.rectification_callback,
        ),
        Action(
            "close",
            _("复核办结"),
            RectificationCloseIn,
            service=rectifications.rectification_close,
        ),
        Action(
            "send_back",
            _("退回重改"),
            RectificationSendBackIn,
            style="outline-danger",
            service=rectifications.rectification_send_back,
        ),
    ],
)

APPEAL_ACTIONS = ActionSet(
    Appeal,
    prefix="APPEAL",
    actions=[
        Action(
            "decision",
            _("审核申诉"),
            AppealDecisionIn,
            ability="decide",
            move="cancel",  # when upheld: the rectification's `cancel`
            run=lambda *, actor, obj, data, files: appeals.appeal_decide(
                actor=actor, appeal=obj, upheld=data.upheld, reason=data.reason
            ),
        ),
    ],
)
