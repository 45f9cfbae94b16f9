from yingshang.org import scope, tenancy
from yingshang.workcal.models import CalendarDay, CalendarYear


def _public(grants, qs):
    return qs  # the calendar is public information


scope.register(CalendarDay, _public, tenant=tenancy.SHARED)
scope.register(CalendarYear, _public, tenant=tenancy.SHARED)
