"""The demo 开办餐饮店 reuses what its company registration produces and has its own form."""

import pytest

from yingshang.cases import selectors
from yingshang.catalog.models import Package
from yingshang.demo.loaders import catalog, org
from yingshang.demo.registry import DemoContext

pytestmark = pytest.mark.django_db


def test_the_demo_restaurant_package_does_not_ask_for_what_it_produces(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ctx = DemoContext()
    org.load_demo(ctx)
    catalog.load_demo(ctx)
    package = Package.objects.get(code="open-restaurant")
    fields = selectors.form_fields_for(package=package)
    keys = [f["key"] for f in fields]
    assert "firm.uscc" not in keys
    assert fields[0]["label"] == "拟设立企业名称" and "shop.seats" in keys  # the package's own
    assert "food.category" in keys  # a member's field the package form does not cover
    licence = next(
        m for m in selectors.materials_for(package=package) if m["key"] == "business_licence"
    )
    assert licence["produced_by"] == "企业设立登记（有限责任公司）" and not licence["required"]
