"""Every write of the assessment (DESIGN.md §10)."""

from yingshang.assessment.services.adjustments import adjustment_add, adjustment_void
from yingshang.assessment.services.exposures import (
    exposure_approve,
    exposure_create,
    exposure_send_back,
    exposure_submit,
    exposure_withdraw,
)
from yingshang.assessment.services.listings import listing_followup
from yingshang.assessment.services.publicity import snapshot_set_public
from yingshang.assessment.services.schemes import (
    in_force,
    scheme_activate,
    scheme_create,
    scheme_retire,
    scheme_revise,
)
from yingshang.assessment.services.snapshots import (
    parse_period,
    snapshot_compute,
    snapshot_discard,
    snapshot_publish,
    snapshot_request,
    snapshot_set_number,
)
from yingshang.assessment.services.visits import (
    finding_add,
    finding_confirm,
    finding_void,
    visit_cancel,
    visit_conduct,
    visit_plan,
)

__all__ = [
    "adjustment_add",
    "adjustment_void",
    "exposure_approve",
    "exposure_create",
    "exposure_send_back",
    "exposure_submit",
    "exposure_withdraw",
    "finding_add",
    "finding_confirm",
    "finding_void",
    "in_force",
    "listing_followup",
    "parse_period",
    "scheme_activate",
    "scheme_create",
    "scheme_retire",
    "scheme_revise",
    "snapshot_compute",
    "snapshot_discard",
    "snapshot_publish",
    "snapshot_request",
    "snapshot_set_number",
    "snapshot_set_public",
    "visit_cancel",
    "visit_conduct",
    "visit_plan",
]
