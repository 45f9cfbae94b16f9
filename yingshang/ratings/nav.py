from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingshang.org.roles import COUNTYWIDE_ROLES, Role
from yingshang.workbench.navigation import HomeCard, NavItem
from yingshang.workbench.overview import OverviewPart

_STAFF = {Role.DEPT_HANDLER, Role.DEPT_HEAD, Role.ADMIN} | COUNTYWIDE_ROLES

WORKBENCH = [
    NavItem(
        _("差评整改"),
        "ratings:rectifications",
        roles=_STAFF,
        icon="hand-thumbs-down",
        order=60,
        group=_("好差评"),
    ),
    NavItem(
        _("评价记录"), "ratings:list", roles=_STAFF, icon="star-half", order=61, group=_("好差评")
    ),
    NavItem(
        _("差评申诉"),
        "ratings:appeals",
        roles=_STAFF,
        icon="shield-exclamation",
        order=62,
        group=_("好差评"),
    ),
    NavItem(
        _("好差评统计"),
        "ratings:stats",
        roles=_STAFF,
        icon="bar-chart",
        order=63,
        group=_("好差评"),
    ),
    NavItem(
        _("好差评设置"),
        "ratings:settings",
        roles={Role.ADMIN, Role.SUPERVISOR},
        icon="sliders",
        order=65,
        group=_("好差评"),
    ),
    NavItem(
        _("评价指标"),
        "ratings:schemes",
        roles={Role.ADMIN, Role.SUPERVISOR},
        icon="list-check",
        order=67,
        group=_("好差评"),
    ),
    NavItem(
        _("窗口评价器"),
        "ratings:pad_home",
        roles={Role.WINDOW_CLERK},
        icon="tablet",
        order=64,
        group=_("好差评"),
    ),
    NavItem(
        _("窗口评价二维码"),
        "ratings:qr_sheet",
        roles={Role.WINDOW_CLERK, Role.ADMIN, Role.SUPERVISOR},
        icon="qr-code",
        order=66,
        group=_("好差评"),
    ),
    NavItem(_("我的评价"), "ratings:mine", roles={Role.APPLICANT}, icon="star", order=64),
]
PORTAL = [
    NavItem(_("好差评公示"), "ratings:public", order=60),
]


def _card(user) -> dict:
    from django.db.models import Count, Q

    from yingshang.org import scope
    from yingshang.org.scope import grants
    from yingshang.ratings.models import Appeal, Rectification

    now = timezone.now()
    open_states = [
        Rectification.Status.VERIFYING,
        Rectification.Status.RECTIFYING,
        Rectification.Status.REVIEWING,
    ]
    counts = (
        scope.visible_to(user, Rectification)
        .filter(status__in=open_states)
        .aggregate(
            open=Count("pk"),
            overdue=Count(
                "pk",
                filter=Q(replied_at__isnull=True, reply_due_at__lt=now)
                | Q(status=Rectification.Status.VERIFYING, verify_due_at__lt=now),
            ),
            reviewing=Count("pk", filter=Q(status=Rectification.Status.REVIEWING)),
        )
    )
    counts["appeals"] = scope.visible_to(user, Appeal).filter(status=Appeal.Status.PENDING).count()
    counts["countywide"] = grants(user).countywide
    return counts


HOME_CARDS = [
    HomeCard(
        "ratings/_home_card.html",
        roles={Role.DEPT_HANDLER, Role.DEPT_HEAD, Role.SUPERVISOR},
        context=_card,
        order=50,
    ),
]


def _overview(user, period):
    from yingshang.ratings import overview

    return overview.section(user, period)


OVERVIEW = [OverviewPart(build=_overview, order=30)]
