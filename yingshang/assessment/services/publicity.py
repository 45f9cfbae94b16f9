"""What the county chooses to show on the portal: a published ranking is made public (its
ranking page and bulletin on the portal) or taken off again with a reason."""

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.assessment.models import Snapshot
from yingshang.assessment.services.schemes import require_manager
from yingshang.errors import DomainError, InvalidInput


def snapshot_set_public(*, actor, snapshot: Snapshot, public: bool, reason: str = "") -> Snapshot:
    workflow.require_actor(actor)
    require_manager(actor)
    if not public and not (reason or "").strip():
        raise InvalidInput("ASSESSMENT_REASON_REQUIRED", _("请填写撤下公开的原因"))
    with transaction.atomic():
        snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
        if snapshot.status != Snapshot.Status.PUBLISHED:
            raise DomainError(
                "ASSESSMENT_NOT_PUBLISHED", _("只有已发布的排名可以在门户公开"), status=409
            )
        if snapshot.public == public:
            raise DomainError(
                "ASSESSMENT_PUBLIC_UNCHANGED",
                _("该排名已在门户公开") if public else _("该排名未在门户公开"),
                status=409,
            )
        snapshot.public = public
        snapshot.save(update_fields=["public"])
        workflow.record(
            actor,
            "assessment.snapshot_public" if public else "assessment.snapshot_unpublic",
            snapshot,
            before={"public": not public},
            after={"public": public},
            reason=(reason or "").strip(),
        )
    return snapshot
