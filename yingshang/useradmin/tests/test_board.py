"""无人办理看板: tasks and work orders waiting on a unit with no active handler, each row with
its 改派 form for those who may reassign it."""

import pytest

from yingshang.cases.models import ApprovalTask
from yingshang.cases.tests.conftest import cat  # noqa: F401  (fixture)
from yingshang.cases.tests.test_services_decisions import _package_case
from yingshang.hotline import services as hotline
from yingshang.hotline.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stuck(personas, cat):  # noqa: F811
    case = _package_case(personas, cat)
    cat.handler_c.is_active = False  # the only handler of unit_c left
    cat.handler_c.save(update_fields=["is_active"])
    return case, case.tasks.get(unit=cat.unit_c)


def test_the_lead_units_head_sees_the_stuck_task_and_reassigns_it(personas, cat, stuck, login):  # noqa: F811
    _case, task = stuck
    client = login(personas.head_a)
    page = client.get("/staff/stuck/").content.decode()
    assert f'data-testid="stuck-task-{task.pk}"' in page
    assert f'action="/staff/stuck/tasks/{task.pk}/reassign/"' in page
    # only the stuck one: the other two units have handlers
    assert page.count('<tr data-testid="stuck-task-') == 1
    r = client.post(
        f"/staff/stuck/tasks/{task.pk}/reassign/",
        {"task_id": task.pk, "unit_id": personas.unit_b.pk, "reason": "卫健局无人办理"},
    )
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.unit_id == personas.unit_b.pk and task.status == ApprovalTask.Status.PENDING
    assert f'data-testid="stuck-task-{task.pk}"' not in client.get("/staff/stuck/").content.decode()


def test_a_head_of_another_unit_does_not_see_it(personas, stuck, login):
    from yingshang.org.models import RoleAssignment

    _case, task = stuck
    RoleAssignment.objects.create(user=personas.handler_b, role="dept_head", unit=personas.unit_b)
    page = login(personas.handler_b).get("/staff/stuck/").content.decode()
    # unit_b holds a task on the case, so it sees the row, but may not move it
    if f'data-testid="stuck-task-{task.pk}"' in page:
        assert f'action="/staff/stuck/tasks/{task.pk}/reassign/"' not in page


def test_handlers_do_not_open_the_board(personas, login):
    assert login(personas.handler_a).get("/staff/stuck/").status_code == 403


def test_a_work_order_waiting_on_a_unit_without_handlers(personas, login):
    from yingshang.org.models import Unit

    empty = Unit.objects.create(
        code="empty", name="无人局", kind=Unit.Kind.DEPARTMENT, parent=personas.county
    )
    order = hotline.workorder_dispatch(
        actor=personas.operator, order=WorkOrderFactory(actor=personas.operator), main_unit=empty
    )
    client = login(personas.operator)
    page = client.get("/staff/stuck/").content.decode()
    assert f'data-testid="stuck-order-{order.pk}"' in page
    r = client.post(
        f"/staff/stuck/orders/{order.pk}/reassign/",
        {"main_unit_id": personas.unit_a.pk, "reason": "无人局没有账号"},
    )
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.main_unit_id == personas.unit_a.pk and order.status == "awaiting_sign"


def test_the_menu_shows_the_board_to_the_roles_that_reassign(personas, login):
    assert "/staff/stuck/" in login(personas.admin).get("/staff/").content.decode()
    assert "/staff/stuck/" not in login(personas.handler_a).get("/staff/").content.decode()
