import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from yingshang.audit.models import AuditEvent, ReturnRecord
from yingshang.errors import DomainError
from yingshang.ratings import ledger, selectors
from yingshang.ratings import services as R
from yingshang.ratings import targets as T
from yingshang.ratings.models import Channel, LedgerIntent, Outcome, Rating, Rectification
from yingshang.ratings.services import rating_submit

pytestmark = pytest.mark.django_db


def _bad(personas, make_case, *, anonymous=False, at=None):
    rating = rating_submit(
        actor=personas.applicant,
        target=T.for_case(make_case()),
        level=1,
        channel=Channel.WEB,
        problems=["slow"],
        anonymous=anonymous,
        at=at,
    )
    return rating, Rectification.objects.get(rating=rating)


def _has_event(action, obj, actor=None):
    qs = AuditEvent.objects.filter(
        action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    )
    if actor is not None:
        qs = qs.filter(actor=actor)
    return qs.exists()


def test_full_loop_verify_reply_callback_close_on_time(personas, make_case):
    with time_machine.travel("2026-11-20 10:00 +08:00", tick=False):
        _rating, rect = _bad(personas, make_case)
    with time_machine.travel("2026-11-23 11:00 +08:00", tick=False):
        rect = R.rectification_verify(actor=personas.handler_a, rectification=rect, note="属实")
    assert rect.status == "rectifying" and rect.verified_on_time is True
    with time_machine.travel("2026-11-26 15:00 +08:00", tick=False):
        rect = R.rectification_reply(
            actor=personas.handler_a, rectification=rect, outcome=Outcome.FIXED_NOW, reply="已整改"
        )
    assert rect.status == "reviewing" and rect.replied_on_time is True
    with pytest.raises(DomainError) as exc:
        R.rectification_close(actor=personas.supervisor, rectification=rect)
    assert exc.value.code == "RECTIFICATION_CALLBACK_REQUIRED"
    R.rectification_callback(
        actor=personas.supervisor, rectification=rect, result="satisfied", note="电话回访满意"
    )
    rect = R.rectification_close(actor=personas.supervisor, rectification=rect, note="同意")
    assert rect.status == "closed"
    for action, actor in [
        ("rectification.verify", personas.handler_a),
        ("rectification.reply", personas.handler_a),
        ("rectification.callback", personas.supervisor),
        ("rectification.close", personas.supervisor),
    ]:
        assert _has_event(action, rect, actor), action


def test_late_verification_is_recorded_as_missed(personas, make_case):
    with time_machine.travel("2026-11-20 10:00 +08:00", tick=False):
        _rating, rect = _bad(personas, make_case)
    with time_machine.travel("2026-11-24 09:30 +08:00", tick=False):  # after Monday's end of day
        rect = R.rectification_verify(actor=personas.handler_a, rectification=rect, note="属实")
    assert rect.verified_on_time is False


@pytest.mark.parametrize("who", ["handler_b", "clerk", "applicant", "supervisor"])
def test_only_the_responsible_unit_verifies(personas, make_case, who):
    _rating, rect = _bad(personas, make_case)
    with pytest.raises(DomainError) as exc:
        R.rectification_verify(actor=personas.by_role(who), rectification=rect, note="x")
    assert exc.value.code == "RECTIFICATION_FORBIDDEN"
    rect.refresh_from_db()
    assert rect.status == "verifying"


def test_unit_cannot_close_its_own_rectification(personas, make_case):
    _rating, rect = _bad(personas, make_case, anonymous=True)
    R.rectification_verify(actor=personas.handler_a, rectification=rect, note="属实")
    R.rectification_reply(
        actor=personas.handler_a, rectification=rect, outcome=Outcome.EXPLAINED, reply="解释"
    )
    with pytest.raises(DomainError):
        R.rectification_close(actor=personas.head_a, rectification=rect)
    # an anonymous 差评 has nobody to call back: the supervisor closes without a callback
    assert R.rectification_close(actor=personas.supervisor, rectification=rect).status == "closed"


def test_reply_before_verification_is_refused(personas, make_case):
    _rating, rect = _bad(personas, make_case)
    with pytest.raises(DomainError) as exc:
        R.rectification_reply(
            actor=personas.handler_a, rectification=rect, outcome=Outcome.FIXED_NOW, reply="x"
        )
    assert exc.value.code == "RECTIFICATION_REPLY_NOT_ALLOWED"


def test_send_back_needs_reason_and_is_a_recorded_return(personas, make_case):
    _rating, rect = _bad(personas, make_case, anonymous=True)
    R.rectification_verify(actor=personas.handler_a, rectification=rect, note="属实")
    R.rectification_reply(
        actor=personas.handler_a, rectification=rect, outcome=Outcome.FIXED_NOW, reply="已改"
    )
    with pytest.raises(DomainError):
        R.rectification_send_back(actor=personas.supervisor, rectification=rect, reason="  ")
    rect = R.rectification_send_back(
        actor=personas.supervisor, rectification=rect, reason="整改不到位"
    )
    assert rect.status == "rectifying"
    assert ReturnRecord.objects.filter(
        object_type="ratings.rectification", object_id=str(rect.pk)
    ).exists()


def test_fixed_by_plan_creates_a_ledger_problem_through_the_hook(personas, make_case):
    _rating, rect = _bad(personas, make_case, anonymous=True)
    R.rectification_verify(actor=personas.handler_a, rectification=rect, note="属实")
    rect = R.rectification_reply(
        actor=personas.handler_a,
        rectification=rect,
        outcome=Outcome.FIXED_BY_PLAN,
        reply="建立台账，三个月内完成窗口改造",
    )
    intent = LedgerIntent.objects.get(rectification=rect)
    from yingshang.supervision.models import Problem

    problem = Problem.objects.filter(source_type=ledger.SOURCE_TYPE, source_id=str(rect.pk)).first()
    assert (
        problem is not None
        and problem.owner_unit == personas.unit_a
        and problem.source == "bad_rating"
    )
    assert intent.status == "done" and rect.ledger_ref == problem.number
    assert _has_event("rectification.to_ledger", rect, personas.handler_a)


def test_fixed_by_plan_is_kept_and_replayed_when_the_ledger_is_missing(
    personas, make_case, monkeypatch
):
    monkeypatch.setattr(ledger, "_creator", lambda: None)
    _rating, rect = _bad(personas, make_case, anonymous=True)
    R.rectification_verify(actor=personas.handler_a, rectification=rect, note="属实")
    rect = R.rectification_reply(
        actor=personas.handler_a,
        rectification=rect,
        outcome=Outcome.FIXED_BY_PLAN,
        reply="建立台账",
    )
    intent = LedgerIntent.objects.get(rectification=rect)
    assert intent.status == "pending" and rect.ledger_ref == ""
    monkeypatch.undo()
    assert ledger.replay_pending() == 1
    intent.refresh_from_db()
    rect.refresh_from_db()
    assert intent.status == "done" and rect.ledger_ref


def test_upheld_appeal_excludes_rating_from_statistics_but_keeps_it(personas, make_case):
    rating_submit(
        actor=personas.applicant, target=T.for_case(make_case()), level=5, channel=Channel.WEB
    )
    rating, rect = _bad(personas, make_case)
    today = timezone.localdate()
    before = selectors.stats(personas.supervisor, group="unit", start=today, end=today)
    row = next(r for r in before if r.key == personas.unit_a.pk)
    assert (row.total, row.bad, row.satisfaction) == (2, 1, 50.0)

    appeal = R.appeal_submit(
        actor=personas.handler_a, rating=rating, kind="malicious", reason="恶意差评，与办件无关"
    )
    with pytest.raises(DomainError):
        R.appeal_submit(actor=personas.handler_a, rating=rating, kind="malicious", reason="再次")
    with pytest.raises(DomainError):
        R.appeal_decide(actor=personas.head_a, appeal=appeal, upheld=True, reason="自己批")
    with pytest.raises(DomainError) as exc:
        R.appeal_decide(actor=personas.supervisor, appeal=appeal, upheld=True, reason="")
    assert exc.value.code == "APPEAL_REASON_REQUIRED"
    R.appeal_decide(
        actor=personas.supervisor, appeal=appeal, upheld=True, reason="经核实属恶意差评"
    )

    rating.refresh_from_db()
    rect.refresh_from_db()
    assert rating.excluded and rect.status == "cancelled"
    assert Rating.objects.filter(pk=rating.pk).exists()  # kept in history
    after = selectors.stats(personas.supervisor, group="unit", start=today, end=today)
    row = next(r for r in after if r.key == personas.unit_a.pk)
    assert (row.total, row.bad, row.satisfaction, row.excluded) == (1, 0, 100.0, 1)
    assert row.rect_total == 0  # a cancelled rectification does not count either
    assert _has_event("rating.exclude", rating, personas.supervisor)
    public = selectors.public_unit_satisfaction(today, today)
    assert next(u for u in public if u["unit_id"] == personas.unit_a.pk)["satisfaction"] == 100.0


def test_rejected_appeal_keeps_rating_counted(personas, make_case):
    rating, rect = _bad(personas, make_case)
    appeal = R.appeal_submit(
        actor=personas.handler_a, rating=rating, kind="mistaken", reason="误评"
    )
    R.appeal_decide(actor=personas.supervisor, appeal=appeal, upheld=False, reason="证据不足")
    rating.refresh_from_db()
    rect.refresh_from_db()
    assert not rating.excluded and rect.status == "verifying"


def test_other_unit_cannot_appeal(personas, make_case):
    rating, _rect = _bad(personas, make_case)
    with pytest.raises(DomainError) as exc:
        R.appeal_submit(actor=personas.handler_b, rating=rating, kind="malicious", reason="x")
    assert exc.value.code == "APPEAL_FORBIDDEN"


def test_statistics_rates_and_coverage(personas, make_case, visit):
    # 2 delivered cases of unit A (served), one rated 5 and one rated 2 and rectified on time + callback
    rating_submit(
        actor=personas.applicant, target=T.for_case(make_case()), level=5, channel=Channel.WEB
    )
    _rating, rect = _bad(personas, make_case)
    R.rectification_verify(actor=personas.handler_a, rectification=rect, note="属实")
    R.rectification_reply(
        actor=personas.handler_a, rectification=rect, outcome=Outcome.FIXED_NOW, reply="改"
    )
    R.rectification_callback(
        actor=personas.supervisor, rectification=rect, result="satisfied", note="满意"
    )
    R.rectification_close(actor=personas.supervisor, rectification=rect)
    make_case()  # served, not rated
    today = timezone.localdate()
    rows = {
        r.key: r for r in selectors.stats(personas.supervisor, group="unit", start=today, end=today)
    }
    a = rows[personas.unit_a.pk]
    assert (a.total, a.bad, a.satisfaction) == (2, 1, 50.0)
    assert (a.rectified_rate, a.on_time_rate, a.callback_rate) == (100.0, 100.0, 100.0)
    assert (a.rated, a.served, a.coverage) == (2, 3, 66.67)
    # the window visit was served at the centre and not rated
    assert rows[personas.centre.pk].served == 1 and rows[personas.centre.pk].coverage == 0.0
    by_channel = {
        r.key: r
        for r in selectors.stats(personas.supervisor, group="channel", start=today, end=today)
    }
    assert by_channel["web"].total == 2
    by_staff = {
        r.key: r
        for r in selectors.stats(personas.supervisor, group="staff", start=today, end=today)
    }
    assert by_staff[personas.clerk.pk].total == 2


def test_unit_statistics_only_cover_its_own_unit(personas, make_case, make_order):
    rating_submit(
        actor=personas.applicant, target=T.for_case(make_case()), level=5, channel=Channel.WEB
    )
    rating_submit(
        actor=personas.operator,
        target=T.for_work_order(make_order()),
        level=4,
        channel=Channel.HOTLINE_CALLBACK,
    )
    today = timezone.localdate()
    keys = {
        r.key
        for r in selectors.stats(personas.handler_b, group="unit", start=today, end=today)
        if r.total
    }
    assert keys == {personas.unit_b.pk}


def test_trend_counts_per_day(personas, make_case):
    base = timezone.now() - dt.timedelta(days=2)
    rating_submit(
        actor=personas.applicant,
        target=T.for_case(make_case()),
        level=5,
        channel=Channel.WEB,
        at=base,
    )
    rating_submit(
        actor=personas.applicant, target=T.for_case(make_case()), level=1, channel=Channel.WEB
    )
    points = selectors.trend(
        personas.supervisor,
        start=timezone.localdate() - dt.timedelta(days=5),
        end=timezone.localdate(),
    )
    assert [p["total"] for p in points] == [1, 1]
    assert points[-1]["satisfaction"] == 0.0


def test_settings_change_the_limits_of_new_bad_ratings_and_are_audited(login, personas, make_case):
    from django.urls import reverse

    from yingshang.ratings.models import RatingSettings

    assert login(personas.handler_a).get(reverse("ratings:settings")).status_code == 403
    client = login(personas.admin)
    bad = client.post(
        reverse("ratings:settings"),
        {
            "verify_days": "9",
            "reply_days": "3",
            "invite_after_days": "3",
            "link_valid_days": "15",
            "details_days": "7",
            "public_per_ip_per_minute": "20",
            "public_per_object_per_minute": "10",
        },
    )
    assert (
        "核实时限不能长于整改答复时限" in bad.content.decode()
        and 'value="9"' in bad.content.decode()
    )
    client.post(
        reverse("ratings:settings"),
        {
            "verify_days": "2",
            "reply_days": "10",
            "invite_after_days": "3",
            "link_valid_days": "15",
            "details_days": "7",
            "public_per_ip_per_minute": "20",
            "public_per_object_per_minute": "10",
            "reason": "县委新规",
        },
    )
    row = RatingSettings.current()
    assert (row.verify_days, row.reply_days) == (2, 10)
    assert _has_event("rating_settings.update", row, personas.admin)
    with time_machine.travel("2026-11-20 10:00 +08:00", tick=False):
        _rating, rect = _bad(personas, make_case)
    assert timezone.localtime(rect.verify_due_at).date().isoformat() == "2026-11-24"
    assert timezone.localtime(rect.reply_due_at).date().isoformat() == "2026-12-04"


def test_stats_page_drills_down_to_the_ratings(login, personas, make_case):
    from django.urls import reverse

    rating_submit(
        actor=personas.applicant, target=T.for_case(make_case()), level=5, channel=Channel.WEB
    )
    client = login(personas.supervisor)
    page = client.get(reverse("ratings:stats")).content.decode()
    today = timezone.localdate()
    assert f"unit={personas.unit_a.pk}" in page and 'data-echarts-src="#trend-option"' in page
    assert f"start={today}" in page  # the chart's drilldown of today's bar
    listing = client.get(
        reverse("ratings:list"),
        {"unit": personas.unit_a.pk, "start": str(today), "end": str(today)},
    )
    assert listing.context["page"].paginator.count == 1
