"""Every change to the ledger: one service per move, each with its audit event
(docs/developing.md). By capability:

- registration: problem_create, problem_create_from_source (other modules' hook),
  problem_bulk_import (an Excel ledger)
- work: problem_claim, problem_report_progress
- milestones: problem_add_milestone, problem_complete_milestone
- closing: problem_request_closure, problem_close, problem_reopen, problem_void, problem_flag
- deadlines: problem_extend, the overdue escalation of the clock sweep, problem_send_reminders
- evidence: problem_attach_evidence and the upload checks
- inspections: inspection_form_create, inspection_submit
- aliases: unit_alias_save, unit_alias_withdraw (the unit names imports accept)
"""

from yingshang.supervision.services.aliases import unit_alias_save, unit_alias_withdraw
from yingshang.supervision.services.closing import (
    problem_close,
    problem_flag,
    problem_reopen,
    problem_request_closure,
    problem_void,
)
from yingshang.supervision.services.common import (
    CATEGORIES,
    DEADLINE,
    EARLIEST,
    LATEST,
    MILESTONE,
    default_category,
    ensure_categories,
    require_may_create,
)
from yingshang.supervision.services.deadlines import problem_extend, problem_send_reminders
from yingshang.supervision.services.evidence import check_upload, problem_attach_evidence
from yingshang.supervision.services.inspections import inspection_form_create, inspection_submit
from yingshang.supervision.services.milestones import (
    problem_add_milestone,
    problem_complete_milestone,
)
from yingshang.supervision.services.registration import (
    problem_bulk_import,
    problem_create,
    problem_create_from_source,
)
from yingshang.supervision.services.work import problem_claim, problem_report_progress

__all__ = [
    "CATEGORIES",
    "DEADLINE",
    "EARLIEST",
    "LATEST",
    "MILESTONE",
    "check_upload",
    "default_category",
    "ensure_categories",
    "inspection_form_create",
    "inspection_submit",
    "problem_add_milestone",
    "problem_attach_evidence",
    "problem_bulk_import",
    "problem_claim",
    "problem_close",
    "problem_complete_milestone",
    "problem_create",
    "problem_create_from_source",
    "problem_extend",
    "problem_flag",
    "problem_reopen",
    "problem_report_progress",
    "problem_request_closure",
    "problem_send_reminders",
    "problem_void",
    "require_may_create",
    "unit_alias_save",
    "unit_alias_withdraw",
]
