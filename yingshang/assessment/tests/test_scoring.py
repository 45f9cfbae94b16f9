"""The arithmetic of a ranking, by hand (scoring.py, no database)."""

from decimal import Decimal as D

from yingshang.assessment import scoring
from yingshang.assessment.registry import Figure


def _m(code, weight, direction="higher", normalisation="rate", min_sample=0):
    return {
        "code": code,
        "weight": D(weight),
        "direction": direction,
        "normalisation": normalisation,
        "min_sample": min_sample,
    }


def test_minmax_lower_is_better_and_weights():
    # overdue counts 2, 5, 8 (lower better, min-max within the group):
    #   X: (8−2)/(8−2)×100 = 100.00, Y: (8−5)/6×100 = 50.00, Z: (8−8)/6×100 = 0.00
    # on-time rates 90, 60, 100 (rate, higher better) → points 90, 60, 100
    # score = 30% overdue + 70% on-time:
    #   X: 0.3×100 + 0.7×90 = 30 + 63 = 93.00
    #   Y: 0.3×50 + 0.7×60 = 15 + 42 = 57.00
    #   Z: 0.3×0 + 0.7×100 = 70.00
    metrics = [_m("overdue", 30, "lower", "minmax"), _m("on_time", 70)]
    units = [(1, "X"), (2, "Y"), (3, "Z")]
    figures = {
        "overdue": {1: Figure(D(2), 10), 2: Figure(D(5), 10), 3: Figure(D(8), 10)},
        "on_time": {1: Figure(D(90), 10), 2: Figure(D(60), 10), 3: Figure(D(100), 10)},
    }
    rows = scoring.rank_group(metrics, units, figures, {})
    assert [(r["unit_name"], r["score"], r["rank"]) for r in rows] == [
        ("X", D("93.00"), 1),
        ("Z", D("70.00"), 2),
        ("Y", D("57.00"), 3),
    ]
    assert rows[0]["metrics"]["overdue"]["points"] == D("100.00")
    assert rows[2]["metrics"]["overdue"]["points"] == D("50.00")


def test_rate_lower_is_hundred_minus_value_and_equal_minmax_is_hundred():
    # 重办率 10% (lower, rate) → 90 points; a min-max metric where both units are equal → 100
    metrics = [_m("redo", 50, "lower"), _m("count", 50, "higher", "minmax")]
    figures = {
        "redo": {1: Figure(D(10), 5), 2: Figure(D(30), 5)},
        "count": {1: Figure(D(4), 5), 2: Figure(D(4), 5)},
    }
    rows = scoring.rank_group(metrics, [(1, "甲"), (2, "乙")], figures, {})
    # 甲: 0.5×90 + 0.5×100 = 95.00; 乙: 0.5×70 + 0.5×100 = 85.00
    assert [(r["unit_name"], r["score"]) for r in rows] == [("甲", D("95.00")), ("乙", D("85.00"))]


def test_ties_share_a_place_and_the_ladder_names_all_tied_last():
    metrics = [_m("m", 100)]
    figures = {"m": {1: Figure(D(80), 9), 2: Figure(D(70), 9), 3: Figure(D(70), 9)}}
    rows = scoring.rank_group(metrics, [(1, "甲"), (2, "乙"), (3, "丙")], figures, {})
    assert [(r["unit_name"], r["rank"]) for r in rows] == [("甲", 1), ("丙", 2), ("乙", 2)]
    lad = scoring.ladder(rows, praise_top=1)
    assert [r["unit_name"] for r in lad["top"]] == ["甲"]
    assert sorted(r["unit_name"] for r in lad["last"]) == ["丙", "乙"]


def test_everyone_equal_has_no_last():
    figures = {"m": {1: Figure(D(80), 9), 2: Figure(D(80), 9)}}
    rows = scoring.rank_group([_m("m", 100)], [(1, "甲"), (2, "乙")], figures, {})
    assert scoring.ladder(rows, praise_top=1) == {"top": [], "last": []}


def test_below_minimum_sample_or_nothing_counted_is_not_ranked():
    metrics = [_m("m", 100, min_sample=5)]
    figures = {"m": {1: Figure(D(100), 4), 2: Figure(D(50), 5), 3: Figure(None, 0)}}
    rows = scoring.rank_group(metrics, [(1, "甲"), (2, "乙"), (3, "丙")], figures, {})
    by = {r["unit_name"]: r for r in rows}
    assert by["乙"]["rank"] == 1
    assert by["甲"]["rank"] is None and by["甲"]["insufficient"] and by["甲"]["short"] == ["m"]
    assert by["丙"]["rank"] is None and by["丙"]["score"] is None


def test_the_bulletin_names_units_with_overdue_items():
    from yingshang.assessment.documents import overdue_named

    results = {
        "metrics": [
            {
                "code": "ledger_overdue",
                "label": "台账逾期问题数",
                "kind": "count",
                "direction": "lower",
            }
        ],
        "groups": [
            {
                "rows": [
                    {"unit_name": "甲局", "metrics": {"ledger_overdue": {"value": "2"}}},
                    {"unit_name": "乙局", "metrics": {"ledger_overdue": {"value": "0"}}},
                    {"unit_name": "丙局", "metrics": {"ledger_overdue": {"value": "5"}}},
                ]
            }
        ],
    }
    assert overdue_named(results) == [("台账逾期问题数", ["丙局5件", "甲局2件"])]
