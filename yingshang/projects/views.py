"""Portal pages of the owner firm: its projects, registering one, a project's stages and clocks,
submitting a stage (one form, one set of materials) and answering a return."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.errors import DomainError
from yingshang.org import scope
from yingshang.projects import selectors, services
from yingshang.projects.actions import STAGE_ACTIONS
from yingshang.projects.models import Project, ProjectStage, ProjectType, RegionalAssessment
from yingshang.workbench.access import login_required_view


def _own(request):
    user = request.user
    qs = scope.visible_to(user, Project)
    if user.kind == "firm" and user.firm_id:
        return qs.filter(firm_id=user.firm_id)
    return qs.filter(owner=user)


@login_required_view
def portal_list(request):
    rows = [
        (p, selectors.clock_summary(p)) for p in _own(request).select_related("project_type")[:200]
    ]
    return render(request, "projects/portal_list.html", {"rows": rows})


@login_required_view
def portal_new(request):
    user = request.user
    values = {"uscc": user.firm.uscc if getattr(user, "firm_id", None) else ""}
    error = None
    if request.method == "POST":
        values = {
            k: request.POST.get(k, "").strip()
            for k in ("code", "name", "uscc", "project_type", "location", "investment", "area")
        }
        chosen = request.POST.getlist("assessments")
        try:
            ptype = (
                ProjectType.objects.filter(is_active=True, pk=values["project_type"] or 0).first()
                if values["project_type"].isdigit()
                else None
            )
            project = services.project_create(
                actor=user,
                code=values["code"],
                name=values["name"],
                uscc=values["uscc"],
                project_type=ptype,
                location=values["location"],
                investment=values["investment"] or "",
                area=values["area"] or "0",
                assessments=list(
                    RegionalAssessment.objects.filter(pk__in=[c for c in chosen if c.isdigit()])
                ),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("项目已登记，请按阶段申报"))
            return redirect("projects:portal_project", project.pk)
    return render(
        request,
        "projects/portal_new.html",
        {
            "types": selectors.project_types(),
            "assessments": RegionalAssessment.objects.filter(is_active=True),
            "values": values,
            "error": error,
            "error_field": (error.details or {}).get("field") if error else None,
        },
        status=400 if error else 200,
    )


@login_required_view
def portal_project(request, pk: int):
    project = scope.get_for(request.user, Project, pk, queryset=_own(request))
    rows = selectors.stage_rows(project, request.user)
    asks = {}
    for row in rows:
        s = row["stage"]
        if (
            s.status in (ProjectStage.Status.NOT_STARTED, ProjectStage.Status.REFUSED)
            and s.order == project.current_stage
        ):
            asks[s.order] = selectors.stage_asks(s, request.user)
    for row in rows:
        row["asks"] = asks.get(row["stage"].order)
    return render(
        request,
        "projects/portal_project.html",
        {"project": project, "clock": selectors.clock_summary(project), "rows": rows},
    )


@require_POST
@login_required_view
def portal_stage_action(request, pk: int, order: int, action: str):
    project = scope.get_for(request.user, Project, pk, queryset=_own(request))
    stage = project.stages.get(order=order) if project.stages.filter(order=order).exists() else None
    if stage is None:
        messages.error(request, _("没有该阶段"))
        return redirect("projects:portal_project", project.pk)
    try:
        if action == "submit":
            form = {k[2:]: v for k, v in request.POST.items() if k.startswith("f_")}
            STAGE_ACTIONS.execute(
                "submit",
                actor=request.user,
                obj=stage,
                data={"form_data": form},
                files=request.FILES,
            )
            messages.success(
                request, _("已提交%(stage)s申请，请等待审批") % {"stage": stage.definition.name}
            )
        elif action == "resubmit":
            STAGE_ACTIONS.execute("resubmit", actor=request.user, obj=stage, files=request.FILES)
            messages.success(request, _("补正材料已提交，审批计时继续"))
        else:
            messages.error(request, _("不支持的操作"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("projects:portal_project", project.pk)
