"""Every write of the policies module (policy_<verb>, item_<verb>, application_<verb>, …)."""

from yingshang.policies.services.calendar import (
    policy_create,
    policy_publish,
    policy_update,
    policy_withdraw,
    review_complete,
    reviews_open,
    tag_create,
)
from yingshang.policies.services.delivery import (
    application_approve,
    application_cancel,
    application_pay,
    application_refuse,
    application_resubmit,
    application_return,
    application_submit,
    item_create,
    item_withdraw,
)
from yingshang.policies.services.digest import digest_generate, subscription_set
from yingshang.policies.services.entitled import grant

__all__ = [
    "application_approve",
    "application_cancel",
    "application_pay",
    "application_refuse",
    "application_resubmit",
    "application_return",
    "application_submit",
    "digest_generate",
    "grant",
    "item_create",
    "item_withdraw",
    "policy_create",
    "policy_publish",
    "policy_update",
    "policy_withdraw",
    "review_complete",
    "reviews_open",
    "subscription_set",
    "tag_create",
]
