from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import Role
from yingshang.workbench.navigation import HomeCard, NavItem
from yingshang.workbench.overview import OverviewPart

STAFF = {
    Role.WINDOW_CLERK,
    Role.DEPT_HANDLER,
    Role.DEPT_HEAD,
    Role.SUPERVISOR,
    Role.LEADER,
    Role.ADMIN,
}


def _counts(user) -> dict:
    from yingshang.cases import selectors
    from yingshang.org.scope import grants

    g = grants(user)
    out = []
    names = []
    if g.has(Role.WINDOW_CLERK):
        names += [("to_accept", _("待受理")), ("handover", _("待出件"))]
    if g.has(Role.DEPT_HANDLER, Role.DEPT_HEAD) or g.countywide:
        names += [("to_review", _("待审查"))]
    names += [("due_soon", _("即将到期")), ("overdue", _("已逾期"))]
    for name, label in names:
        out.append({"name": name, "label": label, "count": selectors.queue(user, name).count()})
    if g.has(Role.DEPT_HANDLER, Role.DEPT_HEAD):
        out.append(
            {"name": "tasks", "label": _("我的并联任务"), "count": selectors.my_tasks(user).count()}
        )
    return {"queues": out}


def _mine(user) -> dict:
    from django.db.models import Q

    from yingshang.cases.models import OPEN_STATES, Case

    q = Q(applicant=user)
    if user.firm_id:
        q |= Q(firm_id=user.firm_id)
    qs = Case.objects.filter(q)
    return {
        "open": qs.filter(status__in=OPEN_STATES).count(),
        "deficit": qs.filter(deficit_open=True).count(),
        "correction": qs.filter(status="awaiting_correction").count(),
    }


WORKBENCH = [
    NavItem(_("办件队列"), "cases:queue", roles=STAFF, icon="inbox", order=20),
    NavItem(
        _("窗口收件"),
        "cases:window_submit",
        roles={Role.WINDOW_CLERK},
        icon="person-plus",
        order=21,
    ),
    NavItem(
        _("我的并联任务"),
        "cases:my_tasks",
        roles={Role.DEPT_HANDLER, Role.DEPT_HEAD},
        icon="diagram-2",
        order=22,
    ),
    NavItem(_("办件统计"), "cases:statistics", roles=STAFF, icon="bar-chart", order=25),
    NavItem(_("我的办件"), "cases:my_cases", roles={Role.APPLICANT}, icon="folder2-open", order=20),
]
PORTAL = [
    NavItem(_("办件查询"), "cases:lookup", order=30),
    NavItem(_("预约办事"), "cases:appointment", order=35),
]
HOME_CARDS = [
    HomeCard("cases/_home_card.html", roles=STAFF, context=_counts, order=10),
    HomeCard("cases/_home_mine.html", roles={Role.APPLICANT}, context=_mine, order=10),
]


def _overview(user, period):
    from yingshang.cases import overview

    return overview.section(user, period)


OVERVIEW = [OverviewPart(build=_overview, order=10)]
