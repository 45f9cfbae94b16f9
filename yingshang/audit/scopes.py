from yingshang.audit.models import AuditEvent, ReturnRecord
from yingshang.org import scope
from yingshang.org.roles import Role


def _events(grants, qs):
    # The audit search is for supervisors, leaders and admins (county-wide); a unit head sees
    # the events recorded in their own unit. Object timelines are shown on object pages, whose
    # own scope already decided that the viewer may see the object.
    if grants.sees_all:
        return qs
    heads = grants.units(Role.DEPT_HEAD)
    return qs.filter(unit_id__in=heads) if heads else qs.none()


scope.register(AuditEvent, _events, tenant="unit")
scope.register(ReturnRecord, _events, tenant="unit")
