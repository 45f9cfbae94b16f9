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
        case = services.case_review_supplement(
            actor=personas.clerk, case=case, material_key="floor_plan", accept=True
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


def test_statistics_follow_every_change_after_the_first_count(personas, cat):
    """The page sums a rollup; a case decided after the rollup was counted shows at once."""
    from yingshang.cases import rollup

    _decided(personas, cat, late=False)
    first = stats.report(personas.supervisor, PERIOD)
    row = next(r for r in first["rows"] if r["id"] == personas.unit_a.pk)
    assert row["cases"] == 1 and row["overdue"] == 0 and first["as_of"] is not None
    _decided(personas, cat, late=True)
    row = next(
        r
        for r in stats.report(personas.supervisor, PERIOD)["rows"]
        if r["id"] == personas.unit_a.pk
    )
    assert row["cases"] == 2 and row["decided"] == 2 and row["overdue"] == 1
    assert row["on_time_rate"] == 50.0
    # a rebuild from scratch gives the same figures
    rollup.invalidate()
    again = next(
        r
        for r in stats.report(personas.supervisor, PERIOD)["rows"]
        if r["id"] == personas.unit_a.pk
    )
    assert again == row


def test_open_cases_past_their_deadline_count_as_overdue_live(personas, cat):
    import time_machine

    case = services.case_submit(
        actor=personas.applicant,
        matter=cat.matter,
        form_data=form_for(personas.applicant),
        files=all_files(),
        channel="online",
        at=MONDAY,
    )
    services.case_accept(actor=personas.clerk, case=case, at=MONDAY)
    case.refresh_from_db()
    with time_machine.travel(case.due_at - dt.timedelta(hours=1)):
        row = next(r for r in stats.report(personas.supervisor, PERIOD)["rows"])
        assert row["overdue"] == 0
    with time_machine.travel(case.due_at + dt.timedelta(hours=1)):
        row = next(r for r in stats.report(personas.supervisor, PERIOD)["rows"])
        assert row["overdue"] == 1 and row["decided"] == 0


@pytest.mark.parametrize(
    "period",
    [
        "since=2026-03-01&until=2026-03-31",  # one whole month: month rows
        "since=2026-02-15&until=2026-04-10",  # a month and the days at either end
        "since=2026-03-02&until=2026-03-02",  # one day: day rows
        "since=2026-03-02&until=2026-05-31",  # days of March, whole April and May
    ],
)
def test_any_period_sums_the_same_cases(personas, cat, period):
    _decided(personas, cat, late=False)
    _decided(personas, cat, late=True)
    rows = stats.report(personas.supervisor, QueryDict(period))["rows"]
    row = next(r for r in rows if r["id"] == personas.unit_a.pk)
    assert (row["cases"], row["decided"], row["overdue"]) == (2, 2, 1)
    none = stats.report(personas.supervisor, QueryDict("since=2026-04-01&until=2026-04-30"))
    assert none["rows"] == []
