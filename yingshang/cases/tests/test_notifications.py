"""What the applicant's phone receives."""

import pytest
from django.test import override_settings

from yingshang.cases import services
from yingshang.cases.tests.factories import CaseFactory
from yingshang.notify.models import Message
from yingshang.notify.services import deliver

pytestmark = pytest.mark.django_db
SENT: list[tuple[str, str]] = []


class RecordingSms:
    def send(self, phone: str, text: str) -> str:
        SENT.append((phone, text))
        return "test"


@override_settings(
    SMS_ADAPTER="yingshang.cases.tests.test_notifications.RecordingSms", SMS_SIGNATURE="【营商通】"
)
def test_a_case_sms_carries_the_signature_once(personas, cat):
    SENT.clear()
    case = CaseFactory(personas=personas, matter=cat.matter)
    services.case_accept(actor=personas.clerk, case=case)
    sms = Message.objects.get(channel="sms", related_id=str(case.pk))
    assert deliver(sms.pk) == "sent"
    (phone, text) = SENT[-1]
    assert phone == case.contact_phone
    assert text.startswith("【营商通】您的申请") and text.count("【营商通】") == 1
