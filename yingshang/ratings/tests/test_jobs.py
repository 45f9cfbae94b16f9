import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from yingshang.demo.loaders import ratings as demo
from yingshang.demo.registry import DemoContext, Scale
from yingshang.notify.models import Message
from yingshang.ratings import targets as T
from yingshang.ratings.models import Channel, Rating, Rectification, WindowVisit
from yingshang.ratings.services import rating_import_hotline_callbacks, rating_submit
from yingshang.workcal import clocks

pytestmark = pytest.mark.django_db


def test_sweep_warns_the_unit_when_a_rectification_is_overdue(personas, make_case):
    rating = rating_submit(
        actor=personas.applicant, target=T.for_case(make_case()), level=1, channel=Channel.WEB
    )
    rect = Rectification.objects.get(rating=rating)
    before = Message.objects.filter(recipient=personas.handler_a).count()
    clocks.sweep(now=timezone.now() + dt.timedelta(days=20))
    subjects = list(
        Message.objects.filter(recipient=personas.handler_a, related_id=str(rect.pk)).values_list(
            "subject", flat=True
        )
    )
    assert Message.objects.filter(recipient=personas.handler_a).count() > before
    assert any("逾期" in s for s in subjects)


def test_hotline_callback_answer_becomes_the_work_order_rating(personas, make_order):
    unhappy = make_order(satisfied=False, callback_at=timezone.now())
    happy = make_order(satisfied=True, callback_at=timezone.now())
    secret = make_order(satisfied=False, confidential=True)
    make_order(status="in_progress", satisfied=True)  # not closed yet
    assert rating_import_hotline_callbacks() == 3
    assert rating_import_hotline_callbacks() == 0
    bad = Rating.objects.get(work_order=unhappy)
    assert bad.level == 2 and bad.channel == "hotline_callback" and bad.rater_phone == "13700001111"
    assert Rectification.objects.get(rating=bad).callback_required
    assert Rating.objects.get(work_order=happy).level == 4
    hidden = Rating.objects.get(work_order=secret)
    assert hidden.anonymous and hidden.rater_phone == ""


def test_generate_bulk_creates_ratings_with_rectifications(personas):
    made = demo.generate(DemoContext(), Scale("tiny", 0.001))
    assert made["ratings"] == 300 == Rating.objects.count() == WindowVisit.objects.count()
    bad = Rating.objects.filter(is_bad=True).count()
    assert made["rectifications"] == bad == Rectification.objects.count()


def test_home_card_and_clerk_pad_entry(login, personas, make_case):
    rating_submit(
        actor=personas.applicant, target=T.for_case(make_case()), level=1, channel=Channel.WEB
    )
    page = login(personas.handler_a).get(reverse("workbench:home")).content.decode()
    assert "本单位差评整改" in page
    response = login(personas.clerk).get(reverse("ratings:pad_home"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "ratings:pad", args=[personas.window.pk]
    )


def test_load_demo_puts_rectifications_in_every_state_and_is_idempotent(db):
    from yingshang.demo.loaders import org as org_demo

    ctx = DemoContext()
    org_demo.load_demo(ctx)
    demo.load_demo(ctx)
    count = Rating.objects.count()
    assert 150 < count < 400
    states = set(Rectification.objects.values_list("status", flat=True))
    assert {"verifying", "rectifying", "reviewing", "closed", "cancelled"} <= states
    assert not Rectification.objects.filter(status="closed", replied_on_time=False).exists()
    demo.load_demo(ctx)
    assert Rating.objects.count() == count


def test_rating_of_a_replied_work_order_counts_for_the_staff_member_who_handled_it(
    personas, make_order
):
    """The work order names its handler (set by the hotline on 签收 and 答复)."""
    order = make_order(satisfied=True, callback_at=timezone.now())
    order.handler = personas.handler_b
    order.save(update_fields=["handler"])
    assert rating_import_hotline_callbacks() == 1
    rating = Rating.objects.get(work_order=order)
    assert rating.staff_id == personas.handler_b.pk
