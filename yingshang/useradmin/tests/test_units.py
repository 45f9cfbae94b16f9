"""单位管理 and the coverage check: create, rename, deactivate (refused while work routes to
the unit); the check names every routed unit without an active handler."""

import pytest

from yingshang.audit.models import AuditEvent
from yingshang.cases.tests.conftest import cat  # noqa: F401  (fixture)
from yingshang.org.models import Unit
from yingshang.useradmin import coverage
from yingshang.useradmin.checks import CHECK_ID, handler_coverage

pytestmark = pytest.mark.django_db


def test_admin_creates_renames_and_deactivates_a_unit(personas, login):
    admin = login(personas.admin)
    admin.post(
        "/staff/org-units/new/",
        {
            "parent": personas.county.pk,
            "kind": "department",
            "code": "sthj",
            "name": "生态环境分局",
        },
    )
    unit = Unit.objects.get(code="sthj")
    assert unit.path == f"{personas.county.path}{unit.pk}/"
    admin.post(
        f"/staff/org-units/{unit.pk}/rename/",
        {"name": "示范县生态环境分局", "short_name": "生态环境局"},
    )
    unit.refresh_from_db()
    assert unit.name == "示范县生态环境分局"
    admin.post(f"/staff/org-units/{unit.pk}/deactivate/", {"reason": "机构改革"})
    unit.refresh_from_db()
    assert not unit.is_active
    actions = list(
        AuditEvent.objects.filter(object_type="org.unit", object_id=str(unit.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["unit.create", "unit.update", "unit.update"]


def test_a_unit_that_work_routes_to_is_not_deactivated(personas, cat, login):  # noqa: F811
    r = login(personas.admin).post(
        f"/staff/org-units/{cat.unit_c.pk}/deactivate/", {"reason": "机构改革"}, follow=True
    )
    assert "请先调整后再停用" in r.content.decode()
    cat.unit_c.refresh_from_db()
    assert cat.unit_c.is_active


def test_the_check_names_a_routed_unit_without_an_active_handler(personas, cat, login):  # noqa: F811
    assert [m for m in handler_coverage() if m.id == CHECK_ID] == []
    cat.handler_c.is_active = False
    cat.handler_c.save(update_fields=["is_active"])
    messages = [m for m in handler_coverage() if m.id == CHECK_ID]
    assert len(messages) == 1 and cat.unit_c.name in messages[0].msg
    assert "公共场所卫生许可" in messages[0].msg
    assert [g.unit for g in coverage.gaps()] == [cat.unit_c]
    page = login(personas.admin).get("/staff/org-units/").content.decode()
    assert 'data-testid="coverage-gaps"' in page and cat.unit_c.name in page
