"""Every write of 好差评, by capability:

- `visits`: window visits (visit_start, visit_end, visit_current);
- `ratings`: rating_submit (every channel), rating_add_details, the 12345 callback import;
- `invitations`: 智能邀评 (rating_invite_due, invitation_link);
- `rectifications`: the 差评 loop (rectification_open … rectification_send_back);
- `appeals`: 申诉复核 (appeal_submit, appeal_decide);
- `settings`: rating_settings_update.
"""

from yingshang.ratings.services.appeals import appeal_decide, appeal_submit
from yingshang.ratings.services.invitations import invitation_link, rating_invite_due
from yingshang.ratings.services.ratings import (
    COMMENT_MAX,
    details_open,
    details_until,
    is_own_rating,
    rating_add_details,
    rating_import_hotline_callback,
    rating_import_hotline_callbacks,
    rating_submit,
)
from yingshang.ratings.services.rectifications import (
    rectification_callback,
    rectification_close,
    rectification_open,
    rectification_reply,
    rectification_send_back,
    rectification_verify,
)
from yingshang.ratings.services.settings import SETTINGS_FIELDS, rating_settings_update
from yingshang.ratings.services.visits import (
    VISIT_RATABLE_AFTER_END,
    visit_current,
    visit_end,
    visit_start,
)

__all__ = [
    "COMMENT_MAX",
    "SETTINGS_FIELDS",
    "VISIT_RATABLE_AFTER_END",
    "appeal_decide",
    "appeal_submit",
    "details_open",
    "details_until",
    "invitation_link",
    "is_own_rating",
    "rating_add_details",
    "rating_import_hotline_callback",
    "rating_import_hotline_callbacks",
    "rating_invite_due",
    "rating_settings_update",
    "rating_submit",
    "rectification_callback",
    "rectification_close",
    "rectification_open",
    "rectification_reply",
    "rectification_send_back",
    "rectification_verify",
    "visit_current",
    "visit_end",
    "visit_start",
]
