import pytest
import time_machine
from django.db import IntegrityError, transaction

from yingshang.audit.models import AuditEvent
from yingshang.errors import DomainError
from yingshang.ratings import links
from yingshang.ratings import targets as T
from yingshang.ratings.models import Channel, Point, Rating, Rectification
from yingshang.ratings.services import rating_add_details, rating_submit, visit_start

pytestmark = pytest.mark.django_db


def _events(action, obj):
    return AuditEvent.objects.filter(
        action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    )


def test_applicant_rates_own_delivered_case_real_name(personas, make_case):
    case = make_case()
    rating = rating_submit(
        actor=personas.applicant, target=T.for_case(case), level=5, channel=Channel.WEB
    )
    assert rating.rater == personas.applicant and rating.rater_phone == "13800138000"
    assert (
        rating.unit == personas.unit_a
        and rating.staff == personas.clerk
        and rating.window == personas.window
    )
    assert rating.point == Point.DELIVER and not rating.is_bad
    event = _events("rating.submit", rating).get()
    assert event.actor == personas.applicant
    assert not Rectification.objects.exists()


def test_case_not_yet_delivered_cannot_be_rated_at_delivery(personas, make_case):
    case = make_case(status="in_review")
    with pytest.raises(DomainError) as exc:
        rating_submit(
            actor=personas.applicant, target=T.for_case(case), level=5, channel=Channel.WEB
        )
    assert exc.value.code == "RATING_NOT_YET"
    assert not Rating.objects.exists()


def test_acceptance_point_needs_an_accepted_case(personas, make_case):
    case = make_case(status="submitted")
    with pytest.raises(DomainError) as exc:
        rating_submit(
            actor=personas.applicant,
            target=T.for_case(case),
            level=5,
            channel=Channel.WEB,
            point=Point.ACCEPT,
        )
    assert exc.value.code == "RATING_NOT_YET"
    # the reception point is open as soon as the window took the application (接件)
    assert (
        rating_submit(
            actor=personas.applicant,
            target=T.for_case(case),
            level=5,
            channel=Channel.WEB,
            point=Point.RECEIVE,
        ).point
        == "receive"
    )


def test_one_rating_per_case_per_point(personas, make_case):
    case = make_case()
    rating_submit(actor=personas.applicant, target=T.for_case(case), level=4, channel=Channel.WEB)
    with pytest.raises(DomainError) as exc:
        rating_submit(
            actor=personas.applicant, target=T.for_case(case), level=1, channel=Channel.APP_API
        )
    assert exc.value.code == "RATING_ALREADY_GIVEN" and "一事一评" in exc.value.message
    # another rating point of the same case is a separate rating (一事多评 at 受理 and 办结)
    rating_submit(
        actor=personas.applicant,
        target=T.for_case(case),
        level=3,
        channel=Channel.WEB,
        point=Point.ACCEPT,
    )
    assert Rating.objects.filter(case=case).count() == 2


def test_database_refuses_a_second_rating_of_the_same_visit(personas, visit):
    rating_submit(
        actor=None, target=T.for_visit(visit), level=5, channel=Channel.QR, visit_token=visit.token
    )
    first = Rating.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            level=1,
            scheme=first.scheme,
            channel="qr",
            point="visit",
            visit=visit,
            unit=first.unit,
            created_at=first.created_at,
        )


def test_one_rating_per_visit(personas, visit):
    rating_submit(
        actor=None, target=T.for_visit(visit), level=5, channel=Channel.QR, visit_token=visit.token
    )
    with pytest.raises(DomainError) as exc:
        rating_submit(
            actor=None,
            target=T.for_visit(visit),
            level=1,
            channel=Channel.QR,
            visit_token=visit.token,
        )
    assert "一次一评" in exc.value.message
    assert Rating.objects.count() == 1


@pytest.mark.parametrize("who", ["clerk", "handler_a", "head_a", "supervisor", "operator"])
def test_staff_cannot_rate_for_the_applicant(personas, make_case, who):
    case = make_case()
    with pytest.raises(DomainError) as exc:
        rating_submit(
            actor=personas.by_role(who), target=T.for_case(case), level=5, channel=Channel.WEB
        )
    assert exc.value.code == "STAFF_CANNOT_RATE"
    assert not Rating.objects.exists()


def test_staff_cannot_use_a_signed_link_either(personas, make_case):
    case = make_case()
    token = links.make_token("case", case.pk, "deliver")
    with pytest.raises(DomainError) as exc:
        rating_submit(
            actor=personas.handler_a,
            target=T.for_case(case),
            level=5,
            channel=Channel.SMS,
            link_token=token,
        )
    assert exc.value.code == "STAFF_CANNOT_RATE"


def test_other_person_cannot_rate_a_case(personas, make_case):
    case = make_case()
    with pytest.raises(DomainError) as exc:
        rating_submit(
            actor=personas.outsider, target=T.for_case(case), level=1, channel=Channel.WEB
        )
    assert exc.value.code == "RATING_NOT_YOURS"


def test_pad_in_applicants_hands_records_with_clerk_session_anonymously(personas, visit):
    rating = rating_submit(
        actor=personas.clerk,
        target=T.for_visit(visit),
        level=4,
        channel=Channel.WINDOW_PAD,
        visit_token=visit.token,
        pad=True,
    )
    assert rating.anonymous and rating.rater is None and rating.rater_phone == ""
    assert (
        rating.staff == personas.clerk
        and rating.window == personas.window
        and rating.unit == personas.centre
    )
    assert (
        _events("rating.submit", rating).get().actor is None
    )  # the clerk's session is not recorded


def test_pad_with_wrong_visit_token_is_refused(personas, visit):
    with pytest.raises(DomainError) as exc:
        rating_submit(
            actor=personas.clerk,
            target=T.for_visit(visit),
            level=5,
            channel=Channel.WINDOW_PAD,
            visit_token="forged",
            pad=True,
        )
    assert exc.value.code == "STAFF_CANNOT_RATE"


def test_operator_records_caller_answer_on_12345_callback(personas, make_order):
    order = make_order()
    rating = rating_submit(
        actor=personas.operator,
        target=T.for_work_order(order),
        level=2,
        channel=Channel.HOTLINE_CALLBACK,
        problems=["slow"],
    )
    assert rating.is_bad and rating.rater is None and rating.rater_phone == "13700001111"
    assert rating.unit == personas.unit_b
    assert Rectification.objects.get(rating=rating).callback_required


def test_applicant_cannot_fake_a_hotline_callback(personas, make_order):
    with pytest.raises(DomainError) as exc:
        rating_submit(
            actor=personas.applicant,
            target=T.for_work_order(make_order()),
            level=5,
            channel=Channel.HOTLINE_CALLBACK,
        )
    assert exc.value.code == "RATING_CHANNEL_FORBIDDEN"


def test_invalid_level_and_problem_get_clear_messages(personas, make_case):
    case = make_case()
    with pytest.raises(DomainError) as exc:
        rating_submit(
            actor=personas.applicant, target=T.for_case(case), level=7, channel=Channel.WEB
        )
    assert exc.value.code == "RATING_LEVEL_INVALID" and "非常满意" in exc.value.message
    with pytest.raises(DomainError) as exc:
        rating_submit(
            actor=personas.applicant,
            target=T.for_case(case),
            level=1,
            channel=Channel.WEB,
            problems=["nonsense"],
        )
    assert exc.value.code == "RATING_PROBLEMS_INVALID"
    assert not Rating.objects.exists()


def test_bad_rating_opens_rectification_with_workcal_deadlines(personas, make_case):
    case = make_case()
    with time_machine.travel("2026-11-20 10:00 +08:00", tick=False):  # a Friday
        rating = rating_submit(
            actor=personas.applicant,
            target=T.for_case(case),
            level=1,
            channel=Channel.WEB,
            problems=["slow", "many_visits"],
            comment="跑了三次",
        )
    rect = Rectification.objects.get(rating=rating)
    assert rect.unit == personas.unit_a and rect.status == "verifying" and rect.callback_required
    # 1 working day: Monday 23rd end of day; 5 working days: Friday 27th end of day (Asia/Shanghai)
    from django.utils import timezone

    assert timezone.localtime(rect.verify_due_at).strftime("%Y-%m-%d") == "2026-11-23"
    assert timezone.localtime(rect.reply_due_at).strftime("%Y-%m-%d") == "2026-11-27"
    assert _events("rectification.open", rect).exists()
    # the unit is told
    from yingshang.notify.models import Message

    assert Message.objects.filter(recipient=personas.handler_a, related_id=str(rect.pk)).exists()


def test_anonymous_bad_rating_needs_no_callback_and_stores_no_person(personas, make_case):
    case = make_case()
    rating = rating_submit(
        actor=personas.applicant,
        target=T.for_case(case),
        level=2,
        channel=Channel.WEB,
        anonymous=True,
    )
    rating.refresh_from_db()
    assert rating.anonymous and rating.rater_id is None and rating.rater_phone == ""
    assert not rating.rectification.callback_required
    assert _events("rating.submit", rating).get().actor is None


def test_details_can_be_added_once_right_after_the_click(personas, make_case):
    case = make_case()
    rating = rating_submit(
        actor=personas.applicant, target=T.for_case(case), level=1, channel=Channel.WEB
    )
    rating_add_details(
        rating=rating, problems=["slow"], comment="太慢", dimensions={"efficiency": 1}
    )
    rating.refresh_from_db()
    assert (
        rating.problems == ["slow"]
        and rating.comment == "太慢"
        and rating.dimensions == {"efficiency": 1}
    )
    with pytest.raises(DomainError) as exc:
        rating_add_details(rating=rating, comment="改一下")
    assert exc.value.code == "RATING_DETAILS_CLOSED"
    rating.refresh_from_db()
    assert rating.comment == "太慢"


def test_visit_start_is_only_for_the_windows_clerk(personas):
    with pytest.raises(DomainError):
        visit_start(actor=personas.handler_a, window=personas.window)
    v1 = visit_start(actor=personas.clerk, window=personas.window)
    v2 = visit_start(actor=personas.clerk, window=personas.window)
    v1.refresh_from_db()
    assert v1.ended_at is not None and v2.ended_at is None


def test_postgresql_refuses_deleting_or_editing_a_given_rating(personas, make_case):
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        pytest.skip("the database guard is a PostgreSQL trigger")
    # a good rating: no rectification protects it, only the trigger does
    rating = rating_submit(
        actor=personas.applicant, target=T.for_case(make_case()), level=5, channel=Channel.WEB
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        Rating.objects.filter(pk=rating.pk).update(level=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        Rating.objects.filter(pk=rating.pk).delete()
    assert (
        Rating.objects.filter(pk=rating.pk).update(excluded=True) == 1
    )  # the appeal's flag stays writable
