"""The firm page (一企一档) panel of construction projects and key projects."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yingshang.enterprises.panels import LIMIT, Fact, FirmPanel, Panel, Row
from yingshang.org import scope
from yingshang.projects.keyprojects import KeyProject
from yingshang.projects.models import Project


def build(firm, user, *, public: bool = False) -> Panel | None:
    projects = scope.visible_to(user, Project).filter(firm=firm).select_related("project_type")
    keys = scope.visible_to(user, KeyProject).filter(firm=firm)
    n = projects.aggregate(
        total=Count("pk"),
        running=Count("pk", filter=Q(status=Project.Status.IN_PROGRESS)),
        late=Count("pk", filter=Q(late=True)),
    )
    total = n["total"]
    n_keys = keys.count()
    if not total and not n_keys:
        return None
    page = "projects:portal_project" if public else "projects:staff_project"
    rows = [
        Row(
            label=f"{p.code} {p.name}",
            detail=f"{p.get_status_display()} · {p.current_stage}/4 · {p.gov_days_used}/{p.total_limit_days}",
            url=reverse(page, args=[p.pk]),
            alert=p.late,
        )
        for p in projects.order_by("-id")[:LIMIT]
    ]
    return Panel(
        key="projects",
        title=str(_("工程建设项目")),
        facts=[
            Fact(str(_("审批中")), str(n["running"])),
            Fact(str(_("超时")), str(n["late"]), alert=bool(n["late"])),
            Fact(str(_("重点项目")), str(n_keys)),
        ],
        rows=rows,
        total=total,
        more_url=reverse("projects:portal_list" if public else "projects:staff_list"),
        empty=str(_("暂无项目")),
    )


PANELS = [
    FirmPanel(
        "projects",
        _("工程建设项目"),
        build=build,
        order=45,
        sources=[(Project, "firm_id"), (KeyProject, "firm_id")],
    )
]
