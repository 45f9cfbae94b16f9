"""Reads of the stuck-work board: parallel tasks and work orders waiting on a unit with no
active handler (useradmin/coverage.py), each through the reader's scope."""

from dataclasses import dataclass

from yingshang.cases.models import ApprovalTask, Status
from yingshang.hotline.models import WorkOrder
from yingshang.hotline.transitions import PROG, SIGN
from yingshang.org import scope
from yingshang.org.roles import Role
from yingshang.useradmin import coverage

# who may reassign somewhere (the abilities decide per row): the lead unit's head, the service
# centre, the hotline centre, the administrator
BOARD_ROLES = (Role.DEPT_HEAD, Role.WINDOW_CLERK, Role.HOTLINE_OPERATOR, Role.ADMIN)
LIMIT = 200  # a board, not an archive: the oldest first, the rest after these are moved


@dataclass
class Stuck:
    tasks: list
    orders: list
    more_tasks: bool
    more_orders: bool


def stuck_work(user) -> Stuck:
    tasks = scope.visible_to(user, ApprovalTask).filter(
        status=ApprovalTask.Status.PENDING, case__status__in=[Status.ACCEPTED, Status.IN_REVIEW]
    )
    orders = scope.visible_to(user, WorkOrder).filter(
        status__in=[SIGN, PROG], main_unit__isnull=False
    )
    candidates = set(tasks.values_list("unit_id", flat=True).distinct()) | set(
        orders.values_list("main_unit_id", flat=True).distinct()
    )
    nobody = coverage.uncovered_unit_ids(candidates)
    task_rows = list(
        tasks.filter(unit_id__in=nobody)
        .select_related("case", "unit", "case__unit")
        .order_by("due_at", "id")[: LIMIT + 1]
    )
    order_rows = list(
        orders.filter(main_unit_id__in=nobody)
        .select_related("main_unit")
        .order_by("handle_due_at", "id")[: LIMIT + 1]
    )
    return Stuck(
        tasks=task_rows[:LIMIT],
        orders=order_rows[:LIMIT],
        more_tasks=len(task_rows) > LIMIT,
        more_orders=len(order_rows) > LIMIT,
    )
