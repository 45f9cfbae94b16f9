import pytest
from django.urls import reverse

from yingshang.testing.personas import PASSWORD


@pytest.mark.django_db
@pytest.mark.parametrize("login_name", ["handler_a", "13900000003"])
def test_login_with_username_or_mobile(client, personas, login_name):
    response = client.post(reverse("login"), {"username": login_name, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("workbench:home")
    assert client.session["_auth_user_id"] == str(personas.handler_a.pk)


@pytest.mark.django_db
def test_wrong_password_shows_chinese_error_and_keeps_username(client, personas):
    response = client.post(
        reverse("login"), {"username": "handler_a", "password": "wrong-password-1"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "用户名/手机号或密码不正确" in text
    assert 'value="handler_a"' in text


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_even_with_the_right_password(
    client, personas, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "handler_a", "password": "wrong-password-1"})
    response = client.post(reverse("login"), {"username": "handler_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_of_one_account_does_not_lock_others_from_the_same_address(
    client, personas, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post(reverse("login"), {"username": "handler_a", "password": "wrong-password-1"})
    response = client.post(reverse("login"), {"username": "handler_b", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_workbench_requires_login(client):
    response = client.get(reverse("workbench:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_logout_is_post_only(login, personas):
    client = login(personas.clerk)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("workbench:home")).status_code == 302


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2_in_production_settings(settings):
    from yingshang import settings as project_settings

    assert (
        "Argon2PasswordHasher" in [h for h in project_settings.PASSWORD_HASHERS if "Argon2" in h][0]
    )


@pytest.mark.django_db
def test_session_expiry_slides_with_activity_but_is_not_rewritten_on_every_request(
    client, personas, monkeypatch
):
    from django.contrib.sessions.models import Session

    from yingshang.org import middleware

    client.post(reverse("login"), {"username": "handler_a", "password": PASSWORD})
    key = client.session.session_key
    first_expiry = Session.objects.get(session_key=key).expire_date
    client.get(reverse("workbench:home"))
    assert (
        Session.objects.get(session_key=key).expire_date == first_expiry
    )  # within the minute: no write
    now = middleware.time.time()
    monkeypatch.setattr(middleware.time, "time", lambda: now + 120)
    client.get(reverse("workbench:home"))
    assert Session.objects.get(session_key=key).expire_date > first_expiry


@pytest.mark.django_db
def test_lockout_counts_per_account_whatever_name_it_is_typed_as(client, personas, settings):
    """Failures under the username lock the account; its mobile number is the same account."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "handler_a", "password": "wrong-password-1"})
    response = client.post(reverse("login"), {"username": "13900000003", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failures_spread_over_both_names_lock_the_account(client, personas, settings):
    names = ["handler_a", "13900000003"]
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": names[i % 2], "password": "wrong-password-1"})
    response = client.post(reverse("login"), {"username": "handler_a", "password": PASSWORD})
    assert response.status_code == 429


@pytest.mark.django_db
def test_many_failures_from_one_address_lock_that_address_only(client, personas, settings):
    """A guesser trying many accounts from one address is stopped at LOGIN_IP_FAILURE_LIMIT;
    the same account from another address still logs in."""
    from django.test import Client

    settings.LOGIN_IP_FAILURE_LIMIT = 4
    for i in range(4):
        client.post(reverse("login"), {"username": f"nobody{i}", "password": "wrong-password-1"})
    response = client.post(reverse("login"), {"username": "handler_b", "password": PASSWORD})
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    response = elsewhere.post(reverse("login"), {"username": "handler_b", "password": PASSWORD})
    assert response.status_code == 302
