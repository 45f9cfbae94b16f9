import time

from django.conf import settings

from yingshang.org import tenancy
from yingshang.org.roles import Role
from yingshang.org.scope import grants

UNREAD_KEY = "_unread_count"


def forget_unread(request) -> None:
    """After the user read messages: the badge counts again on the next page."""
    request.session.pop(UNREAD_KEY, None)


def _unread(request, count) -> int:
    """The unread badge, counted at most every HOME_CARDS_CACHE_SECONDS per session (like the
    home cards); reading messages clears it at once (forget_unread)."""
    ttl = settings.HOME_CARDS_CACHE_SECONDS
    if ttl <= 0:
        return count(request.user)
    now = time.time()
    cached = request.session.get(UNREAD_KEY)
    if cached and now - cached[1] < ttl:
        return cached[0]
    n = count(request.user)
    request.session[UNREAD_KEY] = (n, now)
    return n


def shell(request) -> dict:
    """What both layouts need: county name, menus, unread count, the calendar banner."""
    from yingshang.workbench import navigation

    data = {
        "county_name": settings.COUNTY_NAME,
        "portal_nav": navigation.portal_items(),
        "demo_mode": settings.DEMO,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME * 60),
        # {% cache %} timeout of the rendered menus and portal home (0: rendered every time)
        "fragment_seconds": settings.HOME_CARDS_CACHE_SECONDS,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and request.path.startswith("/staff/"):
        from yingshang.notify.services import unread_count
        from yingshang.workcal import calendar

        g = grants(user)
        items = navigation.workbench_items(g.roles)
        data["workbench_nav"] = items
        # the rendered menu is kept per role set, language and highlighted entry
        data["nav_active"] = next((i["url"] for i in items if i["url"] == request.path), "")
        data["unread_count"] = _unread(request, unread_count)
        data["user_roles"] = g.roles
        data["nav_key"] = ",".join(sorted(g.roles))
        if g.reach is not None:  # one county of a city (org.tenancy): its name in the header
            data["county_name"] = tenancy.county_names(g.reach)
        if g.has(Role.ADMIN):
            data["calendar_missing_years"] = calendar.missing_years()
    return data
