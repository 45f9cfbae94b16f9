"""The demo credit file loads through the services, once, and the bulk generator makes the
benchmark volume the nightly job then ends."""

import random

import pytest

from yingshang import workflow
from yingshang.credit import public, publicity
from yingshang.credit.models import DishonestListing, Penalty, Praise, RepairApplication
from yingshang.demo.loaders import credit as demo
from yingshang.demo.registry import DemoContext

pytestmark = pytest.mark.django_db


def test_load_demo_makes_every_kind_of_record_once():
    from yingshang.demo.loaders import org as org_demo

    ctx = DemoContext()
    org_demo.load_demo(ctx)
    demo.load_demo(ctx)
    demo.load_demo(ctx)  # idempotent
    assert Penalty.objects.count() == 3
    statuses = set(Penalty.objects.values_list("status", flat=True))
    assert statuses == {"public", "ended"}  # the 2022 fire penalty is past its 3 years
    assert Praise.objects.count() == 1
    assert set(DishonestListing.objects.values_list("status", flat=True)) == {"listed", "noticed"}
    assert RepairApplication.objects.get().status == "submitted"
    rows, _more = public.penalties()
    assert len(rows) == 2


def test_bulk_penalties_then_the_nightly_job_ends_the_expired_ones(personas):
    made = demo.bulk_penalties(300, rng=random.Random(1), expired_share=0.5)
    assert made == 300
    expired = Penalty.objects.filter(public_until__lte=publicity.timezone.localdate()).count()
    assert 100 < expired < 200
    assert publicity.expire(actor=workflow.SYSTEM) == expired
    assert Penalty.objects.filter(status="public").count() == 300 - expired
