"""Work-order workflow (DESIGN.md §6), one module per capability. Every service reads top to
bottom on the workflow kit: lock and gate (abilities in hotline.rules, the state table in
hotline.transitions) → change → `workflow.record` → clocks → messages, in one transaction.
Nothing is deleted."""

from yingshang.hotline.services.attachments import workorder_attach
from yingshang.hotline.services.co_units import CO_OPINION_MIN, workorder_co_opinion
from yingshang.hotline.services.config import (
    city_figure_record,
    kpi_config_save,
    limit_rule_save,
)
from yingshang.hotline.services.dispatch import (
    workorder_answer_directly,
    workorder_dispatch,
    workorder_return,
    workorder_rule_return,
    workorder_sign,
)
from yingshang.hotline.services.extension import (
    workorder_ask_extension,
    workorder_decide_extension,
)
from yingshang.hotline.services.overdue import on_clock_transition, workorder_issue_overdue_notices
from yingshang.hotline.services.oversight import (
    workorder_merge,
    workorder_reclassify,
    workorder_supervise,
)
from yingshang.hotline.services.rating import workorder_portal_rate
from yingshang.hotline.services.reassign import workorder_reassign
from yingshang.hotline.services.register import (
    PORTAL_MAX_FILES,
    REQUIRED_TEXT,
    check_submitted_files,
    workorder_register,
    workorder_register_with_files,
)
from yingshang.hotline.services.reply import (
    workorder_callback,
    workorder_callback_redo,
    workorder_close,
    workorder_redo,
    workorder_reply,
    workorder_review_reply,
)

__all__ = [
    "CO_OPINION_MIN",
    "PORTAL_MAX_FILES",
    "REQUIRED_TEXT",
    "check_submitted_files",
    "city_figure_record",
    "kpi_config_save",
    "limit_rule_save",
    "on_clock_transition",
    "workorder_answer_directly",
    "workorder_ask_extension",
    "workorder_attach",
    "workorder_callback",
    "workorder_callback_redo",
    "workorder_close",
    "workorder_co_opinion",
    "workorder_decide_extension",
    "workorder_dispatch",
    "workorder_issue_overdue_notices",
    "workorder_merge",
    "workorder_portal_rate",
    "workorder_reassign",
    "workorder_reclassify",
    "workorder_redo",
    "workorder_register",
    "workorder_register_with_files",
    "workorder_reply",
    "workorder_return",
    "workorder_review_reply",
    "workorder_rule_return",
    "workorder_sign",
    "workorder_supervise",
]
