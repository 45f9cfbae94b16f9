"""Workbench pages of cases: queues, my parallel tasks, the case page with actions driven by
abilities, window intake on behalf of an applicant, statistics with drill-down."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yingshang import workflow
from yingshang.cases import selectors, stats
from yingshang.cases.actions import CASE_ACTIONS
from yingshang.cases.models import ApprovalTask, Case, CorrectionRequest
from yingshang.cases.scopes import WHO, is_owner
from yingshang.cases.transitions import CASE
from yingshang.cases.views import _apply, _case_context
from yingshang.catalog.models import Matter, Package
from yingshang.catalog.selectors import offered_matters
from yingshang.dbrouting import reporting
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.org.staff import staff_of
from yingshang.paging import CappedPaginator
from yingshang.workbench.access import staff_required

STAFF = (
    Role.WINDOW_CLERK,
    Role.DEPT_HANDLER,
    Role.DEPT_HEAD,
    Role.SUPERVISOR,
    Role.LEADER,
    Role.ADMIN,
)
QUEUES = [
    ("to_accept", gettext_lazy("待受理")),
    ("corrections", gettext_lazy("待补正")),
    ("to_review", gettext_lazy("待审查")),
    ("due_soon", gettext_lazy("即将到期")),
    ("overdue", gettext_lazy("已逾期")),
    ("handover", gettext_lazy("待出件")),
    ("second_corrections", gettext_lazy("第二次补正待审批")),
]


@staff_required(*STAFF)
def queue(request):
    name = request.GET.get("q", "to_accept")
    if name not in dict(QUEUES):
        raise Http404
    qs = selectors.queue(request.user, name)
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    rows = selectors.queue_rows(page)
    return render(
        request,
        "cases/staff_queue.html",
        {"queues": QUEUES, "current": name, "page": page, "rows": rows, "query": f"q={name}"},
    )


@staff_required(Role.DEPT_HANDLER, Role.DEPT_HEAD)
def my_tasks(request):
    page = Paginator(selectors.my_tasks(request.user), 50).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(t, selectors.flag(t.due_at, t.clock_state, now)) for t in page]
    return render(request, "cases/staff_tasks.html", {"page": page, "rows": rows})


@staff_required(*STAFF)
def case_page(request, pk: int):
    case = scope.get_for(
        request.user,
        Case,
        pk,
        queryset=Case.objects.select_related(
            "unit",
            "applicant",
            "package",
            "matter_version",
            "first_responder",
            "assistant",
            "window",
        ),
    )
    ctx = _case_context(request, case)
    from yingshang.org.scope import grants

    g = grants(request.user)
    my_units = g.units(Role.DEPT_HANDLER, Role.DEPT_HEAD)
    ctx["my_tasks"] = [
        t
        for t in ctx["tasks"]
        if t.status == ApprovalTask.Status.PENDING
        and t.unit_id in my_units
        and case.status in ("accepted", "in_review")
    ]
    for t in ctx["my_tasks"]:
        # what this member produces for the later members of the package: entered on approval
        t.produces = [
            o for o in selectors.member_outputs(case, t.matter_id) if o["kind"] == "field"
        ]
    ctx["tasks_done"] = sum(1 for t in ctx["tasks"] if t.status == ApprovalTask.Status.DONE)
    ctx["tasks_total"] = sum(1 for t in ctx["tasks"] if t.status != ApprovalTask.Status.CANCELLED)
    ctx["pending_second"] = case.corrections.filter(
        status=CorrectionRequest.Status.PENDING_APPROVAL
    ).first()
    ctx["units"] = (
        scope.visible_to(request.user, Unit)
        .filter(kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWN], is_active=True)
        .exclude(pk=case.unit_id)
    )
    ctx["unavailable"] = _unavailable(ctx["ab"], case)
    if ctx["ab"].get("reassign_task"):
        ctx["reassign_units"] = scope.visible_to(request.user, Unit).filter(
            kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWN], is_active=True
        )
        # pending tasks at a unit nobody can act for: the page says so beside the 改派 form
        ctx["unattended_tasks"] = {
            t.pk
            for t in ctx["tasks"]
            if t.status == ApprovalTask.Status.PENDING and not staff_of(t.unit_id).exists()
        }
    return render(request, "cases/staff_case.html", ctx)


def _unavailable(ab: dict, case) -> list[tuple[str, str]]:
    """(button, why) for the staff moves this case's state allows but this user cannot make
    now: another role's work, or a step that waits for something (并联意见, 容缺材料…)."""
    out = []
    for action, ability in CASE_ACTIONS.buttons(ab):
        staff_move = set(WHO.get(action.name, ())) - {is_owner}
        if ability or not staff_move or not CASE.can(action.name, case.status):
            continue
        out.append((str(action.label), workflow.reason(ab, action.name)))
    for ready, label in (
        ("decide_ready", _("作出决定")),
        ("accept_with_deficit_ready", _("容缺受理")),
    ):
        base = ready.removesuffix("_ready")
        if ab.get(base) and not ab.get(ready) and workflow.reason(ab, ready):
            out.append((str(label), workflow.reason(ab, ready)))
    return out


@staff_required(*STAFF)
@require_POST
def case_action(request, pk: int, action: str):
    if action not in CASE_ACTIONS.by_name:
        raise Http404
    case = scope.get_for(request.user, Case, pk)
    exc = CASE_ACTIONS.post(action, request, case)
    if exc is not None:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("操作成功"))
    return redirect("cases:staff_case", case.pk)


@staff_required(Role.WINDOW_CLERK)
def window_submit(request):
    """一窗受理: the clerk picks the matter or package and submits for the applicant."""
    matter_id = request.GET.get("matter") or request.POST.get("matter")
    code = request.GET.get("package") or request.POST.get("package")
    if matter_id:
        matter = scope.get_for(request.user, Matter, matter_id)
        return _apply(request, matter=matter, staff=True)
    if code:
        package = scope.get_for(request.user, Package, code, field="code")
        return _apply(request, package=package, staff=True)
    matters = (
        offered_matters(request.user)
        .select_related("unit")
        .order_by("unit__sort_order", "name_cache")[:500]
    )
    packages = scope.visible_to(request.user, Package).filter(is_active=True)
    return render(
        request, "cases/staff_window_pick.html", {"matters": matters, "packages": packages}
    )


@staff_required(
    Role.WINDOW_CLERK, Role.DEPT_HANDLER, Role.DEPT_HEAD, Role.SUPERVISOR, Role.LEADER, Role.ADMIN
)
@reporting()
def statistics(request):
    ctx = stats.report(request.user, request.GET)
    ctx["drill"] = (
        f"{reverse('cases:statistics_cases')}?group={ctx['group']}"
        f"&since={ctx['since']:%Y-%m-%d}&until={ctx['until']:%Y-%m-%d}"
    )
    return render(request, "cases/staff_stats.html", ctx)


@staff_required(
    Role.WINDOW_CLERK, Role.DEPT_HANDLER, Role.DEPT_HEAD, Role.SUPERVISOR, Role.LEADER, Role.ADMIN
)
@reporting()
def statistics_cases(request):
    qs = stats.drill_down(request.user, request.GET)
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    rows = selectors.queue_rows(page)
    return render(
        request,
        "cases/staff_queue.html",
        {
            "queues": QUEUES,
            "current": "",
            "page": page,
            "rows": rows,
            "drill": True,
            "query": request.GET.copy().urlencode()
            if "page" not in request.GET
            else "&".join(f"{k}={v}" for k, v in request.GET.items() if k != "page"),
        },
    )
