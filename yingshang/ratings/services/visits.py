"""Window visits (一次一评): the clerk starts serving the next person at a window; the pad or the
window's QR code rates the visit being served."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import PermissionDeniedError
from yingshang.org.scope import grants
from yingshang.ratings.models import Rating, WindowVisit
from yingshang.ratings.scopes import serves_at

# a window visit can be rated from the window's QR code for this long after it ended
VISIT_RATABLE_AFTER_END = dt.timedelta(minutes=30)


def _check_window_clerk(actor, window) -> None:
    if not serves_at(actor, grants(actor), window):
        raise PermissionDeniedError("VISIT_FORBIDDEN", _("只有本窗口的工作人员可以开始窗口服务"))


@transaction.atomic
def visit_start(*, actor, window, at: dt.datetime | None = None) -> WindowVisit:
    """Start serving the next person at `window`; the previous open visit ends now."""
    _check_window_clerk(actor, window)
    at = at or timezone.now()
    for open_visit in WindowVisit.objects.select_for_update().filter(
        window=window, ended_at__isnull=True
    ):
        open_visit.ended_at = at
        open_visit.save(update_fields=["ended_at"])
        workflow.record(actor, "visit.end", open_visit, after={"ended_at": at})
    visit = WindowVisit.objects.create(window=window, clerk=actor, unit=window.hall, started_at=at)
    workflow.record(
        actor, "visit.start", visit, after={"window": str(window), "clerk": actor.display_name}
    )
    return visit


@transaction.atomic
def visit_end(*, actor, visit: WindowVisit, at: dt.datetime | None = None) -> WindowVisit:
    _check_window_clerk(actor, visit.window)
    visit = workflow.acquire(workflow.SYSTEM, WindowVisit, visit)
    if visit.ended_at is None:
        visit.ended_at = at or timezone.now()
        visit.save(update_fields=["ended_at"])
        workflow.record(actor, "visit.end", visit, after={"ended_at": visit.ended_at})
    return visit


def visit_current(window) -> WindowVisit | None:
    """The visit the window's pad or QR code rates now: the open one, else the last one that
    ended a moment ago — and only while it has no rating (一次一评)."""
    visit = WindowVisit.objects.filter(window=window).order_by("-started_at", "-pk").first()
    if visit is None:
        return None
    if visit.ended_at is not None and timezone.now() - visit.ended_at > VISIT_RATABLE_AFTER_END:
        return None
    if Rating.objects.filter(visit=visit).exists():
        return None
    return visit
