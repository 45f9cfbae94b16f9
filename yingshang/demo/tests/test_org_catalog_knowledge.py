"""The demo data files of org, catalog and knowledge hold together, and their loaders make the
demo county through the services, idempotently."""

import pytest

from yingshang.catalog.models import Matter, Package
from yingshang.demo.loaders import catalog, knowledge, org
from yingshang.demo.registry import DemoContext, load_yaml
from yingshang.knowledge.models import KnowledgeArticle
from yingshang.org.models import Unit, User


def test_every_key_a_matter_or_package_names_is_defined():
    units = load_yaml("org", "units.yaml")
    unit_codes = {"county", "centre"} | {d["code"] for d in units["departments"]}
    bases = set()
    for unit_code, entry in catalog.matters():
        assert unit_code in unit_codes
        assert set(entry["materials"]) <= set(catalog.materials()), entry["base_code"]
        assert set(entry["form_fields"]) <= set(catalog.form_fields()), entry["base_code"]
        assert entry["promised_limit_days"] <= entry["legal_limit_days"], entry["base_code"]
        bases.add(entry["base_code"])
    for package in load_yaml("catalog", "packages.yaml"):
        assert set(package["matters"]) <= bases, package["code"]
        assert package["lead_unit"] in unit_codes
    for entry in load_yaml("catalog", "town_matters.yaml"):
        assert set(entry["materials"]) <= set(catalog.materials()), entry["base_code"]
    for article in knowledge.articles():
        assert set(article["units"]) <= unit_codes, article["title"]


@pytest.mark.django_db
def test_the_demo_county_loads_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ctx = DemoContext()
    for _run in range(2):
        org.load_demo(ctx)
        catalog.load_demo(ctx)
        knowledge.load_demo(ctx)
    assert Matter.objects.count() == len(catalog.matters())
    assert set(Package.objects.values_list("code", flat=True)) == {
        "open-restaurant",
        "open-business",
        "utilities-connection",
    }
    assert Unit.objects.filter(code="yshj-12345", parent__code="yshj").exists()
    assert User.objects.get(username="clerk").windows.filter(number="01").exists()
    assert {login[1] for login in org.demo_logins()} >= {"admin", "clerk", "zhangsan", "firm_demo"}
    withdrawn = KnowledgeArticle.objects.get(title="旧版水费标准（已废止示例）")
    assert withdrawn.status == KnowledgeArticle.Status.WITHDRAWN
    assert KnowledgeArticle.objects.count() == len(knowledge.articles())


@pytest.mark.django_db
def test_the_two_county_demo_keeps_each_county_to_itself(settings, tmp_path):
    """`yingshang demo --city`: 示范县 and 示范二县 under 示范市; each county's leader sees its
    own county's work orders and problems, the city's leader sees both; 示范二县 localises the
    city's matter; loading twice adds nothing."""
    from yingshang.demo.city import load_records
    from yingshang.hotline.models import WorkOrder
    from yingshang.org import scope
    from yingshang.supervision.models import Problem

    settings.MEDIA_ROOT = tmp_path / "media"
    ctx = DemoContext(city=True, history=False)
    for _run in range(2):
        org.load_demo(ctx)
        load_records(ctx)
    county, county2 = Unit.objects.get(code="county"), Unit.objects.get(code="county2")
    assert county.parent.code == county2.parent.code == "city"
    leader, leader2, city_leader = (
        User.objects.get(username=u) for u in ("leader", "leader2", "city_leader")
    )
    assert scope.visible_to(leader2, WorkOrder).count() == 3
    assert scope.visible_to(leader2, Problem).count() == 2
    assert scope.visible_to(leader, WorkOrder).count() == 0
    assert scope.visible_to(city_leader, WorkOrder).count() == 3
    assert {"city_leader", "leader2", "operator2"} <= {login[1] for login in org.demo_logins()}
    # a second county has its own units only: no unit of 示范县 among the leader's
    assert not scope.visible_to(leader2, Unit).filter(tenant=county.tenant).exists()
    # the city publishes one matter and 示范二县 localises it (本县承接), once
    local = Matter.objects.get(localised_from__isnull=False)
    assert local.unit.tenant == county2.tenant and local.localised_from.unit.tenant == ""
    assert (local.current_version.promised_limit_days, local.current_version.phone) == (
        10,
        "0399-6612345",
    )
