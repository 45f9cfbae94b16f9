import pytest
from django.db import transaction
from django.urls import reverse

from yingshang.notify import services as notify
from yingshang.notify.models import Message

pytestmark = pytest.mark.django_db


def _send(user, body="新消息"):
    with transaction.atomic():
        notify.send(channel=Message.Channel.INAPP, recipient=user, body=body)


def _badge(client) -> str:
    html = client.get(reverse("workbench:home")).content.decode()
    marker = 'data-testid="unread-count">'
    return html.split(marker, 1)[1].split("<", 1)[0] if marker in html else "0"


def test_the_badge_is_recounted_every_few_seconds_and_at_once_after_reading(
    login, personas, settings, time_machine
):
    settings.HOME_CARDS_CACHE_SECONDS = 20
    time_machine.move_to("2026-03-02 10:00:00+08:00", tick=False)
    client = login(personas.handler_a)
    _send(personas.handler_a)
    assert _badge(client) == "1"
    _send(personas.handler_a, "第二条")
    assert _badge(client) == "1"  # counted 0 s ago: the same figure for up to 20 s
    time_machine.move_to("2026-03-02 10:00:21+08:00", tick=False)
    assert _badge(client) == "2"
    _send(personas.handler_a, "第三条")
    client.post(reverse("workbench:inbox"), {"all": "1"})
    assert _badge(client) == "0"  # reading clears the figure at once
