import datetime as dt

import pytest
from django.http import QueryDict

from yingshang.cases import services, stats
from yingshang.cases.tests.conftest import all_files, form_for, pdf
from yingshang.workcal.calendar import TZ

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=TZ)
PERIOD = QueryDict("since=2026-03-01&until=2026-03-31")


def _decided(personas, cat, *, late: bool, deficit: bool = False, channel="online"):
    user = personas.applicant
    kwargs = {"channel": channel}
    if channel == "window":
        user, kwargs["applicant"] = personas.clerk, personas.applicant
    case = services.case_submit(
        actor=user,
        matter=cat.matter,
        form_data=form_for(personas.applicant),
        files=all_files(skip=("floor_plan",) if deficit else ()),
        at=MONDAY,
        deficit_sign=deficit,
        **kwargs,
    )
    if deficit:
        case = services.case_accept_with_deficit(actor=personas.clerk, case=case, at=MONDAY)
        case = services.case_supply_documents(
            actor=personas.applicant, case=case, files={"floor_plan": [pdf()]}
        )
    else:
        case = services.case_accept(actor=personas.clerk, case=case, at=MONDAY)
    at = case.due_at + dt.timedelta(days=1) if late else MONDAY + dt.timedelta(days=3)
    return services.case_decide(actor=personas.handler_a, case=case, decision="approved", at=at)


def test_unit_statistics_count_on_time_overdue_channels_and_deficits(personas, cat):
    _decided(personas, cat, late=False, deficit=True)
    _decided(personas, cat, late=True, channel="window")
    row = next(
        r
        for r in stats.report(personas.supervisor, PERIOD)["rows"]
        if r["id"] == personas.unit_a.pk
    )
    assert row["cases"] == 2 and row["decided"] == 2
    assert row["on_time_rate"] == 50.0 and row["overdue"] == 1
    assert row["online_share"] == 50.0 and row["deficit"] == 1 and row["kept"] == 1
    assert row["avg_legal"] == 20 and row["p90_used"] >= row["avg_used"]


def test_statistics_start_from_the_users_scope(personas, cat):
    _decided(personas, cat, late=False)
    assert stats.report(personas.handler_b, PERIOD)["rows"] == []
    assert (
        stats.drill_down(
            personas.handler_b, QueryDict(f"id={personas.unit_a.pk}&since=2026-03-01")
        ).count()
        == 0
    )
    assert (
        stats.drill_down(
            personas.handler_a, QueryDict(f"id={personas.unit_a.pk}&since=2026-03-01")
        ).count()
        == 1
    )
