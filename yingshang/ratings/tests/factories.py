"""factory_boy factories of 好差评 rows. A 差评 gets its rectification the way rating_submit
gives it one (rectification_open, by workflow.SYSTEM), so the loop starts as in production."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from yingshang import workflow
from yingshang.org.models import User, Window
from yingshang.ratings import schemes
from yingshang.ratings.models import BAD_LEVELS, Channel, Point, Rating, WindowVisit
from yingshang.ratings.services import rectification_open


class WindowVisitFactory(DjangoModelFactory):
    class Meta:
        model = WindowVisit

    window = factory.LazyFunction(lambda: Window.objects.filter(is_active=True).first())
    clerk = factory.LazyAttribute(
        lambda o: o.window.clerk or User.objects.filter(username="clerk").first()
    )
    unit = factory.SelfAttribute("window.hall")
    started_at = factory.LazyFunction(timezone.now)
    ended_at = factory.LazyFunction(timezone.now)


class RatingFactory(DjangoModelFactory):
    """A window rating (anonymous unless a `rater` is given). `unit` is the unit it counts for
    (the visit's hall unless given); a 差评 (level 1–2) opens its rectification."""

    class Meta:
        model = Rating
        skip_postgeneration_save = True

    class Params:
        bad = factory.Trait(level=1, problems=["attitude"])

    visit = factory.SubFactory(WindowVisitFactory)
    level = 5
    is_bad = factory.LazyAttribute(lambda o: o.level in BAD_LEVELS)
    scheme_id = factory.LazyFunction(lambda: schemes.active("onsite").id)
    channel = Channel.WINDOW_PAD
    point = Point.VISIT
    rater = None
    anonymous = factory.LazyAttribute(lambda o: o.rater is None)
    rater_phone = factory.LazyAttribute(lambda o: (o.rater.mobile or "") if o.rater else "")
    unit = factory.SelfAttribute("visit.unit")
    staff = factory.SelfAttribute("visit.clerk")
    window = factory.SelfAttribute("visit.window")
    problems = factory.LazyFunction(list)
    created_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def rectification(obj, create, extracted, **kwargs):
        if create and obj.is_bad:
            rectification_open(actor=workflow.SYSTEM, rating=obj, at=obj.created_at)
