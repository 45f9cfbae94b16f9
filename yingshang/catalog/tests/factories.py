"""Catalogue records for tests, made the way people make them: through the services
(factory_boy drives the arguments)."""

import factory

from yingshang.catalog import services

DEFAULT_MATERIALS = [
    {"key": "application_form", "name": "申请表", "required": True, "form": "original"},
    {"key": "business_licence", "name": "营业执照", "required": True, "form": "copy"},
]
DEFAULT_FIELDS = [
    {"key": "firm.name", "label": "企业名称", "field_type": "text", "profile_source": "firm.name"},
    {"key": "shop.address", "label": "经营场所地址", "field_type": "text"},
]


class MatterFactory(factory.Factory):
    """MatterFactory(actor=p.admin, unit=p.unit_a, name=…): a matter with its version 1."""

    class Meta:
        model = dict  # built by services.matter_create in _create

    actor = None
    unit = None
    base_code = factory.Sequence(lambda n: f"XK0{n:04d}000")
    name = factory.Sequence(lambda n: f"测试许可事项{n}")
    matter_type = "licensing"
    handling_kind = "promised"
    legal_limit_days = 20
    promised_limit_days = 5
    fee = "不收费"
    max_visits = 1
    online = True
    conditions = "符合条件的申请人"
    legal_basis = "《测试条例》第一条"
    themes = factory.LazyFunction(lambda: ["market_entry"])
    life_events = factory.LazyFunction(lambda: ["biz_entry"])
    materials = factory.LazyFunction(lambda: [dict(m) for m in DEFAULT_MATERIALS])
    form_fields = factory.LazyFunction(lambda: [dict(f) for f in DEFAULT_FIELDS])

    @classmethod
    def _create(cls, model_class, *, actor, unit, **kwargs):
        return services.matter_create(actor=actor, unit=unit, **kwargs)


class PackageFactory(factory.Factory):
    """PackageFactory(actor=p.admin, lead_unit=p.unit_a, matters=[m1, m2])."""

    class Meta:
        model = dict  # built by services.package_create in _create

    actor = None
    lead_unit = None
    matters = ()
    code = factory.Sequence(lambda n: f"package-{n}")
    name = factory.Sequence(lambda n: f"测试一件事{n}")
    promised_limit_days = 3
    description = "一次申请，并联办理。"

    @classmethod
    def _create(cls, model_class, *, actor, **kwargs):
        return services.package_create(actor=actor, **kwargs)
