"""Case services (DESIGN.md §5). Every transition: actor check via abilities, select_for_update,
transition table, clock move, audit event, notifications (outbox, same transaction)."""

from yingshang.cases.services.appointments import appointment_book, appointment_cancel, slots_ensure  # noqa: F401
from yingshang.cases.services.intake import (  # noqa: F401
    case_accept,
    case_accept_with_deficit,
    case_deem_accept,
    case_reject_intake,
    case_request_correction,
    case_resubmit,
    case_submit,
    case_supply_documents,
    case_terminate,
    case_withdraw,
    correction_approve,
)
from yingshang.cases.services.review import (  # noqa: F401
    case_assign_assistant,
    case_close,
    case_decide,
    case_deliver,
    case_special_procedure,
    case_start_review,
    task_add_opinion,
    task_decide,
    verification_check,
)
