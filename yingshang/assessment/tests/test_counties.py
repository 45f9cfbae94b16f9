"""A city ranks its counties (issue 24): a 区县 group's figures are each county's units summed —
a rate from the summed numerators and denominators, not an average of the units' rates."""

from decimal import Decimal

import pytest

from yingshang.assessment import scoring
from yingshang.assessment.registry import Figure
from yingshang.assessment.tests import factories as f
from yingshang.org import services as org_services
from yingshang.org.models import Unit
from yingshang.testing.city import make_city

pytestmark = pytest.mark.django_db


def test_county_figures_by_hand():
    figures = {
        1: Figure(value=Decimal("90.00"), sample=10, num=9, den=10),
        2: Figure(value=Decimal("50.00"), sample=30, num=15, den=30),
        3: Figure(value=Decimal("80.00"), sample=10, num=8, den=10),
        4: Figure(value=None, sample=0, num=0, den=0),  # counted nothing: left out
        5: Figure(value=Decimal("10.00"), sample=1, num=1, den=10),  # a city unit: no county
    }
    county_of = {1: 100, 2: 100, 3: 200, 4: 200}
    out = scoring.county_figures(figures, "rate", county_of)
    assert out[100] == Figure(value=Decimal("60.00"), sample=40, num=24, den=40)  # not 70
    assert out[200] == Figure(value=Decimal("80.00"), sample=10, num=8, den=10)
    counts = {1: Figure(value=Decimal(3), num=3), 2: Figure(value=Decimal(4), num=4)}
    assert scoring.county_figures(counts, "count", county_of)[100].value == 7
    scores = {1: Figure(value=Decimal("91")), 2: Figure(value=Decimal("80"))}
    assert scoring.county_figures(scores, "score", county_of)[100].value == Decimal("85.50")


def test_the_city_ranks_its_counties(compute):
    c = make_city()
    a2 = org_services.unit_create(
        actor=c.admin, parent=c.county_a, kind=Unit.Kind.DEPARTMENT, code="zjj-a", name="A县住建局"
    )
    f.orders(c.dept_a, 10, on_time=9, satisfied=9)
    f.orders(a2, 30, on_time=15, satisfied=30)
    f.orders(c.dept_b, 10, on_time=8, satisfied=10)
    f.scheme(
        c.city_supervisor,
        code="city-monthly",
        name="市对县月度考核",
        metrics=[{"code": "hotline_response", "weight": "100", "min_sample": 5}],
        groups=[{"unit_kind": "county", "name": "各区县"}],
    )
    snapshot = compute(c.city_supervisor)
    (group,) = snapshot.results["groups"]
    rows = {r["unit_id"]: r for r in group["rows"]}
    assert set(rows) == {c.county_a.pk, c.county_b.pk}
    assert rows[c.county_b.pk]["rank"] == 1 and rows[c.county_a.pk]["rank"] == 2
    value_a = rows[c.county_a.pk]["metrics"]["hotline_response"]["value"]
    assert Decimal(str(value_a)) == Decimal("60.00")  # 24 of 40 orders signed on time


def test_each_county_ranks_its_own_departments(compute):
    """Two counties keep a scheme of the same name: each ranks its own departments only, and
    each county's staff see their county's ranking and the city's, not the other county's."""
    from yingshang.assessment.models import Snapshot
    from yingshang.org import scope

    c = make_city()
    f.orders(c.dept_a, 10, on_time=9, satisfied=9)
    f.orders(c.dept_b, 10, on_time=8, satisfied=10)
    for supervisor in (c.supervisor_a, c.supervisor_b):
        f.scheme(supervisor, metrics=[{"code": "hotline_response", "weight": "100"}])
    mine = {x: compute(getattr(c, f"supervisor_{x}")) for x in ("a", "b")}
    f.scheme(
        c.city_supervisor,
        code="city-monthly",
        metrics=[{"code": "hotline_response", "weight": "100"}],
        groups=[{"unit_kind": "county", "name": "各区县"}],
    )
    city_ranking = compute(c.city_supervisor)
    for x in ("a", "b"):
        snapshot = mine[x]
        assert snapshot.tenant == getattr(c, f"county_{x}").path
        (group,) = snapshot.results["groups"]
        ranked = Unit.objects.filter(pk__in=[r["unit_id"] for r in group["rows"]])
        assert getattr(c, f"dept_{x}") in ranked
        assert set(ranked.values_list("tenant", flat=True)) == {snapshot.tenant}
        seen = set(
            scope.visible_to(getattr(c, f"leader_{x}"), Snapshot).values_list("pk", flat=True)
        )
        assert seen == {snapshot.pk, city_ranking.pk}
    assert set(scope.visible_to(c.city_leader, Snapshot).values_list("pk", flat=True)) == {
        mine["a"].pk,
        mine["b"].pk,
        city_ranking.pk,
    }
