"""The states of a problem (DESIGN.md §8). Overdue is a clock state, not a status."""

from yingshang.transitions import TransitionTable

ASSIGNED = "assigned"
CLAIMED = "claimed"
RECTIFYING = "rectifying"
CLOSURE_REQUESTED = "closure_requested"
CLOSED = "closed"
REOPENED = "reopened"
VOIDED = "voided"

OPEN = {ASSIGNED, CLAIMED, RECTIFYING, CLOSURE_REQUESTED, REOPENED}
WORKING = {CLAIMED, RECTIFYING, REOPENED}

problem_table = TransitionTable(
    "supervision.problem",
    [
        ("claim", {ASSIGNED}, CLAIMED),  # 认领
        ("report", WORKING, RECTIFYING),  # 报送整改进展
        ("request_closure", WORKING, CLOSURE_REQUESTED),  # 申请销号（附佐证）
        ("close", {CLOSURE_REQUESTED}, CLOSED),  # 销号（督查人员核验）
        ("reopen", {CLOSURE_REQUESTED, CLOSED}, REOPENED),  # 退回重改
        ("void", OPEN, VOIDED),  # 作废（误建），留痕
        ("flag", OPEN | {CLOSED}, None),  # 曝光 / 问责
        ("plan", OPEN - {CLOSURE_REQUESTED}, None),  # 修改整改计划、节点
        ("milestone_done", WORKING, None),  # 完成节点
        ("extend", OPEN, None),  # 延长整改时限
    ],
    error_prefix="PROBLEM",
)
