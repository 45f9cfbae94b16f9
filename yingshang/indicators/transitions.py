"""The states of an indicator value (DESIGN.md §9), as data."""

from yingshang.transitions import TransitionTable

DRAFT = "draft"
SUBMITTED = "submitted"
APPROVED = "approved"
RETURNED = "returned"
EDITABLE = {DRAFT, RETURNED}

VALUE = TransitionTable(
    "indicators.value",
    [
        ("enter", EDITABLE, None),  # 填报数值、上传佐证（保存，不提交）
        ("submit", EDITABLE, SUBMITTED),  # 提交审核
        ("measure", EDITABLE, SUBMITTED),  # 系统按自身记录测算后提交审核
        ("approve", {SUBMITTED}, APPROVED),  # 营商办审核通过
        ("return", {SUBMITTED}, RETURNED),  # 营商办退回（附原因）
        ("reopen", {APPROVED}, RETURNED),  # 营商办撤销通过、退回更正（附原因）
    ],
    error_prefix="INDICATOR_VALUE",
)
