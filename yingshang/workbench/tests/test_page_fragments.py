"""Rendered menus and the portal home are reused for HOME_CARDS_CACHE_SECONDS per process
({% cache %} on the template_fragments cache). Reuse must never show one person's menu to
another, the wrong highlighted entry or the wrong language."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.HOME_CARDS_CACHE_SECONDS = 20


def _nav(html: str) -> str:
    return html.split('id="wbNav"', 1)[1].split("</nav>", 1)[0]


def test_each_role_set_gets_its_own_menu(cached, client, personas):
    client.force_login(personas.admin, backend="yingshang.org.auth.UsernameOrMobileBackend")
    admin_menu = _nav(client.get(reverse("workbench:home")).content.decode())
    client.force_login(personas.handler_a, backend="yingshang.org.auth.UsernameOrMobileBackend")
    handler_menu = _nav(client.get(reverse("workbench:home")).content.decode())
    calendar_url = reverse("workbench:calendar")
    assert calendar_url in admin_menu
    assert calendar_url not in handler_menu  # not the admin's menu, cached a moment ago


def test_the_highlighted_entry_follows_the_page(cached, login, personas):
    client = login(personas.admin)
    home, units = reverse("workbench:home"), reverse("workbench:units")
    on_home = _nav(client.get(home).content.decode())
    on_units = _nav(client.get(units).content.decode())
    assert f'href="{home}" aria-current="page"' in on_home
    assert f'href="{units}" aria-current="page"' in on_units
    assert f'href="{home}" aria-current="page"' not in on_units


def test_the_portal_home_is_reused_per_language(cached, client, personas):
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "搜索办事事项" in chinese
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert "搜索办事事项" not in english and "Search" in english
