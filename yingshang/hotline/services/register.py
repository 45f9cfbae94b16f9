"""登记: a work order comes in (phone, portal, app, Open311, the city platform)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yingshang import numbering, workflow
from yingshang.errors import InvalidInput
from yingshang.hotline.models import Topic, WorkOrder
from yingshang.hotline.services._kit import S, now
from yingshang.hotline.services.attachments import store_attachment
from yingshang.org import identifiers
from yingshang.rowload import RowInserter

REQUIRED_TEXT = 5
PORTAL_MAX_FILES = 3

# every registration writes one row: SQL built once (yingshang.rowload), same on every database
_ORDERS = RowInserter(WorkOrder)


def _existing(source_system: str, external_number: str) -> WorkOrder | None:
    order = WorkOrder.objects.filter(
        source_system=source_system, external_number=external_number
    ).first()
    if order is not None:
        order.created = False
    return order


def workorder_register(
    *,
    actor,
    content: str,
    channel: str = WorkOrder.Channel.PHONE,
    category: str = WorkOrder.Category.CONSULT,
    urgency: str = WorkOrder.Urgency.NORMAL,
    topic: Topic | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    anonymous: bool = False,
    confidential: bool = False,
    firm=None,
    address: str = "",
    lat=None,
    lng=None,
    title: str = "",
    external_number: str = "",
    source_system: str = "",
    attributes: dict | None = None,
    at: dt.datetime | None = None,
) -> WorkOrder:
    """登记. `actor`: the operator or the caller's account; `workflow.SYSTEM` for a submission
    nobody is logged in for (the portal, Open311 without an account). Idempotent on
    (source_system, external_number): a city order pushed twice is the same order (the
    returned object has `created = False`)."""
    workflow.require_actor(actor)
    content = (content or "").strip()
    if len(content) < REQUIRED_TEXT:
        raise InvalidInput(
            "HOTLINE_CONTENT_TOO_SHORT",
            _("请填写诉求内容（至少%(n)d个字）") % {"n": REQUIRED_TEXT},
            details={"field": "content"},
        )
    if channel not in WorkOrder.Channel.values:
        raise InvalidInput("HOTLINE_BAD_CHANNEL", _("来源渠道无效"), details={"field": "channel"})
    if category not in WorkOrder.Category.values:
        raise InvalidInput("HOTLINE_BAD_CATEGORY", _("诉求类别无效"), details={"field": "category"})
    if urgency not in WorkOrder.Urgency.values:
        raise InvalidInput("HOTLINE_BAD_URGENCY", _("紧急程度无效"), details={"field": "urgency"})
    # one spelling of a number (org.identifiers): 全角 digits, spaces and dashes typed away
    caller_phone = identifiers.normalize_mobile(caller_phone)
    if caller_phone and not (caller_phone.isascii() and caller_phone.isdigit()):
        raise InvalidInput(
            "HOTLINE_BAD_PHONE", _("联系电话只能包含数字"), details={"field": "caller_phone"}
        )
    if not anonymous and not caller_phone:
        raise InvalidInput(
            "HOTLINE_PHONE_REQUIRED",
            _("请填写联系电话，或勾选匿名"),
            details={"field": "caller_phone"},
        )
    external_number = (external_number or "").strip()
    if external_number and not source_system:
        source_system = "city"
    if topic is not None and topic.extra_fields and attributes is not None:
        missing = [
            f.get("code")
            for f in topic.extra_fields
            if f.get("required") and not attributes.get(f.get("code"))
        ]
        if missing:
            raise InvalidInput(
                "HOTLINE_ATTRIBUTE_REQUIRED",
                _("请填写必填的附加信息：%(f)s") % {"f": "、".join(missing)},
                details={"fields": missing},
            )
    at = now(at)
    if external_number:
        existing = _existing(source_system, external_number)
        if existing is not None:
            return existing
    try:
        # a savepoint only where a unique clash is expected (a city order pushed twice at once);
        # the number is taken inside it, so a lost race gives its number back
        with transaction.atomic(savepoint=bool(external_number)):
            order = WorkOrder(
                number=numbering.workorder_number(at),
                external_number=external_number,
                source_system=source_system,
                channel=channel,
                caller_name=(caller_name or "").strip()[:40],
                caller_phone=caller_phone[:20],
                anonymous=anonymous,
                confidential=confidential,
                firm=firm,
                category=category,
                topic=topic,
                urgency=urgency,
                title=(title or content[:30])[:120],
                content=content,
                address=address[:200],
                lat=lat,
                lng=lng,
                attributes=attributes or {},
                status=S.REGISTERED,
                registered_at=at,
                created_by=None if workflow.is_system(actor) else actor,
            )
            _ORDERS.insert(order)
            workflow.record(
                actor,
                "hotline.register",
                order,
                after={
                    "number": order.number,
                    "channel": channel,
                    "category": category,
                    "urgency": urgency,
                    "topic": getattr(topic, "code", None),
                    "external_number": external_number,
                    "confidential": confidential,
                    "anonymous": anonymous,
                },
            )
    except IntegrityError:
        if external_number:  # a concurrent push of the same city order won the race
            existing = WorkOrder.objects.get(
                source_system=source_system, external_number=external_number
            )
            existing.created = False
            return existing
        raise
    order.created = True
    return order


def check_submitted_files(files) -> list:
    """The files a caller adds when submitting on the portal: at most PORTAL_MAX_FILES, each
    checked by the shared upload rules (size, content sniffing) with the EVIDENCE profile
    (photos, PDF, office files). The first bad file raises InvalidInput (field "files")."""
    from yingshang.uploads import EVIDENCE, check

    files = [f for f in (files or []) if f]
    if len(files) > PORTAL_MAX_FILES:
        raise InvalidInput(
            "HOTLINE_TOO_MANY_FILES",
            _("最多只能上传%(n)d个附件") % {"n": PORTAL_MAX_FILES},
            details={"field": "files", "limit": PORTAL_MAX_FILES},
        )
    return [check(f, field="files", allowed=EVIDENCE) for f in files]


def workorder_register_with_files(*, actor, files=(), **fields) -> WorkOrder:
    """登记 with the caller's photos/PDFs (portal submission): the files are checked before
    anything is stored, then the order and its attachments are saved in one transaction
    (a bad file leaves no order behind). `actor` is the logged-in person/firm, or SYSTEM."""
    checked = check_submitted_files(files)
    with transaction.atomic():
        order = workorder_register(actor=actor, **fields)
        for item in checked:
            store_attachment(actor, order, item)
    return order
