"""What can be done to an indicator value, once for the staff pages and the API. Pages post to
/staff/indicators/v/<pk>/<name>/, the API to /api/v1/indicators/values/<pk>/<name>."""

from django.utils.translation import gettext_lazy
from ninja import Schema

from yingshang.indicators import services
from yingshang.indicators import transitions as t
from yingshang.indicators.models import Value
from yingshang.workflow.actions import Action, ActionSet


class EnterIn(Schema):
    value: str = ""  # a decimal as text: "3.5" (the page's field and the API's alike)
    target: str = ""
    note: str = ""


class CompareIn(Schema):
    province_avg: str = ""
    city_avg: str = ""
    best_county: str = ""


class ReasonIn(Schema):
    reason: str = ""


def _uploads(files) -> list:
    getlist = getattr(files, "getlist", None)
    return getlist("files") if getlist else list((files or {}).get("files", []))


VALUE_ACTIONS = ActionSet(
    Value,
    table=t.VALUE,
    target="value",
    actions=[
        Action(
            "enter",
            gettext_lazy("保存填报"),
            EnterIn,
            files=("files",),
            run=lambda *, actor, obj, data, files: services.value_enter(
                actor=actor,
                value=obj,
                number=data.value,
                target=data.target,
                note=data.note,
                files=_uploads(files),
            ),
        ),
        Action("submit", gettext_lazy("提交审核"), service=services.value_submit),
        Action("measure", gettext_lazy("按平台记录测算"), service=services.value_measure),
        Action(
            "approve",
            gettext_lazy("审核通过"),
            ReasonIn,
            style="success",
            service=services.value_approve,
        ),
        Action(
            "return", gettext_lazy("退回"), ReasonIn, style="warning", service=services.value_return
        ),
        Action(
            "reopen",
            gettext_lazy("撤销通过"),
            ReasonIn,
            style="outline-danger",
            confirm=gettext_lazy("确定撤销审核通过并退回牵头单位更正？"),
            service=services.value_reopen,
        ),
        Action(
            "compare",
            gettext_lazy("保存对比值"),
            CompareIn,
            move=None,
            style="outline-secondary",
            service=services.value_compare,
        ),
        Action(
            "open_problem",
            gettext_lazy("转为问题台账"),
            move=None,
            style="outline-danger",
            service=services.value_open_problem,
        ),
    ],
)

DONE = {
    "enter": gettext_lazy("已保存。确认无误后请提交审核。"),
    "submit": gettext_lazy("已提交营商办审核。"),
    "measure": gettext_lazy("已按平台记录测算并提交审核。"),
    "approve": gettext_lazy("已审核通过，计入得分。"),
    "return": gettext_lazy("已退回牵头单位。"),
    "reopen": gettext_lazy("已撤销通过并退回牵头单位更正。"),
    "open_problem": gettext_lazy("已转为牵头单位的问题台账。"),
    "compare": gettext_lazy("对比值已保存。"),
}
