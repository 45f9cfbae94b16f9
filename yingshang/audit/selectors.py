from django.db.models import Count, Q, QuerySet

from yingshang.audit import labels
from yingshang.audit.models import AuditEvent, ReturnRecord
from yingshang.org import scope


def timeline(obj) -> QuerySet[AuditEvent]:
    """The history of one object, oldest first. The caller has already fetched `obj` through
    its scope."""
    return (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("unit")
        .order_by("seq")
    )


def search(
    user,
    *,
    actor: str = "",
    unit_id=None,
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    since=None,
    until=None,
) -> QuerySet[AuditEvent]:
    qs = scope.visible_to(user, AuditEvent).select_related("unit")
    if actor:
        qs = qs.filter(Q(actor_name__icontains=actor) | Q(actor__username=actor))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if action:
        # people type what the timeline says ("受理"); the code ("case.accept") works too
        qs = qs.filter(Q(action__icontains=action) | Q(action__in=labels.actions_matching(action)))
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lt=until)
    return qs.order_by("-seq")


def suspicious_returns(
    user, *, near_deadline_days: int = 1, repeat_threshold: int = 2, since=None, until=None
) -> QuerySet[ReturnRecord]:
    """Returns/withdrawals within `near_deadline_days` working days of the deadline (or after
    it), or of an item returned `repeat_threshold` or more times."""
    qs = scope.visible_to(user, ReturnRecord)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    repeated = (
        ReturnRecord.objects.values("object_type", "object_id")
        .annotate(n=Count("id"))
        .filter(n__gte=repeat_threshold)
    )
    repeated_keys = Q(pk__in=[])
    for row in repeated[:5000]:
        repeated_keys |= Q(object_type=row["object_type"], object_id=row["object_id"])
    near = Q(working_days_left__isnull=False, working_days_left__lte=near_deadline_days)
    return qs.filter(near | repeated_keys).select_related("unit", "event").order_by("-at")
