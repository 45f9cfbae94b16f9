"""Every metric plug-in computes (here on a county with no records) and its drill-down link
opens the module's own page for a supervisor and a leader."""

import pytest

from yingshang.assessment import registry
from yingshang.workcal import periods

pytestmark = pytest.mark.django_db

CODES = {
    "hotline_score",
    "hotline_response",
    "hotline_resolution",
    "hotline_satisfaction",
    "case_on_time",
    "case_overdue",
    "case_instant_share",
    "case_online_share",
    "rating_satisfaction",
    "rating_rectified_on_time",
    "ledger_overdue",
    "ledger_closed",
}


def test_the_modules_register_their_metrics():
    assert set(registry.discover()) >= CODES


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_metric_computes_and_drills_down(personas, login, code):
    metric = registry.get(code)
    period = periods.parse("2026-11")
    assert metric.compute(period, {}) == {} or all(
        isinstance(v, registry.Figure) for v in metric.compute(period, {}).values()
    )
    for who in (personas.supervisor, personas.leader):
        c = login(who)
        for part in ("numerator", "denominator"):
            url = metric.drill(personas.unit_a.pk, period, part)
            assert c.get(url).status_code == 200, url
