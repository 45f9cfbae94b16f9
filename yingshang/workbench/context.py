from django.conf import settings

from yingshang.org.roles import Role
from yingshang.org.scope import grants


def shell(request) -> dict:
    """What both layouts need: county name, menus, unread count, the calendar banner."""
    from yingshang.workbench import navigation

    data = {
        "county_name": settings.COUNTY_NAME,
        "portal_nav": navigation.portal_items(),
        "demo_mode": settings.DEMO,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME * 60),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and request.path.startswith("/staff/"):
        from yingshang.notify.services import unread_count
        from yingshang.workcal import calendar

        g = grants(user)
        data["workbench_nav"] = navigation.workbench_items(g.roles)
        data["unread_count"] = unread_count(user)
        data["user_roles"] = g.roles
        if g.has(Role.ADMIN):
            data["calendar_missing_years"] = calendar.missing_years()
    return data
