"""What the module gives the rest of the platform: the assessment metric, the firm page panel
and the county overview section."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from yingshang.assessment.registry import discover
from yingshang.enterprises.panels import panels_for
from yingshang.projects.tests.conftest import finish_stage, make_project
from yingshang.workcal.periods import between

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def test_stage_on_time_metric_counts_the_lead_units_stages(personas, world):
    p = personas
    project = make_project(p, world)
    # ① limit 10: decided after 2 working days, on time
    finish_stage(
        p,
        world,
        project,
        1,
        at=dt.datetime(2026, 9, 14, 10, tzinfo=TZ),
        done=dt.datetime(2026, 9, 16, 10, tzinfo=TZ),
    )
    metric = discover()["project_stage_on_time"]
    figures = metric.compute(between(dt.date(2026, 9, 1), dt.date(2026, 9, 30)), {})
    assert figures[world.unit_c.pk].value == Decimal("100.00") and figures[world.unit_c.pk].den == 1
    assert metric.compute(between(dt.date(2026, 10, 1), dt.date(2026, 10, 31)), {}) == {}


def test_firm_panel_lists_the_firms_projects_for_staff_and_for_the_firm(personas, world):
    p = personas
    project = make_project(p, world)
    staff = {panel.key: panel for panel in panels_for(p.firm, p.supervisor)}
    assert staff["projects"].total == 1 and project.code in staff["projects"].rows[0].label
    own = {panel.key: panel for panel in panels_for(p.firm, p.firm_user, public=True)}
    assert own["projects"].rows[0].url.startswith("/projects/")
    assert "projects" not in {panel.key for panel in panels_for(p.firm, p.applicant, public=True)}


def test_overview_has_a_projects_section(personas, world, login):
    make_project(personas, world)
    page = login(personas.leader).get("/staff/overview/").content.decode()
    assert "在批项目" in page and "阶段按时办结率" in page
