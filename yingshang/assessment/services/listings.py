"""The follow-up of a listing: 表态发言 made, 约谈 held (with the minutes), praise announced."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import uploads, workflow
from yingshang.assessment.models import Listing
from yingshang.assessment.transitions import LISTING
from yingshang.errors import InvalidInput


def listing_followup(*, actor, listing: Listing, note: str, minutes=None) -> Listing:
    if not (note or "").strip():
        raise InvalidInput("ASSESSMENT_NOTE_REQUIRED", _("请填写落实情况"))
    if listing.kind == Listing.Kind.TALK and minutes is None:
        raise InvalidInput("ASSESSMENT_MINUTES_REQUIRED", _("约谈须上传约谈纪要"))
    if minutes is not None:
        uploads.check(minutes, field="minutes", allowed=uploads.EVIDENCE)
    with transaction.atomic():
        listing = workflow.lock(actor, listing, action="followup", table=LISTING)
        listing.status = LISTING.target("followup", listing.status)
        listing.followup_note = note.strip()
        listing.held_at = timezone.now()
        listing.followup_by = actor or None
        if minutes is not None:
            listing.minutes_name = minutes.name[:200]
            listing.minutes.save(minutes.name, minutes, save=False)
        listing.save()
        workflow.record(
            actor,
            "assessment.listing_followup",
            listing,
            after={"status": listing.status, "minutes": listing.minutes_name},
            reason=listing.followup_note,
        )
    return listing
