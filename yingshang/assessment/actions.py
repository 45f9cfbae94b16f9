"""The assessment's actions: one registry per record type drives the staff pages and the API."""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from ninja import Schema

from yingshang.assessment import services
from yingshang.assessment.models import (
    Adjustment,
    Exposure,
    Finding,
    Listing,
    Scheme,
    Snapshot,
    Visit,
)
from yingshang.assessment.transitions import (
    ADJUSTMENT,
    EXPOSURE,
    FINDING,
    LISTING,
    SCHEME,
    SNAPSHOT,
    VISIT,
)
from yingshang.workflow.actions import Action, ActionSet, NoInput


class PublishIn(Schema):
    document_number: str = ""


class ReasonIn(Schema):
    reason: str


class FollowupIn(Schema):
    note: str


class ConductIn(Schema):
    conducted_on: dt.date
    team: str
    place: str = ""
    summary: str = ""


class ConfirmIn(Schema):
    points: str = ""  # negative: a 暗访发现 penalty item; empty: none
    open_problem: bool = False
    deadline_days: int | None = None
    measures: str = ""


class NoteIn(Schema):
    note: str = ""


SNAPSHOT_ACTIONS = ActionSet(
    Snapshot,
    table=SNAPSHOT,
    prefix="ASSESSMENT",
    target="snapshot",
    actions=[
        Action(
            "publish",
            _("发布"),
            PublishIn,
            service=services.snapshot_publish,
            confirm=_(
                "发布后排名冻结，不能再修改，并按规则列入表态发言、约谈和表扬名单。确认发布？"
            ),
        ),
        Action(
            "discard",
            _("废弃草稿"),
            ReasonIn,
            service=services.snapshot_discard,
            style="outline-danger",
        ),
    ],
)

LISTING_ACTIONS = ActionSet(
    Listing,
    table=LISTING,
    prefix="ASSESSMENT",
    target="listing",
    actions=[
        Action(
            "followup",
            _("记录落实情况"),
            FollowupIn,
            run=lambda *, actor, obj, data, files: services.listing_followup(
                actor=actor, listing=obj, note=data.note, minutes=files.get("minutes")
            ),
            files=("minutes",),
        )
    ],
)

SCHEME_ACTIONS = ActionSet(
    Scheme,
    table=SCHEME,
    prefix="ASSESSMENT",
    target="scheme",
    actions=[
        Action("activate", _("启用"), NoInput, service=services.scheme_activate),
        Action(
            "retire", _("停用"), ReasonIn, service=services.scheme_retire, style="outline-danger"
        ),
    ],
)

ADJUSTMENT_ACTIONS = ActionSet(
    Adjustment,
    table=ADJUSTMENT,
    prefix="ASSESSMENT",
    target="adjustment",
    actions=[
        Action(
            "void",
            _("作废"),
            ReasonIn,
            service=services.adjustment_void,
            style="outline-danger",
        )
    ],
)


VISIT_ACTIONS = ActionSet(
    Visit,
    table=VISIT,
    prefix="ASSESSMENT",
    target="visit",
    actions=[
        Action("conduct", _("登记已实施"), ConductIn, service=services.visit_conduct),
        Action(
            "cancel", _("取消"), ReasonIn, service=services.visit_cancel, style="outline-danger"
        ),
    ],
)

FINDING_ACTIONS = ActionSet(
    Finding,
    table=FINDING,
    prefix="ASSESSMENT",
    target="finding",
    actions=[
        Action("confirm", _("确认（扣分/转台账）"), ConfirmIn, service=services.finding_confirm),
        Action("void", _("作废"), ReasonIn, service=services.finding_void, style="outline-danger"),
    ],
)

EXPOSURE_ACTIONS = ActionSet(
    Exposure,
    table=EXPOSURE,
    prefix="ASSESSMENT",
    target="exposure",
    actions=[
        Action("submit", _("提交审核"), NoInput, service=services.exposure_submit),
        Action(
            "approve",
            _("审核通过并发布"),
            NoteIn,
            service=services.exposure_approve,
            confirm=_("发布后将在门户曝光台和内部同时公开（人名、电话、证件号已隐去）。确认发布？"),
        ),
        Action(
            "send_back",
            _("退回修改"),
            ReasonIn,
            service=services.exposure_send_back,
            style="outline-secondary",
        ),
        Action(
            "withdraw",
            _("撤回"),
            ReasonIn,
            service=services.exposure_withdraw,
            style="outline-danger",
        ),
    ],
)
