import pytest

from yingshang.arrears.models import Arrears
from yingshang.demo.loaders import arrears as demo
from yingshang.demo.registry import DemoContext

pytestmark = pytest.mark.django_db


def test_demo_has_debtors_of_every_kind_and_a_record_in_every_state_once():
    from yingshang.demo.loaders import org as org_demo

    ctx = DemoContext()
    org_demo.load_demo(ctx)
    demo.load_demo(ctx)
    demo.load_demo(ctx)  # idempotent
    assert Arrears.objects.count() == 7
    assert set(Arrears.objects.values_list("status", flat=True)) == set(Arrears.Status.values)
    assert set(Arrears.objects.values_list("debtor__kind", flat=True)) == {
        "agency",
        "institution",
        "soe",
    }
    assert Arrears.objects.filter(back_to_back=True).count() == 2
    assert Arrears.objects.filter(source="portal", reported_by__username="firm_demo").exists()
