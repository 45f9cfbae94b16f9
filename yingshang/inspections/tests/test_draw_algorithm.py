"""The draw itself (docs/inspections_draw.md): deterministic, hashes, conflicts, regions,
risk-based ratios, workload balance, and verification of a tampered file."""

import copy
import math

import pytest

from yingshang.inspections import draw

SEED = "5f" * 32


def register(n=400, inspectors=12, conflicts=()):
    grades = "AAAAABBCCD"
    entities = sorted([f"91X{i:015d}", f"R{i % 3}", grades[i % len(grades)]] for i in range(n))
    roster = sorted(
        [f"I{j:03d}", "unit", f"R{j % 3}", sorted(u for u, k in conflicts if k == j)]
        for j in range(inspectors)
    )
    return entities, roster


PLAN = {
    "ratios": {"A": 500, "B": 1000, "C": 2000, "D": 5000},
    "per_entity": 2,
    "exclude_same_region": True,
}


def test_same_seed_same_result_and_other_seed_differs():
    entities, roster = register()
    a = draw.run(PLAN, entities, roster, SEED)
    assert a == draw.run(copy.deepcopy(PLAN), copy.deepcopy(entities), copy.deepcopy(roster), SEED)
    assert a != draw.run(PLAN, entities, roster, "60" * 32)


def test_the_stream_is_the_documented_hmac_counter_stream():
    import hashlib
    import hmac

    block0 = hmac.new(bytes.fromhex(SEED), b"yingshang-draw-v1" + bytes(8), hashlib.sha256).digest()
    s = draw.Stream(SEED)
    assert s.word() == int.from_bytes(block0[:8], "big")
    assert s.word() == int.from_bytes(block0[8:16], "big")


def test_counts_per_grade_are_the_ceiling_of_the_ratio():
    entities, roster = register(n=400)
    result = draw.run(PLAN, entities, roster, SEED)
    for grade, bp in PLAN["ratios"].items():
        pop = sum(1 for e in entities if e[2] == grade)
        assert sum(1 for r in result if r["grade"] == grade) == math.ceil(pop * bp / 10000)


def test_no_conflicted_or_same_region_inspector_and_two_each():
    entities, _ = register(n=300)
    conflicts = [(entities[i][0], i % 12) for i in range(0, 300, 2)]
    entities, roster = register(n=300, conflicts=conflicts)
    conflicted = {code: set(c) for code, _u, _r, c in roster}
    region = {code: r for code, _u, r, _c in roster}
    entity_region = {u: r for u, r, _g in entities}
    result = draw.run({**PLAN, "ratios": dict.fromkeys("ABCD", 10000)}, entities, roster, SEED)
    assert len(result) == 300
    for r in result:
        assert len(set(r["inspectors"])) == 2
        for code in r["inspectors"]:
            assert r["uscc"] not in conflicted[code]
            assert region[code] != entity_region[r["uscc"]]


def test_workloads_are_balanced():
    entities, roster = register(n=600)
    result = draw.run({**PLAN, "exclude_same_region": False}, entities, roster, SEED)
    loads = {}
    for r in result:
        for code in r["inspectors"]:
            loads[code] = loads.get(code, 0) + 1
    assert max(loads.values()) - min(loads.values()) <= 1


def test_ratios_by_grade_hold_over_many_draws():
    """Each entity of grade g is drawn with probability ≈ ratio(g): over 300 draws (fixed seeds)
    the frequency of every grade is within 4 standard errors, and D entities are drawn about
    ten times as often as A entities."""
    entities, roster = register(n=200)
    plan = {**PLAN, "ratios": {"A": 500, "B": 1000, "C": 2000, "D": 5000}}
    hits = dict.fromkeys("ABCD", 0)
    per_entity = {}
    draws = 300
    for i in range(draws):
        seed = draw.sha256_hex(f"stat-{i}".encode())
        for r in draw.run(plan, entities, roster, seed):
            hits[r["grade"]] += 1
            per_entity[r["uscc"]] = per_entity.get(r["uscc"], 0) + 1
    for g in "ABCD":
        pop = sum(1 for e in entities if e[2] == g)
        p = plan["ratios"][g] / 10000
        expected = draws * pop * p
        assert hits[g] >= expected * 0.999  # ceil() never draws fewer than the ratio
        # within a grade every entity has the same chance: frequencies spread like a binomial
        freqs = [per_entity.get(u, 0) / draws for u, _r, gr in entities if gr == g]
        mean = sum(freqs) / len(freqs)
        assert abs(mean - math.ceil(pop * p) / pop) < 1e-9
        se = math.sqrt(mean * (1 - mean) / draws)
        assert max(abs(f - mean) for f in freqs) < 4.5 * se + 1e-9
    rate = lambda g: hits[g] / sum(1 for e in entities if e[2] == g)  # noqa: E731
    assert rate("D") > 8 * rate("A")


def test_too_few_eligible_is_named_before_the_draw():
    entities, roster = register(n=30, inspectors=2)
    problems = draw.eligible_count_problems(PLAN, entities, roster)
    assert problems and all(p["eligible"] < 2 for p in problems)
    with pytest.raises(draw.DrawError):
        draw.run({**PLAN, "ratios": dict.fromkeys("ABCD", 10000)}, entities, roster, SEED)


def test_verify_finds_every_kind_of_tampering():
    entities, roster = register()
    result = draw.run(PLAN, entities, roster, SEED)
    doc = draw.export(
        plan=PLAN, entities=entities, inspectors=roster, seed=SEED, result=result, meta={}
    )
    assert draw.verify(doc) == []
    swapped = copy.deepcopy(doc)
    swapped["result"][0]["inspectors"].reverse()
    assert any("result_hash" in m for m in draw.verify(swapped))
    rehashed = copy.deepcopy(swapped)
    rehashed["result_hash"] = draw.digest(rehashed["result"])
    assert any("different result" in m for m in draw.verify(rehashed))
    other_seed = copy.deepcopy(doc)
    other_seed["seed"] = "00" * 32
    assert any("seed_hash" in m for m in draw.verify(other_seed))
