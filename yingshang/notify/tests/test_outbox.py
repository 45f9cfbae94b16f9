import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from yingshang.notify import services
from yingshang.notify.models import Message

pytestmark = pytest.mark.django_db


class FailingSms:
    calls = 0

    def send(self, phone, text):
        FailingSms.calls += 1
        raise ConnectionError("gateway down")


def test_message_exists_only_if_the_causing_transaction_commits(personas):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.send(channel="sms", recipient=personas.applicant, body="您的办件已受理")
        raise RuntimeError("the business action failed")
    assert not Message.objects.exists()


def test_sms_goes_through_the_outbox_adapter_by_default(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = services.send(channel="sms", recipient=personas.applicant, body="您的办件已受理")
    message.refresh_from_db()
    assert (
        message.status == "sent"
        and message.address == "13800138000"
        and message.provider_id == "outbox"
    )


def test_email_is_sent_through_django_mail(personas, django_capture_on_commit_callbacks):
    personas.applicant.email = "zhangsan@example.cn"
    personas.applicant.save()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.send(
            channel="email", recipient=personas.applicant, subject="受理通知", body="已受理"
        )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zhangsan@example.cn"]


def test_failed_delivery_is_retried_with_backoff_then_marked_failed(personas, settings):
    settings.SMS_ADAPTER = "yingshang.notify.tests.test_outbox.FailingSms"
    with transaction.atomic():
        message = services.send(channel="sms", address="13800138000", body="x")
    for _ in range(services.MAX_ATTEMPTS):
        Message.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
        services.retry_due()
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == services.MAX_ATTEMPTS
    assert "gateway down" in message.last_error


def test_inapp_messages_count_as_unread_until_read(login, personas):
    with transaction.atomic():
        services.send(
            channel="inapp", recipient=personas.handler_a, subject="催办", body="工单即将超时"
        )
    client = login(personas.handler_a)
    page = client.get(reverse("workbench:home")).content.decode()
    assert 'data-testid="unread-count">1<' in page
    message = Message.objects.get()
    client.post(reverse("workbench:inbox"), {"id": message.pk})
    assert (
        'data-testid="unread-count"' not in client.get(reverse("workbench:home")).content.decode()
    )


def test_nobody_reads_another_users_messages(login, personas):
    with transaction.atomic():
        services.send(channel="inapp", recipient=personas.handler_a, body="仅本人可见")
    text = login(personas.handler_b).get(reverse("workbench:inbox")).content.decode()
    assert "仅本人可见" not in text
    assert services.mark_read(user=personas.handler_b, message_id=Message.objects.get().pk) == 0


class RecordingSms:
    """Looks at the database while the gateway call is in progress."""

    seen: list = []

    def send(self, phone, text):
        from django.db import connection

        RecordingSms.seen.append((connection.in_atomic_block, phone, text))
        return "gw-1"


@pytest.mark.django_db(transaction=True)  # a real commit: delivery runs after it
def test_delivery_calls_the_gateway_outside_any_transaction_and_signs_once(personas, settings):
    settings.SMS_ADAPTER = "yingshang.notify.tests.test_outbox.RecordingSms"
    settings.SMS_SIGNATURE = "【营商通】"
    RecordingSms.seen = []
    with transaction.atomic():
        message = services.send(channel="sms", address="13800138000", body="您的办件已办结")
    assert RecordingSms.seen == [(False, "13800138000", "【营商通】您的办件已办结")]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.provider_id) == ("sent", 1, "gw-1")
    assert services.deliver(message.pk) == "skipped"  # never twice


def test_a_message_claimed_by_another_worker_is_left_alone(personas, settings):
    settings.SMS_ADAPTER = "yingshang.notify.tests.test_outbox.RecordingSms"
    RecordingSms.seen = []
    with transaction.atomic():
        message = services.send(channel="sms", address="13800138000", body="x")
    # another worker claimed it a moment ago (its lease pushes the next attempt out)
    Message.objects.filter(pk=message.pk).update(
        next_attempt_at=message.created_at + services.SEND_LEASE
    )
    assert services.deliver(message.pk) == "skipped" and RecordingSms.seen == []


def test_send_to_queues_one_message_per_person(personas):
    with transaction.atomic():
        sent = services.send_to(
            [personas.handler_a, personas.head_a, personas.handler_a], body="新工单待签收"
        )
    assert [m.recipient_id for m in sent] == [personas.handler_a.pk, personas.head_a.pk]
    assert Message.objects.filter(body="新工单待签收").count() == 2


def test_send_many_queues_in_bulk_and_the_worker_delivers_the_sms(
    personas, django_capture_on_commit_callbacks
):
    """The weekly digest path: in-app messages are in the inbox at once, SMS are delivered by
    the batch task after the commit, and nothing exists if the transaction rolls back."""
    with pytest.raises(RuntimeError), transaction.atomic():
        services.send_many([{"channel": "inapp", "recipient": personas.applicant, "body": "x"}])
        raise RuntimeError("the digest failed")
    assert not Message.objects.exists()
    people = [personas.applicant, personas.firm_user]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        queued = services.send_many(
            [
                {"channel": channel, "recipient": who, "subject": "政策周报", "body": "本周新政策"}
                for who in people
                for channel in ("inapp", "sms")
            ]
        )
    assert queued == 4
    assert services.unread_count(personas.applicant) == 1
    sms = Message.objects.filter(channel="sms")
    assert sms.count() == 2 and set(sms.values_list("status", flat=True)) == {"sent"}
    assert personas.applicant.mobile in set(sms.values_list("address", flat=True))
