import pytest

from yingshang.demo.loaders import hotline as demo
from yingshang.demo.registry import DemoContext, Scale
from yingshang.hotline.models import Topic, WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(db):
    from yingshang.demo.loaders import org as org_demo

    ctx = DemoContext()
    org_demo.load_demo(ctx)
    return ctx


def test_load_demo_makes_orders_in_every_state_and_is_idempotent(county):
    demo.load_demo(county)
    count = WorkOrder.objects.count()
    assert 45 <= count <= 60
    states = set(WorkOrder.objects.values_list("status", flat=True))
    assert states == {s.value for s in WorkOrder.Status}
    assert (
        WorkOrder.objects.filter(redo_count__gt=0).exists()
        and WorkOrder.objects.filter(confidential=True).exists()
    )
    assert Topic.objects.get(code="scjg-food").default_unit.code == "scjg"
    demo.load_demo(county)
    assert WorkOrder.objects.count() == count


def test_generate_bulk_creates_orders_with_text_tied_to_the_unit(county):
    made = demo.generate(county, Scale("test", 0.002))
    # 300 over the year, and this month's sample of every unit topped up to the KPI minimum
    assert 300 <= made["orders"] == WorkOrder.objects.count() <= 300 + 40 * 12
    food = WorkOrder.objects.filter(topic__code="scjg-food").exclude(main_unit=None)
    assert food.exists() and set(food.values_list("main_unit__code", flat=True)) == {"scjg"}
    assert len(set(WorkOrder.objects.values_list("content", flat=True))) > 200
