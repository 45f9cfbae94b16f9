"""Plans, the commit–reveal draw through the services, redraws and the exported file."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yingshang.audit.models import AuditEvent
from yingshang.errors import DomainError, InvalidInput
from yingshang.inspections import draw, services
from yingshang.inspections.models import Draw, Inspection, Plan
from yingshang.inspections.tests.setup import joint_plan, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return make_world(personas)


def test_a_ratio_under_the_minimum_is_refused(world):
    with pytest.raises(InvalidInput) as e:
        joint_plan(world, ratio_bp=300)
    assert e.value.code == "INSPECTIONS_RATIO_TOO_LOW"
    assert "3%" in e.value.message and "5%" in e.value.message
    assert not Plan.objects.exists()


def test_good_credit_cannot_be_sampled_more_than_bad(world):
    with pytest.raises(InvalidInput) as e:
        joint_plan(world, grade_ratios={"A": 3000, "D": 600})
    assert e.value.code == "INSPECTIONS_RATIOS_NOT_RISK_BASED"


def test_one_inspector_per_entity_is_refused(world):
    with pytest.raises(InvalidInput) as e:
        joint_plan(world, per_entity=1)
    assert e.value.code == "INSPECTIONS_TOO_FEW_PER_ENTITY"


def test_commit_publishes_hashes_of_what_the_draw_uses(world):
    plan = joint_plan(world)
    d = services.plan_commit(actor=world.p.head_a, plan=plan)
    assert d.status == Draw.Status.COMMITTED and d.population == 41 and d.inspector_count == 8
    assert d.entities_hash == draw.digest(json.loads(d.entities_json))
    assert d.inspectors_hash == draw.digest(json.loads(d.inspectors_json))
    assert d.seed_hash == draw.seed_hash(d.seed)
    plan.refresh_from_db()
    assert plan.status == "committed"
    event = AuditEvent.objects.filter(action="inspections.plan_commit").get()
    assert event.changes["seed_hash"][1] == d.seed_hash and "seed" not in event.changes


def test_the_draw_reveals_and_creates_inspections_with_two_inspectors(world):
    plan = joint_plan(world)
    committed = services.plan_commit(actor=world.p.head_a, plan=plan)
    d = services.plan_draw(actor=world.p.head_a, plan=plan)
    assert d.pk == committed.pk and d.status == Draw.Status.REVEALED
    result = json.loads(d.result_json)
    # all 41 firms have grade A (no complaints, no credit records): ceil(41 × 10 %) = 5
    assert len(result) == 5 == Inspection.objects.filter(plan=plan).count()
    for inspection in Inspection.objects.filter(plan=plan):
        assert inspection.inspectors.count() == 2
    doc = services.export_document(d)
    assert draw.verify(doc) == []
    assert doc["seed_hash"] == committed.seed_hash  # what was published before the draw


def test_a_declared_conflict_is_never_drawn(world):
    p = world.p
    for inspector in world.inspectors:  # everyone but A000/B000 declares a conflict with firm 0
        if inspector.code not in ("A000", "B000"):
            services.conflict_declare(
                actor=p.head_a if inspector.code[0] == "A" else p.handler_b,
                inspector=inspector,
                firm=world.firms[0],
                reason="亲属任职",
            )
    plan = joint_plan(world, ratio_bp=10000)
    services.plan_commit(actor=p.head_a, plan=plan)
    services.plan_draw(actor=p.head_a, plan=plan)
    codes = set(
        Inspection.objects.get(plan=plan, firm=world.firms[0]).inspectors.values_list(
            "code", flat=True
        )
    )
    assert codes == {"A000", "B000"}


def test_too_few_eligible_inspectors_refuses_the_commit(world):
    plan = joint_plan(world, units=[], matters=[world.matter_a], exclude_same_region=True)
    # unit_a alone: 4 inspectors, 2 per region; same-region ones excluded → exactly 2 eligible
    services.plan_commit(actor=world.p.head_a, plan=plan)  # fine
    plan3 = joint_plan(
        world, units=[], matters=[world.matter_a], exclude_same_region=True, per_entity=3
    )
    with pytest.raises(DomainError) as e:
        services.plan_commit(actor=world.p.head_a, plan=plan3)
    assert e.value.code == "INSPECTIONS_TOO_FEW_INSPECTORS"
    assert "检查人员不足3名" in e.value.message
    assert not Draw.objects.filter(plan=plan3).exists()


def test_redraw_needs_a_reason_and_keeps_the_old_draw_published(world):
    plan = joint_plan(world)
    services.plan_commit(actor=world.p.head_a, plan=plan)
    first = services.plan_draw(actor=world.p.head_a, plan=plan)
    with pytest.raises(InvalidInput) as e:
        services.plan_redraw(actor=world.p.head_a, plan=plan, reason=" ")
    assert e.value.code == "INSPECTIONS_REDRAW_REASON_REQUIRED"
    second = services.plan_redraw(actor=world.p.head_a, plan=plan, reason="名录库漏录新设立企业")
    first.refresh_from_db()
    assert first.status == Draw.Status.SUPERSEDED and second.replaces_id == first.pk
    assert second.attempt == 2 and second.reason == "名录库漏录新设立企业"
    assert not Inspection.objects.filter(draw=first).exclude(status="voided").exists()
    assert AuditEvent.objects.filter(
        action="inspections.plan_redraw", reason="名录库漏录新设立企业"
    ).exists()


def test_only_the_lead_unit_draws(world):
    plan = joint_plan(world)
    services.plan_commit(actor=world.p.head_a, plan=plan)
    with pytest.raises(DomainError) as e:
        services.plan_draw(actor=world.p.handler_b, plan=plan)
    assert e.value.code == "INSPECTIONS_NOT_LEAD_UNIT"


def test_verify_draw_command_reproduces_from_the_file_alone(world, tmp_path, capsys):
    plan = joint_plan(world)
    services.plan_commit(actor=world.p.head_a, plan=plan)
    d = services.plan_draw(actor=world.p.head_a, plan=plan)
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(services.export_document(d), ensure_ascii=False), encoding="utf-8")
    # the file alone: the database is emptied of the draw's data before verifying
    Inspection.inspectors.through.objects.all().delete()
    call_command("inspections", "verify-draw", str(path))
    assert "MATCH" in capsys.readouterr().out
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["result"][0]["uscc"], doc["result"][1]["uscc"] = (
        doc["result"][1]["uscc"],
        doc["result"][0]["uscc"],
    )
    doc["result_hash"] = draw.digest(doc["result"])
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("inspections", "verify-draw", str(path))
    assert "MISMATCH" in capsys.readouterr().out


def test_verify_draw_runs_without_django(world, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    plan = joint_plan(world)
    services.plan_commit(actor=world.p.head_a, plan=plan)
    d = services.plan_draw(actor=world.p.head_a, plan=plan)
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(services.export_document(d)), encoding="utf-8")
    script = Path(draw.__file__)
    out = subprocess.run(
        [sys.executable, "-I", str(script), str(path)], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.strip() == "MATCH"


def test_the_next_round_is_committed_until_the_rounds_are_used(world):
    plan = joint_plan(world, rounds_per_year=2)
    services.plan_commit(actor=world.p.head_a, plan=plan)
    services.plan_draw(actor=world.p.head_a, plan=plan)
    second = services.plan_commit(actor=world.p.head_a, plan=plan)
    assert second.round_no == 2
    services.plan_draw(actor=world.p.head_a, plan=plan)
    with pytest.raises(DomainError) as e:
        services.plan_commit(actor=world.p.head_a, plan=plan)
    assert e.value.code == "INSPECTIONS_ROUNDS_EXHAUSTED"


def test_the_draw_and_the_redraw_renew_the_drawn_firms_pages(
    world, settings, django_capture_on_commit_callbacks
):
    """bulk_create and update() send no post_save: the services bump the firms' versions (the
    firm page keeps its panels under them, enterprises.panelcache)."""
    from yingshang.enterprises import panelcache

    settings.FIRM_PANELS_CACHE_SECONDS = 10
    plan = joint_plan(world)
    services.plan_commit(actor=world.p.head_a, plan=plan)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_draw(actor=world.p.head_a, plan=plan)
    drawn = set(Inspection.objects.filter(plan=plan).values_list("firm_id", flat=True))
    after_draw = {f: panelcache.version(f) for f in drawn}
    assert drawn and min(after_draw.values()) >= 1
    others = {f.pk for f in world.firms} - drawn
    assert {panelcache.version(f) for f in others} == {0}
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_redraw(actor=world.p.head_a, plan=plan, reason="名录库漏录新设立企业")
    # their inspections were voided by one UPDATE
    assert all(panelcache.version(f) > v for f, v in after_draw.items())
