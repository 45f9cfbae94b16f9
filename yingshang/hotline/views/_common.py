"""What the hotline's pages share: who may open them, the rows of a work-order list, file
downloads, the dispatch suggestion."""

import logging

from django.http import FileResponse, Http404
from django.utils import timezone

from yingshang.hotline import rules
from yingshang.hotline.smart_dispatch import suggest
from yingshang.org import scope
from yingshang.org.roles import COUNTYWIDE_ROLES, Role

log = logging.getLogger(__name__)
CENTRE = (Role.HOTLINE_OPERATOR, Role.SUPERVISOR, Role.ADMIN)
SUPERVISORS = (*COUNTYWIDE_ROLES, Role.HOTLINE_OPERATOR, Role.ADMIN)
UNIT = (Role.DEPT_HANDLER, Role.DEPT_HEAD)
ALL_STAFF = (*CENTRE, *UNIT, Role.LEADER)


def suggest_units(text: str) -> list[tuple[object, float]]:
    try:
        return list(suggest(text))[:3]
    except Exception:  # a suggestion is a help: the page must work without it
        log.exception("dispatch suggestion failed")
        return []


def rows(user, qs):
    g = scope.grants(user)
    now = timezone.now()
    return [
        {
            "o": o,
            "caller": rules.caller(g, o, full=False),
            "overdue": bool(o.due_at and o.due_at < now and o.status != "closed"),
        }
        for o in qs
    ]


def attachment_response(item):
    """A work-order attachment as a download (never rendered inline); 404 if its file is gone."""
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=item.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
