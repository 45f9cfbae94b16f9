"""The loop's configurable numbers (RatingSettings: 核实/整改 limits, invitation delay, link
validity, abuse limits)."""

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import InvalidInput
from yingshang.ratings.models import RatingSettings

SETTINGS_FIELDS = (
    "verify_days",
    "reply_days",
    "invite_after_days",
    "link_valid_days",
    "details_days",
    "public_per_ip_per_minute",
    "public_per_object_per_minute",
)


@transaction.atomic
def rating_settings_update(*, actor, reason: str = "", **values):
    """Change the loop's limits (核实/整改 working days, invitation delay, link validity, abuse
    limits). New limits apply to 差评 received from now on; running clocks keep theirs."""
    workflow.gate(actor, RatingSettings.current(), "update")
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise InvalidInput(
            "RATING_SETTINGS_INVALID", _("未知的设置项"), details={"fields": sorted(unknown)}
        )
    for name, value in values.items():
        if not isinstance(value, int) or value < 1 or value > 1000:
            raise InvalidInput(
                "RATING_SETTINGS_INVALID",
                _("设置值必须是1到1000之间的整数"),
                details={"field": name},
            )
    if (
        values.get("verify_days", 0)
        and values.get("reply_days", 0)
        and values["verify_days"] > values["reply_days"]
    ):
        raise InvalidInput("RATING_SETTINGS_INVALID", _("核实时限不能长于整改答复时限"))
    row, _created = RatingSettings.objects.select_for_update().get_or_create(pk=1)
    before = {k: getattr(row, k) for k in values}
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    workflow.record(
        actor, "rating_settings.update", row, before=before, after=values, reason=reason
    )
    return row
