import pytest

from yingshang.catalog import selectors

pytestmark = pytest.mark.django_db


def test_search_canyin_finds_food_licence_and_restaurant_package(demo_catalog):
    result = selectors.search(None, "餐饮")
    names = [m.name for m in result.matters]
    assert "食品经营许可" in names
    assert next(p.name for p in result.packages) == "开办餐饮店"
    assert "居民身份证换领" not in names


def test_search_ranks_name_hits_first(demo_catalog):
    result = selectors.search(None, "身份证")
    assert result.matters[0].name == "居民身份证换领"


def test_search_segments_a_sentence(demo_catalog):
    result = selectors.search(None, "我想办理用电报装")
    assert result.matters[0].name == "低压用电报装"
    assert "水电气网联合报装" in [p.name for p in result.packages]


def test_search_hides_inactive_matters_from_the_public(demo_catalog):
    from yingshang.catalog import services
    from yingshang.catalog.models import Matter

    matter = Matter.objects.get(name_cache="药品零售企业经营许可")
    services.matter_deactivate(actor=demo_catalog.data["admin"], matter=matter, reason="划转")
    assert "药品零售企业经营许可" not in [m.name for m in selectors.search(None, "药品").matters]


def test_search_understands_everyday_words(demo_catalog):
    result = selectors.search(None, "我要开饭店")
    assert "开办餐饮店" in [p.name for p in result.packages]
    assert "食品经营许可" in [m.name for m in result.matters]
    assert selectors.search(None, "营业执照").matters[0].name == "企业设立登记（有限责任公司）"
