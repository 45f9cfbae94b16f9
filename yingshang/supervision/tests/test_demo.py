import pytest
from django.db import models

from yingshang.demo.loaders import supervision as demo
from yingshang.demo.registry import DemoContext, Scale
from yingshang.supervision.models import InspectionForm, Problem

pytestmark = pytest.mark.django_db


def test_load_demo_makes_the_72_self_inspection_problems_in_every_state_once():
    from yingshang.demo.loaders import org as org_demo

    ctx = DemoContext()
    org_demo.load_demo(ctx)
    demo.load_demo(ctx)
    demo.load_demo(ctx)  # idempotent
    qs = Problem.objects.filter(source_type="demo")
    assert qs.count() == 72
    states = set(qs.values_list("status", flat=True))
    assert {
        "assigned",
        "claimed",
        "rectifying",
        "closure_requested",
        "closed",
        "reopened",
    } <= states
    assert qs.filter(overdue=True).exists()
    assert qs.filter(milestones__isnull=False).distinct().count() == 72
    assert InspectionForm.objects.filter(title=demo.FORM_TITLE).count() == 1


def test_generate_bulk_creates_problems(personas):
    made = demo.generate(DemoContext(), Scale("tiny", 0.002))
    assert made == {"problems": 200}
    assert Problem.objects.count() == 200
    assert Problem.objects.values("number").distinct().count() == 200
    from yingshang.supervision.models import Milestone, ProblemCoUnit

    assert ProblemCoUnit.objects.count() == 20 and Milestone.objects.count() == 67
    assert not ProblemCoUnit.objects.filter(unit_id=models.F("problem__owner_unit_id")).exists()
    p = Problem.objects.filter(status="closed").first()
    assert p.closed_at > p.created_at and p.deadline_at.tzinfo is not None
