"""The weekly digest: each subscriber gets the policies and closing items that match its tags,
once per week; reviews open on Monday with a working-day clock."""

import datetime as dt

import pytest
from django.utils import timezone

from yingshang import workflow
from yingshang.notify.models import Message
from yingshang.policies import services
from yingshang.policies.models import Digest, Policy, PolicyReview
from yingshang.policies.services.calendar import week_of
from yingshang.policies.services.digest import matches

from .conftest import add_item, firm_account


def _policy(personas, title, tags, published_at):
    p = services.policy_create(
        actor=personas.supervisor,
        owner_unit=personas.unit_a.pk,
        tags=tags,
        title=title,
        issuer="示范县人民政府",
        issued_on=published_at.date(),
        effective_on=published_at.date(),
        summary=title,
    )
    p = services.policy_publish(actor=personas.supervisor, policy=p)
    Policy.objects.filter(pk=p.pk).update(published_at=published_at)
    return Policy.objects.get(pk=p.pk)


def test_matching_rule():
    wants = {"industry": {"C"}, "size": {"small"}}
    assert matches({"industry": {"C"}, "topic": {"funding"}}, wants)
    assert matches({}, wants)  # a policy for every firm
    assert not matches({"industry": {"F"}}, wants)
    assert not matches({"size": {"large"}}, wants)
    assert matches({"industry": {"C"}, "topic": {"talent"}}, {"topic": {"talent"}})
    assert not matches({"industry": {"C"}}, {"topic": {"talent"}})  # topics must be named


@pytest.fixture
def week(today):
    return week_of(today)


@pytest.fixture
def county(personas, week):
    start = timezone.make_aware(dt.datetime.combine(week, dt.time(9)))
    last_week = start - dt.timedelta(days=3)
    made = {
        "manufacturing": _policy(
            personas, "制造业技改奖补", ["industry:C", "topic:funding"], last_week
        ),
        "retail": _policy(personas, "批发零售业促消费", ["industry:F", "topic:funding"], last_week),
        "talent": _policy(personas, "人才引进安家补贴", ["topic:talent"], last_week),
        "all": _policy(personas, "优化营商环境若干措施", [], last_week),
        "old": _policy(personas, "去年的老政策", ["industry:C"], start - dt.timedelta(days=40)),
    }
    return made


def _subscribe(n, tags, **kw):
    _firm, user = firm_account(n, size="small")
    services.subscription_set(actor=user, tags=tags, **kw)
    return user


def _inbox(user, digest):
    return Message.objects.filter(
        recipient=user, related_type="policies.digest", related_id=str(digest.pk)
    )


def test_digest_contents_follow_each_subscribers_tags(personas, county, week):
    maker = _subscribe(1, ["industry:C"], by_sms=True)
    shop = _subscribe(2, ["industry:F"])
    hr = _subscribe(3, ["topic:talent"])
    everyone = _subscribe(4, [])
    item = add_item(
        personas,
        county["manufacturing"],
        week,
        opens_on=week - dt.timedelta(days=3),
        closes_on=week + dt.timedelta(days=10),
    )
    digest = services.digest_generate(actor=workflow.SYSTEM, week=week)

    body = _inbox(maker, digest).get(channel="inapp").body
    assert (
        "制造业技改奖补" in body and "优化营商环境若干措施" in body and "人才引进安家补贴" in body
    )
    assert "批发零售业促消费" not in body and "去年的老政策" not in body
    assert f"{item.title}，{item.closes_on.isoformat()} 截止" in body
    assert _inbox(maker, digest).filter(channel="sms").count() == 1  # asked for SMS too

    body = _inbox(shop, digest).get().body
    assert "批发零售业促消费" in body and "制造业技改奖补" not in body

    body = _inbox(hr, digest).get().body
    assert "人才引进安家补贴" in body
    assert "制造业技改奖补" not in body and "优化营商环境若干措施" not in body

    body = _inbox(everyone, digest).get().body
    assert all(t in body for t in ("制造业技改奖补", "批发零售业促消费", "人才引进安家补贴"))
    assert (digest.subscribers, digest.messages) == (4, 5)


def test_digest_is_made_once_a_week(personas, county, week):
    user = _subscribe(1, [])
    first = services.digest_generate(actor=workflow.SYSTEM, week=week)
    again = services.digest_generate(actor=workflow.SYSTEM, week=week + dt.timedelta(days=2))
    assert first.pk == again.pk and Digest.objects.count() == 1
    assert _inbox(user, first).count() == 1


def test_weekly_job_opens_reviews_with_a_working_day_clock(personas, county, week):
    from yingshang.policies.tasks import weekly

    weekly.call()
    reviews = PolicyReview.objects.filter(week=week)
    assert reviews.count() == len(county)  # every published policy in force
    review = reviews.first()
    assert review.due_at is not None and review.unit_id == personas.unit_a.pk
    weekly.call()
    assert PolicyReview.objects.filter(week=week).count() == len(county)
    done = services.review_complete(actor=personas.handler_a, review=review, conclusion="unchanged")
    assert done.status == "done" and done.on_time is (timezone.now() <= review.due_at)
    with pytest.raises(Exception):  # noqa: B017 — unit B does not own the policy (404 or 403)
        services.review_complete(
            actor=personas.handler_b,
            review=reviews.exclude(pk=review.pk).first(),
            conclusion="unchanged",
        )


def test_only_firm_accounts_subscribe(personas):
    from yingshang.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        services.subscription_set(actor=personas.applicant, tags=["industry:C"])
    from yingshang.errors import InvalidInput

    _firm, user = firm_account(9)
    with pytest.raises(InvalidInput) as caught:
        services.subscription_set(actor=user, tags=["industry:ZZ"])
    assert caught.value.details["field"] == "tags" and "industry:ZZ" in caught.value.message
