"""The demo loader makes schemes, items and published rankings through the services, once."""

import pytest

from yingshang.assessment.models import Adjustment, Exposure, Finding, Scheme, Snapshot, Visit
from yingshang.demo.loaders import assessment, org
from yingshang.demo.registry import DemoContext


@pytest.mark.django_db
def test_the_demo_assessment_loads_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ctx = DemoContext()
    for _run in range(2):
        org.load_demo(ctx)
        assessment.load_demo(ctx)
    assert Scheme.objects.filter(status="active").count() == 3
    assert Adjustment.objects.count() == 4
    published = Snapshot.objects.filter(status="published")
    assert sorted(published.values_list("period_kind", flat=True)) == ["month", "quarter"]
    towns = [
        g for g in published.get(period_kind="month").results["groups"] if g["unit_kind"] == "town"
    ]
    assert towns and towns[0]["rows"]
    # 明查暗访 with confirmed findings (two became ledger problems), 曝光台 cases published with
    # the names masked, and the month's ranking on the portal
    assert Visit.objects.filter(status="conducted").count() == 2
    assert Finding.objects.filter(status="confirmed").count() == 3
    assert Finding.objects.filter(problem__isnull=False).count() == 2
    negative = Exposure.objects.get(kind="negative")
    assert negative.status == "published" and "王某某" not in negative.public_body
    assert list(Snapshot.objects.filter(public=True).values_list("period_kind", flat=True)) == [
        "month"
    ]
