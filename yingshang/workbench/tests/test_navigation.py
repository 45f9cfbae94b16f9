import pytest

from yingshang.workbench import navigation


@pytest.mark.django_db
def test_home_cards_are_computed_once_per_user_for_a_few_seconds(personas, monkeypatch, settings):
    settings.HOME_CARDS_CACHE_SECONDS = 20
    navigation._HOME.clear()
    calls = []
    card = navigation.HomeCard(
        "x.html", context=lambda user: calls.append(user.pk) or {"n": len(calls)}
    )
    monkeypatch.setattr(
        navigation, "_collect", lambda attr: (card,) if attr == "HOME_CARDS" else ()
    )
    roles = frozenset({"dept_handler"})
    first = navigation.home_cards(personas.handler_a, roles)
    again = navigation.home_cards(personas.handler_a, roles)
    other = navigation.home_cards(personas.handler_b, roles)
    assert first == again and calls == [personas.handler_a.pk, personas.handler_b.pk]
    assert other[0]["context"] == {"n": 2}
    settings.HOME_CARDS_CACHE_SECONDS = 0
    navigation.home_cards(personas.handler_a, roles)
    assert len(calls) == 3  # no reuse when switched off (the test default)


def test_menu_urls_are_reversed_once():
    assert navigation._reverse("workbench:home") == "/staff/"
    assert navigation._reverse("no-such:page") == ""
