"""Staff pages: the project list, a project's stages with the window's acceptance, each member
unit's approval or return, the lead unit's approval (licences entered once), and statistics."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.cases import services as cases
from yingshang.cases.models import ApprovalTask
from yingshang.errors import DomainError
from yingshang.projects import selectors, stats
from yingshang.projects.actions import STAGE_ACTIONS
from yingshang.projects.models import Project
from yingshang.workbench.access import staff_required


@staff_required()
def staff_list(request):
    status = request.GET.get("status", "")
    ptype = request.GET.get("type", "")
    q = request.GET.get("q", "").strip()[:60]
    qs = selectors.projects_for(request.user, status=status, project_type=ptype, q=q)
    rows = [(p, selectors.clock_summary(p)) for p in qs[:200]]
    return render(
        request,
        "projects/staff_list.html",
        {
            "rows": rows,
            "total": qs.count(),
            "status": status,
            "type": ptype,
            "q": q,
            "types": selectors.project_types(),
            "statuses": Project.Status.choices,
        },
    )


@staff_required()
def staff_project(request, pk: int):
    project = selectors.project_for(request.user, pk)
    rows = selectors.stage_rows(project, request.user)
    from yingshang.org.roles import Role
    from yingshang.org.scope import grants

    g = grants(request.user)
    my_units = g.units(Role.DEPT_HANDLER, Role.DEPT_HEAD)
    for row in rows:
        case = row["stage"].case
        row["can_accept"] = bool(
            case and case.status == "submitted" and case.centre_id in g.units(Role.WINDOW_CLERK)
        )
        row["my_tasks"] = [
            t for t in row["tasks"] if t.status == "pending" and t.unit_id in my_units
        ]
    return render(
        request,
        "projects/staff_project.html",
        {"project": project, "clock": selectors.clock_summary(project), "rows": rows},
    )


@require_POST
@staff_required()
def staff_stage_action(request, pk: int, order: int, action: str):
    project = selectors.project_for(request.user, pk)
    stage = project.stages.filter(order=order).select_related("definition", "case").first()
    if stage is None:
        messages.error(request, _("没有该阶段"))
        return redirect("projects:staff_project", pk)
    user = request.user
    task_id = request.POST.get("task", "")
    task = (
        ApprovalTask.objects.filter(pk=int(task_id), case_id=stage.case_id).first()
        if task_id.isdigit() and stage.case_id
        else None
    )
    try:
        if action == "accept" and stage.case_id:
            cases.case_accept(actor=user, case=stage.case)
            msg = _("已受理，并联审批任务已分送各单位")
        elif action == "task_approve" and task is not None:
            cases.task_decide(
                actor=user, task=task, decision="approved", opinion=request.POST.get("opinion", "")
            )
            msg = _("已同意")
        elif action == "task_return" and task is not None:
            items = [line for line in request.POST.get("items", "").splitlines() if line.strip()]
            STAGE_ACTIONS.execute(
                "return",
                actor=user,
                obj=stage,
                data={"task": task.pk, "items": items, "note": request.POST.get("note", "")},
            )
            msg = _("已退回建设单位补正，补正期间暂停计时")
        elif action == "approve":
            licences = {k[4:]: v for k, v in request.POST.items() if k.startswith("lic_")}
            STAGE_ACTIONS.execute(
                "approve",
                actor=user,
                obj=stage,
                data={"licences": licences, "reasons": request.POST.get("reasons", "")},
            )
            msg = _("本阶段已办结")
        elif action == "refuse":
            STAGE_ACTIONS.execute(
                "refuse",
                actor=user,
                obj=stage,
                data=STAGE_ACTIONS.form_data("refuse", request.POST),
            )
            msg = _("已作出不予许可决定")
        else:
            messages.error(request, _("不支持的操作"))
            return redirect("projects:staff_project", pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, msg)
    return redirect("projects:staff_project", pk)


@staff_required()
def statistics(request):
    year = request.GET.get("year", "")
    data = stats.project_statistics(request.user, year=int(year) if year.isdigit() else None)
    return render(request, "projects/statistics.html", {"data": data, "year": year})
