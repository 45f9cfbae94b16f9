import pytest
from django.db import IntegrityError, transaction

from yingshang.audit.models import AuditEvent
from yingshang.catalog import services
from yingshang.catalog.models import Matter, MatterVersion
from yingshang.errors import InvalidInput, PermissionDeniedError

pytestmark = pytest.mark.django_db


def test_create_publishes_version_one_with_code_and_audit(personas, matter_factory):
    matter = matter_factory()
    assert matter.current_version.version == 1
    assert matter.name == "测试许可事项"
    assert matter.implementation_code == "XK09999000-139999000000-000-SCJG-1-00"
    assert [m.key for m in matter.current_version.materials.all()] == [
        "application_form",
        "business_licence",
    ]
    event = AuditEvent.objects.get(action="matter.create", object_id=str(matter.pk))
    assert event.actor_id == personas.admin.pk


def test_promised_limit_above_legal_is_refused_by_service(personas, matter_factory):
    with pytest.raises(InvalidInput) as exc:
        matter_factory(legal=10, promised=12)
    assert "承诺办结时限（12 个工作日）不得超过法定办结时限（10 个工作日）" in exc.value.message
    assert "promised_limit_days" in exc.value.details["fields"]
    assert not Matter.objects.exists()


def test_promised_limit_above_legal_is_refused_by_database_constraint(personas, matter_factory):
    matter = matter_factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MatterVersion.objects.create(
            matter=matter,
            version=2,
            name="x",
            matter_type="licensing",
            handling_kind="promised",
            legal_limit_days=3,
            promised_limit_days=4,
        )


def test_revising_makes_new_version_and_leaves_old_one_unchanged(personas, matter_factory):
    matter = matter_factory()
    v1 = matter.current_version
    v2 = services.matter_revise(
        actor=personas.admin,
        matter=matter,
        note="压缩承诺时限，增加健康证明",
        changes={
            "promised_limit_days": 3,
            "materials": [
                {"key": "application_form", "name": "申请表", "form": "original"},
                {
                    "key": "health_certs",
                    "name": "从业人员健康证明",
                    "form": "copy",
                    "deficit_allowed": True,
                },
            ],
        },
    )
    matter.refresh_from_db()
    v1.refresh_from_db()
    assert matter.current_version == v2 and v2.version == 2
    assert v2.promised_limit_days == 3 and v1.promised_limit_days == 5
    assert [m.key for m in v1.materials.all()] == ["application_form", "business_licence"]
    assert [m.key for m in v2.materials.all()] == ["application_form", "health_certs"]
    # form fields are copied into the new version
    assert [f.key for f in v2.form_fields.all()] == ["firm.name", "shop.address"]
    assert v2.form_fields.first().pk != v1.form_fields.first().pk
    event = AuditEvent.objects.get(action="matter.revise", object_id=str(matter.pk))
    assert event.changes["promised_limit_days"] == [5, 3]
    assert event.reason == "压缩承诺时限，增加健康证明"


def test_revise_refuses_promised_above_legal_and_keeps_current_version(personas, matter_factory):
    matter = matter_factory()
    with pytest.raises(InvalidInput):
        services.matter_revise(
            actor=personas.admin, matter=matter, changes={"promised_limit_days": 30}, note="误操作"
        )
    matter.refresh_from_db()
    assert matter.versions.count() == 1 and matter.current_version.promised_limit_days == 5


def test_non_admin_cannot_revise(personas, matter_factory):
    matter = matter_factory()
    for user in (personas.handler_a, personas.clerk, personas.applicant, personas.supervisor):
        with pytest.raises(PermissionDeniedError):
            services.matter_revise(
                actor=user, matter=matter, changes={"fee": "100元"}, note="改收费"
            )
    assert matter.versions.count() == 1
    assert not AuditEvent.objects.filter(action="matter.revise").exists()


def test_dept_head_may_revise_own_units_matter_only(personas, matter_factory):
    own = matter_factory()
    other = matter_factory(unit=personas.unit_b, base_code="XK08888000")
    version = services.matter_revise(
        actor=personas.head_a, matter=own, changes={"phone": "0399-1111"}, note="改电话"
    )
    assert version.version == 2 and version.created_by == personas.head_a
    with pytest.raises(PermissionDeniedError):
        services.matter_revise(
            actor=personas.head_a, matter=other, changes={"phone": "0399-1111"}, note="改电话"
        )


def test_deactivate_needs_reason_and_keeps_the_matter(personas, matter_factory):
    matter = matter_factory()
    with pytest.raises(InvalidInput):
        services.matter_deactivate(actor=personas.admin, matter=matter, reason=" ")
    services.matter_deactivate(actor=personas.admin, matter=matter, reason="事项已取消")
    matter.refresh_from_db()
    assert matter.is_active is False and matter.deactivate_reason == "事项已取消"
    assert AuditEvent.objects.filter(
        action="matter.deactivate", object_id=str(matter.pk), reason="事项已取消"
    ).exists()


def test_duplicate_material_keys_are_refused(personas, matter_factory):
    with pytest.raises(InvalidInput) as exc:
        matter_factory(
            materials=[
                {"key": "id_card", "name": "身份证"},
                {"key": "id_card", "name": "身份证复印件"},
            ]
        )
    assert "材料标识“id_card”重复" in exc.value.message
