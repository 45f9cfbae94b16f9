"""The demo loader (yingshang/demo/loaders/inspections.py) makes the registers, a joint plan that
was drawn and verifies, three published results and a quiet-day exception — once."""

import pytest

from yingshang.demo.loaders import inspections as demo_inspections
from yingshang.demo.loaders import org
from yingshang.demo.registry import DemoContext
from yingshang.inspections import draw, services
from yingshang.inspections.models import Inspection, Plan, PublishedResult, QuietException


@pytest.mark.django_db
def test_the_demo_loads_once_and_its_draw_verifies(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ctx = DemoContext()
    for _run in range(2):
        org.load_demo(ctx)
        demo_inspections.load_demo(ctx)
    plan = Plan.objects.get()
    assert plan.status == "drawn" and plan.units.count() == 2
    d = plan.draws.get()
    assert draw.verify(services.export_document(d)) == []
    assert PublishedResult.objects.count() == 3
    assert QuietException.objects.count() == 1
    assert Inspection.objects.filter(status="scheduled").count() == 1
