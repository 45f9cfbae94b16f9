"""Reads of firm profiles. A firm is found by its USCC however it was typed (org.identifiers):
a code that fails the GB 32100 check is refused with its own message, not "not found"."""

from yingshang.enterprises.models import Firm
from yingshang.org import identifiers


def firm_by_uscc(value: str | None, *, field: str = "uscc") -> Firm | None:
    """The firm with this code, None if there is none; InvalidInput USCC_INVALID (with
    `details.field` = `field`) when the code itself is wrong."""
    code = identifiers.require_uscc(value, field=field)
    return Firm.objects.filter(uscc=code).first()


def firms_for(user, *, q: str = "", industry: str = "", size: str = "", status: str = ""):
    """The firms `user` sees, by name; `q` matches part of the name or the whole USCC however
    it was typed (full-width, lower case, spaces)."""
    from django.db.models import Q

    from yingshang.org import scope

    qs = scope.visible_to(user, Firm)
    q = (q or "").strip()
    if q:
        code = identifiers.normalize_uscc(q)
        qs = qs.filter(Q(name__icontains=q) | Q(uscc=code) | Q(uscc__startswith=code))
    industry = identifiers.normalize(industry)[:1]
    if industry:
        qs = qs.filter(industry_code__startswith=industry)
    if size in Firm.Size.values:
        qs = qs.filter(size=size)
    if status in Firm.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("name", "pk")


def action_label(action: str) -> str:
    """The Chinese name of a firm audit event (the firm page's 变更记录): the audit labels
    registered in EnterprisesConfig.ready."""
    from yingshang.audit import labels

    return labels.label(action)


def history(firm: Firm):
    """The audit events of the firm's profile and accounts, newest first."""
    from django.db.models import Q

    from yingshang.audit.models import AuditEvent
    from yingshang.enterprises.models import FirmAccount

    account_ids = [
        str(pk) for pk in FirmAccount.objects.filter(firm=firm).values_list("pk", flat=True)
    ]
    return AuditEvent.objects.filter(
        Q(object_type="enterprises.firm", object_id=str(firm.pk))
        | Q(object_type="enterprises.firmaccount", object_id__in=account_ids)
    ).order_by("-seq")
