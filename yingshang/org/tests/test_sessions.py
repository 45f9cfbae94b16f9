"""Sessions and the logged-in user are read with prebuilt SQL (yingshang.rowload): the same
rules as Django's own database sessions must hold."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from yingshang.org.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_logged_in_session_opens_the_workbench_and_an_expired_one_does_not(login, personas):
    client = login(personas.handler_a)
    assert client.get(reverse("workbench:home")).status_code == 200
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("workbench:home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_deactivated_user_is_logged_out_at_the_next_request(login, personas):
    client = login(personas.handler_a)
    assert client.get(reverse("workbench:home")).status_code == 200
    type(personas.handler_a).objects.filter(pk=personas.handler_a.pk).update(is_active=False)
    assert client.get(reverse("workbench:home")).status_code == 302


def test_the_store_reads_back_what_it_saved_with_datetimes_intact():
    store = SessionStore()
    store["when"] = "2026-03-02T10:00:00+08:00"
    store.set_expiry(600)
    store.save()
    again = SessionStore(store.session_key)
    assert again["when"] == "2026-03-02T10:00:00+08:00"
    assert again.get_expiry_age() > 500
    assert SessionStore("no-such-key").load() == {}


def test_a_token_of_a_deactivated_user_is_refused(api_client, personas):
    client = api_client(personas.handler_a)
    assert client.get("/api/v1/org/me").status_code == 200
    type(personas.handler_a).objects.filter(pk=personas.handler_a.pk).update(is_active=False)
    response = client.get("/api/v1/org/me")
    assert response.status_code == 401
