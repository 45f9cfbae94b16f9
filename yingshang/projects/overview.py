"""The construction-projects section of the county overview (workbench.overview)."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang.org import scope
from yingshang.projects.models import Project, ProjectStage
from yingshang.workbench.overview import Figure, Section, count, rate


def section(user, period) -> Section:
    now = timezone.now()
    stages = scope.visible_to(user, ProjectStage)
    approved = stages.filter(
        status=ProjectStage.Status.APPROVED,
        approved_at__gte=period.start,
        approved_at__lt=period.end,
    )
    n_approved = approved.count()
    on_time = approved.filter(late=False).count()
    overdue = stages.filter(status=ProjectStage.Status.IN_REVIEW, due_at__lt=now)
    projects = scope.visible_to(user, Project)
    over = projects.filter(late=True).count()
    listing = reverse("projects:staff_list")
    return Section(
        key="projects",
        title=_("工程建设项目"),
        icon="building",
        url=reverse("projects:statistics"),
        figures=[
            Figure(
                _("在批项目"),
                count(projects.filter(status=Project.Status.IN_PROGRESS).count()),
                f"{listing}?status=in_progress",
            ),
            Figure(_("本期办结阶段"), count(n_approved), reverse("projects:statistics")),
            Figure(_("阶段按时办结率"), rate(on_time, n_approved), reverse("projects:statistics")),
            Figure(_("全流程超时项目"), count(over), listing, alert=over > 0),
        ],
        overdue_label=_("逾期审批阶段"),
        overdue={
            r["lead_unit"]: (r["n"], reverse("projects:statistics"))
            for r in overdue.values("lead_unit").annotate(n=Count("id"))
            if r["n"]
        },
    )
