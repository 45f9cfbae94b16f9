"""Case services (DESIGN.md §5), each on the workflow kit: workflow.acquire (scope, lock,
abilities, transition table) → change → workflow.record → clock → notify."""

from yingshang.cases.services.appointments import (  # noqa: F401
    appointment_book,
    appointment_cancel,
    appointment_request,
    slots_ensure,
)
from yingshang.cases.services.closure import case_terminate, case_withdraw  # noqa: F401
from yingshang.cases.services.corrections import (  # noqa: F401
    case_request_correction,
    case_resubmit,
    case_review_supplement,
    case_supply_documents,
    correction_approve,
    on_applicant_turn,
)
from yingshang.cases.services.intake import (  # noqa: F401
    case_accept,
    case_accept_with_deficit,
    case_deem_accept,
    case_reject_intake,
)
from yingshang.cases.services.reassign import task_reassign  # noqa: F401
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
from yingshang.cases.services.submit import case_submit  # noqa: F401
