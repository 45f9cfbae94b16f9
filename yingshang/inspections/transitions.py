"""The states of plans and inspections, as data."""

from yingshang.transitions import TransitionTable

DRAFT, COMMITTED, DRAWN, CLOSED, WITHDRAWN = "draft", "committed", "drawn", "closed", "withdrawn"

PLAN = TransitionTable(
    "inspections.plan",
    [
        ("commit", {DRAFT}, COMMITTED),  # 公示承诺：计划、名录库摘要、种子摘要
        ("draw", {COMMITTED}, DRAWN),  # 抽取并揭示种子与结果
        ("redraw", {COMMITTED, DRAWN}, COMMITTED),  # 重抽（须记录原因），新承诺
        ("next_round", {DRAWN}, COMMITTED),  # 下一轮的承诺
        ("close", {DRAWN}, CLOSED),
        ("withdraw", {DRAFT, COMMITTED}, WITHDRAWN),
    ],
    error_prefix="INSPECTIONS_PLAN",
)

ASSIGNED, SCHEDULED, RECORDED, PUBLISHED, VOIDED = (
    "assigned",
    "scheduled",
    "recorded",
    "published",
    "voided",
)
OPEN = {ASSIGNED, SCHEDULED}

INSPECTION = TransitionTable(
    "inspections.inspection",
    [
        ("schedule", OPEN, SCHEDULED),  # 安排检查日期（宁静日规则、合并规则）
        ("file_exception", OPEN, None),  # 宁静日例外报备
        ("merge", OPEN, None),  # 与其他部门的检查合并（进一次门、查多项事）
        ("record", {SCHEDULED, RECORDED}, RECORDED),  # 现场检查记录、结果
        ("publish", {RECORDED}, PUBLISHED),  # 公示结果
        ("correct", {PUBLISHED}, PUBLISHED),  # 更正：发布新版本
        ("open_problem", {RECORDED, PUBLISHED}, None),  # 问题转入督查台账
        ("record_penalty", {RECORDED, PUBLISHED}, None),  # 立案查处：处罚决定录入信用档案
        ("answer", {PUBLISHED}, None),  # 答复企业异议
        ("void", OPEN, VOIDED),  # 作废（企业注销等），留痕
    ],
    error_prefix="INSPECTIONS",
)
