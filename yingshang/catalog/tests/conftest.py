import pytest

from yingshang.catalog import services


def make_matter(
    actor,
    unit,
    *,
    base_code="XK09999000",
    name="测试许可事项",
    legal=20,
    promised=5,
    materials=None,
    form_fields=None,
    **extra,
):
    data = {
        "name": name,
        "matter_type": "licensing",
        "handling_kind": "promised",
        "legal_limit_days": legal,
        "promised_limit_days": promised,
        "fee": "不收费",
        "max_visits": 1,
        "online": True,
        "conditions": "符合条件的申请人",
        "legal_basis": "《测试条例》第一条",
        "themes": ["market_entry"],
        "life_events": ["biz_entry"],
    }
    data.update(extra)
    return services.matter_create(
        actor=actor,
        unit=unit,
        base_code=base_code,
        materials=materials
        if materials is not None
        else [
            {"key": "application_form", "name": "申请表", "required": True, "form": "original"},
            {"key": "business_licence", "name": "营业执照", "required": True, "form": "copy"},
        ],
        form_fields=form_fields
        if form_fields is not None
        else [
            {
                "key": "firm.name",
                "label": "企业名称",
                "field_type": "text",
                "profile_source": "firm.name",
            },
            {"key": "shop.address", "label": "经营场所地址", "field_type": "text"},
        ],
        **data,
    )


@pytest.fixture
def matter_factory(personas):
    def _make(**kwargs):
        unit = kwargs.pop("unit", personas.unit_a)
        actor = kwargs.pop("actor", personas.admin)
        return make_matter(actor, unit, **kwargs)

    return _make


@pytest.fixture
def demo_catalog(db, settings, tmp_path):
    """The demo county (org) and its catalogue, loaded through the demo loaders (its template
    files go to a temporary MEDIA_ROOT)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    from yingshang.demo.loaders import catalog as catalog_demo
    from yingshang.demo.loaders import org as org_demo
    from yingshang.demo.registry import DemoContext

    ctx = DemoContext()
    org_demo.load_demo(ctx)
    catalog_demo.load_demo(ctx)
    return ctx
