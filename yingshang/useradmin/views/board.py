"""无人办理看板: the tasks and work orders waiting on a unit nobody can act for, each with its
改派 form, and the routing gaps of the system check (useradmin/coverage.py)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingshang.cases.actions import CASE_ACTIONS
from yingshang.cases.models import ApprovalTask, Case
from yingshang.errors import DomainError
from yingshang.hotline.actions import ORDER_ACTIONS
from yingshang.hotline.models import WorkOrder
from yingshang.org import scope
from yingshang.org.models import Unit
from yingshang.org.roles import Role
from yingshang.useradmin import coverage, selectors
from yingshang.workbench.access import staff_required

BOARD_ROLES = selectors.BOARD_ROLES


@staff_required(*BOARD_ROLES)
def board(request):
    stuck = selectors.stuck_work(request.user)
    task_rows = [
        (t, scope.abilities(request.user, t.case).get("reassign_task", False)) for t in stuck.tasks
    ]
    order_rows = [
        (o, scope.abilities(request.user, o).get("reassign", False)) for o in stuck.orders
    ]
    units = Unit.objects.filter(
        kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWN], is_active=True
    ).exclude(pk__in=coverage.uncovered_unit_ids(Unit.objects.values_list("pk", flat=True)))
    return render(
        request,
        "useradmin/board.html",
        {
            "stuck": stuck,
            "task_rows": task_rows,
            "order_rows": order_rows,
            "units": units,
            "gaps": coverage.gaps(),
            "user_is_admin": scope.grants(request.user).has(Role.ADMIN),
        },
    )


def _run(request, actions, name, obj):
    try:
        actions.execute(
            name, actor=request.user, obj=obj, data=actions.form_data(name, request.POST)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已改派"))
    return redirect("useradmin:board")


@staff_required(*BOARD_ROLES)
@require_POST
def reassign_task(request, pk: int):
    task = scope.get_for(request.user, ApprovalTask, pk)
    case = scope.get_for(request.user, Case, task.case_id)
    return _run(request, CASE_ACTIONS, "reassign_task", case)


@staff_required(*BOARD_ROLES)
@require_POST
def reassign_order(request, pk: int):
    order = scope.get_for(request.user, WorkOrder, pk)
    return _run(request, ORDER_ACTIONS, "reassign", order)
