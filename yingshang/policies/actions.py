"""What can be done to a policy, a weekly review and an application, once for the staff and
portal pages and the API. Pages post to …/<pk>/<name>/, the API to
/api/v1/policies/{policies|reviews|applications}/{id}/<name>."""

from django.utils.translation import gettext_lazy
from ninja import Schema

from yingshang import inputs
from yingshang.policies import services
from yingshang.policies import transitions as t
from yingshang.policies.models import Application, Policy, PolicyReview
from yingshang.workflow.actions import Action, ActionSet


class ReasonIn(Schema):
    reason: inputs.Text[2000] = ""


class ApproveIn(Schema):
    amount: inputs.Text[20] = ""  # 核定金额（元）; the amount applied for when empty
    reason: inputs.Text[2000] = ""


class PayIn(Schema):
    amount: inputs.Text[20] = ""
    paid_on: inputs.Text[10] = ""  # YYYY-MM-DD; today when empty
    voucher: inputs.Text[60] = ""


class ResubmitIn(Schema):
    note: inputs.Text[2000] = ""


class ReviewIn(Schema):
    conclusion: inputs.Text[12] = ""  # unchanged / updated / to_withdraw
    note: inputs.Text[2000] = ""


class PolicyEditIn(Schema):
    """Fields to change; those left out keep their value."""

    title: inputs.Text[200] | None = None
    issuer: inputs.Text[100] | None = None
    document_number: inputs.Text[60] | None = None
    level: inputs.Text[10] | None = None
    issued_on: inputs.Text[10] | None = None
    effective_on: inputs.Text[10] | None = None
    expires_on: inputs.Text[10] | None = None
    applies_from: inputs.Text[10] | None = None
    applies_until: inputs.Text[10] | None = None
    summary: inputs.Text[4000] | None = None
    interpretation: inputs.Text[20000] | None = None
    owner_unit: inputs.DbId | None = None
    tags: list[inputs.Text[30]] | None = None


def _edit(*, actor, obj, data, files):
    given = data.model_dump(exclude_unset=True)
    tags = given.pop("tags", None)
    owner_unit = given.pop("owner_unit", None)
    return services.policy_update(
        actor=actor, policy=obj, tags=tags, owner_unit=owner_unit, **given
    )


def _files(files) -> dict:
    getlist = getattr(files, "getlist", None)
    if getlist is None:
        return dict(files or {})
    return {key: getlist(key) for key in files}


POLICY_ACTIONS = ActionSet(
    Policy,
    table=t.POLICY,
    actions=[
        Action("publish", gettext_lazy("发布"), service=services.policy_publish, style="success"),
        Action(
            "withdraw",
            gettext_lazy("撤回"),
            ReasonIn,
            style="outline-danger",
            confirm=gettext_lazy("确定撤回该政策？撤回后门户不再显示，历史保留。"),
            service=services.policy_withdraw,
        ),
        Action(
            "update", gettext_lazy("保存修改"), PolicyEditIn, run=_edit, style="outline-secondary"
        ),
    ],
)

REVIEW_ACTIONS = ActionSet(
    PolicyReview,
    table=t.REVIEW,
    target="review",
    actions=[
        Action("complete", gettext_lazy("完成梳理"), ReviewIn, service=services.review_complete)
    ],
)

APPLICATION_ACTIONS = ActionSet(
    Application,
    table=t.APPLICATION,
    actions=[
        Action(
            "approve",
            gettext_lazy("审核通过"),
            ApproveIn,
            style="success",
            service=services.application_approve,
        ),
        Action(
            "return",
            gettext_lazy("退回补正"),
            ReasonIn,
            style="warning",
            service=services.application_return,
        ),
        Action(
            "refuse",
            gettext_lazy("不予兑现"),
            ReasonIn,
            style="outline-danger",
            service=services.application_refuse,
        ),
        Action("pay", gettext_lazy("登记拨付"), PayIn, service=services.application_pay),
        Action(
            "resubmit",
            gettext_lazy("补正后重新提交"),
            ResubmitIn,
            files=("material_0", "material_1", "material_2", "material_3", "material_4"),
            run=lambda *, actor, obj, data, files: services.application_resubmit(
                actor=actor, application=obj, note=data.note, files=_files(files)
            ),
        ),
        Action(
            "cancel",
            gettext_lazy("撤回申请"),
            ReasonIn,
            style="outline-secondary",
            confirm=gettext_lazy("确定撤回该申请？"),
            service=services.application_cancel,
        ),
    ],
)

DONE = {
    "publish": gettext_lazy("已发布到政策日历。"),
    "withdraw": gettext_lazy("已撤回。"),
    "update": gettext_lazy("已保存。"),
    "complete": gettext_lazy("本周梳理已完成。"),
    "approve": gettext_lazy("已审核通过，待拨付。"),
    "return": gettext_lazy("已退回企业补正。"),
    "refuse": gettext_lazy("已作出不予兑现决定。"),
    "pay": gettext_lazy("拨付已登记。"),
    "resubmit": gettext_lazy("已重新提交审核。"),
    "cancel": gettext_lazy("申请已撤回。"),
}
