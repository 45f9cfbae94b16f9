"""Every role lands on a home page that names its units and roles and shows its menu."""

import pytest
from django.urls import reverse

ROLE_MENUS = {
    "clerk": ("窗口工作人员", "测试县政务服务中心"),
    "handler_a": ("部门经办人", "测试县市场监督管理局"),
    "head_a": ("部门负责人", "测试县市场监督管理局"),
    "operator": ("热线话务员", "12345热线分中心"),
    "supervisor": ("营商办督查人员", "测试县营商环境建设局"),
    "leader": ("县领导/纪委", "测试县人民政府"),
    "admin": ("系统管理员", ""),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(ROLE_MENUS))
def test_staff_home_names_role_and_unit(login, personas, persona):
    client = login(personas.by_role(persona))
    response = client.get(reverse("workbench:home"))
    assert response.status_code == 200
    text = response.content.decode()
    role, unit = ROLE_MENUS[persona]
    assert role in text and unit in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona,sees_audit",
    [
        ("supervisor", True),
        ("leader", True),
        ("admin", True),
        ("head_a", True),
        ("handler_a", False),
        ("clerk", False),
        ("operator", False),
    ],
)
def test_audit_menu_and_page_only_for_county_wide_roles_admin_and_heads(
    login, personas, persona, sees_audit
):
    client = login(personas.by_role(persona))
    home = client.get(reverse("workbench:home")).content.decode()
    assert ("审计查询" in home) is sees_audit
    assert client.get(reverse("workbench:audit_search")).status_code == (200 if sees_audit else 403)


@pytest.mark.django_db
def test_calendar_admin_is_for_admins_only(login, personas):
    assert login(personas.supervisor).get(reverse("workbench:calendar")).status_code == 403
    assert login(personas.admin).get(reverse("workbench:calendar")).status_code == 200


@pytest.mark.django_db
def test_an_applicant_is_sent_from_the_staff_home_to_their_own_cases(login, personas):
    response = login(personas.firm_user).get(reverse("workbench:home"))
    assert response.status_code == 302 and response["Location"] == reverse("cases:my_cases")


@pytest.mark.django_db
def test_unit_tree_lists_the_organisation(login, personas):
    text = login(personas.handler_a).get(reverse("workbench:units")).content.decode()
    for name in ("测试县人民政府", "测试县市场监督管理局", "12345热线分中心"):
        assert name in text


@pytest.mark.django_db
def test_friendly_404_in_chinese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.django_db
def test_english_switch(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "en"


@pytest.mark.django_db
def test_security_headers_on_pages(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
