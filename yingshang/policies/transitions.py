"""The states of policies, weekly reviews and benefit applications (DESIGN.md §11), as data."""

from yingshang.transitions import TransitionTable

# --- a policy in the calendar (政策日历) ----------------------------------------------------
DRAFT = "draft"
PUBLISHED = "published"
WITHDRAWN = "withdrawn"

POLICY = TransitionTable(
    "policies.policy",
    [
        ("update", {DRAFT, PUBLISHED}, None),  # 修改（含政策解读）
        ("publish", {DRAFT}, PUBLISHED),  # 发布到政策日历
        ("withdraw", {DRAFT, PUBLISHED}, WITHDRAWN),  # 撤回（附原因，保留历史）
    ],
    error_prefix="POLICY",
)

# --- the owner unit's weekly review (每周梳理) ---------------------------------------------
OPEN = "open"
DONE = "done"

REVIEW = TransitionTable(
    "policies.review",
    [("complete", {OPEN}, DONE)],
    error_prefix="POLICY_REVIEW",
)

# --- an application for a benefit (政策兑现) -------------------------------------------------
SUBMITTED = "submitted"  # 待审核 (review clock running)
RETURNED = "returned"  # 退回补正 (clock paused)
APPROVED = "approved"  # 审核通过，待拨付 (payment clock running)
REFUSED = "refused"  # 不予兑现
PAID = "paid"  # 已拨付
CANCELLED = "cancelled"  # 企业撤回

LIVE = {SUBMITTED, RETURNED, APPROVED, PAID}
ENTITLED = {APPROVED, PAID}  # the county owes the money: what the delivery rate divides by

APPLICATION = TransitionTable(
    "policies.application",
    [
        ("approve", {SUBMITTED}, APPROVED),  # 审核通过（核定金额）
        ("return", {SUBMITTED}, RETURNED),  # 退回补正
        ("refuse", {SUBMITTED}, REFUSED),  # 不予兑现（附原因）
        ("resubmit", {RETURNED}, SUBMITTED),  # 企业补正后重新提交
        ("cancel", {SUBMITTED, RETURNED}, CANCELLED),  # 企业撤回申请
        ("pay", {APPROVED}, PAID),  # 登记拨付
    ],
    error_prefix="POLICY_APPLICATION",
)
