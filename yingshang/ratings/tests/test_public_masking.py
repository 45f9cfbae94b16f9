"""The 好差评公示 page publishes the unit's reply, free text written by staff: phone and ID
numbers in it are masked however they are written (issue 17, DESIGN.md §1)."""

import pytest
from django.urls import reverse

from yingshang.ratings import services as R
from yingshang.ratings import targets as T
from yingshang.ratings.models import Channel, Rectification

pytestmark = pytest.mark.django_db


def test_public_rectification_reply_masks_numbers_in_any_spelling(client, personas, make_case):
    rating = R.rating_submit(
        actor=personas.applicant,
        target=T.for_case(make_case()),
        level=1,
        channel=Channel.WEB,
        problems=["slow"],
    )
    rect = Rectification.objects.get(rating=rating)
    R.rectification_verify(actor=personas.handler_a, rectification=rect, note="属实")
    R.rectification_reply(
        actor=personas.handler_a,
        rectification=rect,
        outcome="fixed_now",
        reply="已电话联系申请人（138 0013 8000，身份证110105-19491231-002X）并压缩时限",
    )
    R.rectification_callback(  # the rated unit never records its own callback
        actor=personas.supervisor, rectification=rect, result="satisfied", note="满意"
    )
    R.rectification_close(actor=personas.supervisor, rectification=rect)
    body = client.get(reverse("ratings:public")).content.decode()
    assert "并压缩时限" in body and "138****8000" in body and "110105********002X" in body
    assert "0013" not in body and "19491231" not in body
