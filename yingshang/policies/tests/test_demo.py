import pytest

from yingshang.demo.loaders import policies as demo
from yingshang.demo.registry import DemoContext, load_yaml
from yingshang.policies import selectors
from yingshang.policies.models import Application, Policy, PolicyItem, Subscription
from yingshang.policies.services import entitled


def test_demo_units_exist():
    units = {d["code"] for d in load_yaml("org", "units.yaml")["departments"]}
    data = load_yaml("policies", "policies.yaml")
    used = {p["owner_unit"] for p in data["policies"]}
    used |= {i["review_unit"] for p in data["policies"] for i in p.get("items") or []}
    assert used <= units


@pytest.mark.django_db
def test_load_demo_makes_the_golden_ten_with_applications_in_every_state_once():
    from yingshang.demo.loaders import org as org_demo
    from yingshang.org.models import User

    ctx = DemoContext()
    org_demo.load_demo(ctx)
    demo.load_demo(ctx)
    demo.load_demo(ctx)  # idempotent
    golden = Policy.objects.get(document_number="示政〔2026〕3号")
    assert PolicyItem.objects.filter(policy=golden).count() == 10
    states = set(Application.objects.values_list("status", flat=True))
    assert {"submitted", "returned", "approved", "paid", "refused"} <= states
    assert Subscription.objects.count() == 7
    office = User.objects.get(username="supervisor")
    figures = selectors.delivery(office, policy=golden)
    assert figures.paid == 4 and figures.entitled == 7  # see policies.yaml
    # 免申即享 lists the new micro firm for the start-up subsidy, with the data behind it
    start_up = PolicyItem.objects.get(policy=golden, code="HJ-01")
    total, found = entitled.matches(start_up)
    assert any(m.name == "示范县美味坊餐饮有限公司" and not m.granted for m in found)
    assert all("成立年限（年）" in m.shown for m in found) and total >= 2
