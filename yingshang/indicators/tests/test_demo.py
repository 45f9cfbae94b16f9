import pytest

from yingshang.demo.loaders import indicators as demo
from yingshang.demo.registry import DemoContext, load_yaml
from yingshang.indicators import scoring
from yingshang.indicators.models import Period, Tree, Value
from yingshang.indicators.services.tree import standard_items


def _names(items):
    for item in items:
        yield item["name"]
        yield from _names(item.get("children", []))


def test_every_demo_value_names_a_standard_indicator_and_lead_units_exist():
    names = set(_names(standard_items()))
    data = load_yaml("indicators", "values.yaml")
    assert set(data["last_year"]) <= names
    assert set(data["quarter"]) <= names
    units = {d["code"] for d in load_yaml("org", "units.yaml")["departments"]}

    def leads(items):
        for item in items:
            if "lead" in item:
                yield item["lead"]
            yield from leads(item.get("children", []))

    assert set(leads(standard_items())) <= units


@pytest.mark.django_db
def test_load_demo_makes_two_years_and_a_round_in_every_state_once():
    from yingshang.demo.loaders import org as org_demo

    ctx = DemoContext()
    org_demo.load_demo(ctx)
    demo.load_demo(ctx)
    demo.load_demo(ctx)  # idempotent
    assert Tree.objects.count() == 2 and Period.objects.count() == 2
    quarter = Period.objects.order_by("-starts_on").first()
    states = set(Value.objects.filter(period=quarter).values_list("status", flat=True))
    assert {"approved", "submitted", "returned", "draft"} <= states
    res = scoring.compute(quarter, detail=True)
    flagged = {n.indicator.name for n in res.leaves() if n.flagged}
    assert "招商引资项目落地率" in flagged  # 投促局 (seed 001)
    assert res.score is not None
    # 不动产登记时间 is entered per town: (128000 × 10 + 46000 × 14 + 39000 × 16) / 213000
    reg = next(n for n in res.leaves() if n.indicator.name == "不动产登记时间")
    assert reg.indicator.by_site and str(reg.value.value) == "11.9624"
    assert len(reg.site_scores) == 3
    # without the detail (PostgreSQL adds the sites up itself) every score is the same
    plain = scoring.compute(quarter)
    assert {pk: n.score for pk, n in plain.nodes.items()} == {
        pk: n.score for pk, n in res.nodes.items()
    }
