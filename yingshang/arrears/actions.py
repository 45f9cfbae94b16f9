"""The arrears record's actions: one registry for the staff page and the API."""

from django.utils.translation import gettext_lazy as _
from ninja import Schema

from yingshang import inputs
from yingshang.arrears import services
from yingshang.arrears.models import Arrears
from yingshang.arrears.transitions import arrears_table
from yingshang.workflow.actions import Action, ActionSet


class VerifyIn(Schema):
    """Amounts may be left out: the service names what is missing in Chinese."""

    undisputed_amount: inputs.Amount | None = None
    disputed_amount: inputs.Amount = 0
    dispute_note: inputs.Content = ""
    note: inputs.Content = ""


class ReasonIn(Schema):
    reason: inputs.Content = ""


class PayIn(Schema):
    amount: inputs.Amount | None = None
    paid_on: inputs.Date | None = None
    voucher_number: inputs.Line = ""
    note: inputs.Line = ""


class VoidPaymentIn(Schema):
    payment: inputs.DbId
    reason: inputs.Line = ""


class PlanIn(Schema):
    due_on: inputs.Date | None = None
    amount: inputs.Amount | None = None
    note: inputs.Line = ""


class SettleIn(Schema):
    agreed_amount: inputs.Amount | None = None
    reason: inputs.Content = ""


class AttachIn(Schema):
    note: inputs.Line = ""


def _pay(*, actor, obj, data, files):
    return services.arrears_pay(
        actor=actor, arrears=obj, files=files.getlist("files") if files else [], **dict(data)
    )


def _attach(*, actor, obj, data, files):
    return services.arrears_attach(
        actor=actor, arrears=obj, files=files.getlist("files") if files else [], note=data.note
    )


ARREARS_ACTIONS = ActionSet(
    Arrears,
    table=arrears_table,
    target="arrears",
    actions=[
        Action("verify", _("核实确认"), VerifyIn, service=services.arrears_verify),
        Action(
            "reject",
            _("不予认定"),
            ReasonIn,
            service=services.arrears_reject,
            style="outline-danger",
        ),
        Action("pay", _("登记还款"), PayIn, run=_pay, files=("files",)),
        Action(
            "void_payment",
            _("作废还款记录"),
            VoidPaymentIn,
            service=services.arrears_void_payment,
            confirm=_("确定作废这笔还款记录？记录将保留。"),
            style="outline-danger",
        ),
        Action("plan", _("增加还款计划"), PlanIn, service=services.arrears_plan),
        Action("settle_dispute", _("化解争议"), SettleIn, service=services.arrears_settle_dispute),
        Action("attach", _("上传材料"), AttachIn, run=_attach, files=("files",)),
        Action(
            "void",
            _("作废"),
            ReasonIn,
            service=services.arrears_void,
            confirm=_("确定作废该记录？记录将保留。"),
            style="outline-dark",
        ),
    ],
)
