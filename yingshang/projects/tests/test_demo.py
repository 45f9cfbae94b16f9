import pytest

from yingshang.demo.registry import DemoContext
from yingshang.projects.keyprojects import KeyProject
from yingshang.projects.models import Project, ProjectStage

pytestmark = pytest.mark.django_db


def test_demo_loads_projects_in_several_stages_and_key_projects_once():
    from yingshang.demo.registry import load_demo

    # cases come in on working days only (like the rest of the demo county)
    from yingshang.workcal import calendar

    cal = calendar.get_calendar()
    received = ProjectStage.objects.filter(case__isnull=False).values_list(
        "case__received_at", flat=True
    )
    assert all(cal.is_workday(calendar.local_date(t)) for t in received)
    load_demo(DemoContext(history=False))
    assert Project.objects.count() == 3
    states = set(ProjectStage.objects.values_list("status", flat=True))
    assert {"in_review", "correcting", "approved", "not_started"} <= states
    done = Project.objects.get(code="2026-139999-47-03-000103")
    assert done.status == "completed" and done.licences.count() == 3
    returned = ProjectStage.objects.get(status="correcting")
    assert returned.waived == ["eia_form"] and "land_proof" in returned.reused
    assert (
        KeyProject.objects.count() == 3
        and KeyProject.objects.filter(problems__isnull=False).exists()
    )
    # cases come in on working days only (like the rest of the demo county)
    from yingshang.workcal import calendar

    cal = calendar.get_calendar()
    received = ProjectStage.objects.filter(case__isnull=False).values_list(
        "case__received_at", flat=True
    )
    assert all(cal.is_workday(calendar.local_date(t)) for t in received)
    load_demo(DemoContext(history=False))
    assert Project.objects.count() == 3
