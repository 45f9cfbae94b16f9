"""Files on a work order: the caller's photos at submission, the centre's and the unit's later."""

from django.db import transaction
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import DomainError
from yingshang.hotline.models import WorkOrder, WorkOrderAttachment
from yingshang.hotline.services._kit import S


def store_attachment(actor, order: WorkOrder, checked) -> WorkOrderAttachment:
    att = WorkOrderAttachment(
        order=order, name=checked.name, uploaded_by=None if workflow.is_system(actor) else actor
    )
    att.file.save(checked.name, checked.file, save=False)
    att.save()
    workflow.record(
        actor,
        "hotline.attach",
        order,
        after={"attachment_id": att.pk, "name": checked.name, "sha256": checked.sha256},
    )
    return att


def workorder_attach(*, actor, order: WorkOrder, upload) -> WorkOrderAttachment:
    """Add a file (photo, PDF, office document) to an open order: the centre or the main unit.
    The EVIDENCE profile, as for the caller's own files: a handler's photo of the site may be a
    phone's WEBP or an old .doc."""
    from yingshang.uploads import EVIDENCE, check

    workflow.gate(actor, order, "attach")
    if order.status == S.CLOSED:
        raise DomainError("HOTLINE_ATTACH_CLOSED", _("工单已办结，不能再上传附件"))
    checked = check(upload, allowed=EVIDENCE)
    with transaction.atomic():
        att = store_attachment(actor, order, checked)
    return att
