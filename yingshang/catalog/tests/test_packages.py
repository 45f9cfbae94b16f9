import pytest

from yingshang.audit.models import AuditEvent
from yingshang.catalog import selectors, services
from yingshang.catalog.models import Matter, Package
from yingshang.errors import InvalidInput, PermissionDeniedError

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_matters(personas, matter_factory):
    licence = matter_factory(
        name="营业执照",
        base_code="XK00001000",
        promised=1,
        legal=15,
        materials=[
            {"key": "id_card", "name": "身份证", "form": "copy", "deficit_allowed": False},
            {
                "key": "premises_proof",
                "name": "场所证明",
                "form": "copy",
                "deficit_allowed": True,
                "commitment_replaces": True,
            },
        ],
        form_fields=[
            {"key": "firm.name", "label": "企业名称", "profile_source": "firm.name"},
            {
                "key": "applicant.mobile",
                "label": "联系电话",
                "field_type": "phone",
                "required": False,
            },
        ],
    )
    food = matter_factory(
        name="食品经营许可",
        base_code="XK00002000",
        unit=personas.unit_b,
        promised=5,
        legal=20,
        materials=[
            {
                "key": "premises_proof",
                "name": "经营场所证明",
                "form": "original",
                "copies": 2,
                "deficit_allowed": True,
                "commitment_replaces": False,
            },
            {"key": "health_certs", "name": "健康证明", "form": "copy", "deficit_allowed": True},
        ],
        form_fields=[
            {"key": "firm.name", "label": "企业名称", "profile_source": "firm.name"},
            {
                "key": "applicant.mobile",
                "label": "联系电话",
                "field_type": "phone",
                "required": True,
            },
            {
                "key": "food.category",
                "label": "经营项目",
                "field_type": "choice",
                "choices": ["热食类"],
            },
        ],
    )
    return licence, food


def test_package_merged_form_fields_ask_each_shared_field_once(personas, two_matters):
    licence, food = two_matters
    package = services.package_create(
        actor=personas.admin,
        code="restaurant",
        name="开办餐饮店",
        lead_unit=personas.centre,
        promised_limit_days=5,
        matters=[licence, food],
    )
    fields = selectors.merged_form_fields(package)
    assert [f.key for f in fields] == ["firm.name", "applicant.mobile", "food.category"]
    firm_name = fields[0]
    assert firm_name.matters == [licence, food] and len(firm_name.fields) == 2
    assert fields[1].required is True  # required because one member requires it
    assert fields[2].matters == [food]


def test_package_merged_materials_deduplicate_by_key_with_members(personas, two_matters):
    licence, food = two_matters
    package = services.package_create(
        actor=personas.admin,
        code="restaurant",
        name="开办餐饮店",
        lead_unit=personas.centre,
        promised_limit_days=5,
        matters=[licence, food],
    )
    materials = {m.key: m for m in selectors.merged_materials(package)}
    assert sorted(materials) == ["health_certs", "id_card", "premises_proof"]
    shared = materials["premises_proof"]
    assert shared.matters == [licence, food]
    assert shared.deficit_allowed is True  # both allow 容缺
    assert shared.commitment_replaces is False  # only one allows 告知承诺
    assert shared.copies == 2 and shared.form == "original"
    assert materials["health_certs"].matters == [food]


def test_package_limit_above_longest_member_is_refused(personas, two_matters):
    with pytest.raises(InvalidInput) as exc:
        services.package_create(
            actor=personas.admin,
            code="restaurant",
            name="开办餐饮店",
            lead_unit=personas.centre,
            promised_limit_days=6,
            matters=list(two_matters),
        )
    assert "不得超过成员事项中最长的承诺时限（5 个工作日）" in exc.value.message
    assert not Package.objects.exists()


def test_package_update_limit_validated_and_audited(personas, two_matters):
    package = services.package_create(
        actor=personas.admin,
        code="restaurant",
        name="开办餐饮店",
        lead_unit=personas.centre,
        promised_limit_days=5,
        matters=list(two_matters),
    )
    with pytest.raises(InvalidInput):
        services.package_update(
            actor=personas.admin, package=package, changes={"promised_limit_days": 9}
        )
    services.package_update(
        actor=personas.admin, package=package, changes={"promised_limit_days": 3}, reason="再压缩"
    )
    package.refresh_from_db()
    assert package.promised_limit_days == 3
    event = AuditEvent.objects.get(action="package.update", object_id=str(package.pk))
    assert event.changes["promised_limit_days"] == [5, 3]


def test_package_needs_admin(personas, two_matters):
    with pytest.raises(PermissionDeniedError):
        services.package_create(
            actor=personas.head_a,
            code="restaurant",
            name="开办餐饮店",
            lead_unit=personas.centre,
            promised_limit_days=5,
            matters=list(two_matters),
        )


def test_matter_in_active_package_cannot_be_deactivated(personas, two_matters):
    licence, food = two_matters
    services.package_create(
        actor=personas.admin,
        code="restaurant",
        name="开办餐饮店",
        lead_unit=personas.centre,
        promised_limit_days=5,
        matters=[licence, food],
    )
    from yingshang.errors import DomainError

    with pytest.raises(DomainError) as exc:
        services.matter_deactivate(actor=personas.admin, matter=food, reason="取消")
    assert exc.value.code == "MATTER_IN_PACKAGE"
    assert Matter.objects.get(pk=food.pk).is_active


def test_demo_catalogue_is_realistic_and_idempotent(demo_catalog):
    from yingshang.demo.loaders import catalog as demo

    assert Matter.objects.count() >= 40
    assert Matter.objects.values("unit").distinct().count() >= 12
    for m in Matter.objects.select_related("current_version"):
        assert m.current_version.promised_limit_days <= m.current_version.legal_limit_days
    restaurant = Package.objects.get(code="open-restaurant")
    assert restaurant.lead_unit.code == "xzsp"
    assert len({m.unit_id for m in selectors.package_members(restaurant)}) >= 3
    for package in Package.objects.all():
        merged = selectors.merged_materials(package)
        assert sum(m.deficit_allowed for m in merged) >= 2, package.code
        assert any(m.commitment_replaces for m in merged), package.code
    names = [m.name for m in selectors.merged_materials(restaurant)]
    assert (
        names.count("《开办餐饮店》一件事联办申请表") == 1
    )  # 一表申请: one application form for all members
    before = (Matter.objects.count(), Package.objects.count())
    demo.load_demo(demo_catalog)
    assert (Matter.objects.count(), Package.objects.count()) == before
