import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yingshang import workflow
from yingshang.audit.models import AuditEvent
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.indicators import metrics, scoring, services
from yingshang.indicators.models import Indicator, Tree
from yingshang.indicators.tests.conftest import leaf, value_of
from yingshang.indicators.tests.factories import approved, entered, workbook

pytestmark = pytest.mark.django_db


def test_tree_has_the_18_first_level_indicators_with_lead_units(personas, tree):
    first = list(tree.indicators.filter(level=1).values_list("name", flat=True))
    assert len(first) == 18
    assert first[0] == "开办企业" and first[-1] == "包容普惠创新"
    assert "知识产权创造、保护和运用" in first
    t = leaf(tree, "开办企业时间")
    assert t.lead_unit == personas.unit_a and t.source == "measured"
    assert t.measure_key == "package_days:open-business"
    assert tree.indicators.filter(level=3).exists()  # third level (施工许可审批, 网上政务服务能力)
    assert AuditEvent.objects.filter(action="indicator.tree_create").exists()


def test_next_year_copies_the_tree_and_last_year_keeps_its_own(personas, tree, period):
    a1 = value_of(period, "开办企业费用")
    approved(a1, lead=personas.handler_a, office=personas.supervisor, number="2.5")
    before = scoring.compute(period).nodes[a1.indicator_id].score
    nxt = services.tree_create(actor=personas.supervisor, year=2027)
    assert nxt.copied_from == tree
    assert nxt.indicators.count() == tree.indicators.count()
    new_leaf = leaf(nxt, "开办企业费用")
    assert new_leaf.pk != a1.indicator_id and new_leaf.parent.tree == nxt
    # the 营商办 tightens next year's bounds; last year's score is unchanged
    services.indicator_update(actor=personas.supervisor, indicator=new_leaf, best="0", worst="3")
    assert scoring.compute(period).nodes[a1.indicator_id].score == before == D(50)


def test_only_the_office_edits_the_tree_and_bad_bounds_are_refused(personas, tree):
    ind = leaf(tree, "开办企业费用")
    with pytest.raises(PermissionDeniedError):
        services.indicator_update(actor=personas.handler_a, indicator=ind, best="1")
    with pytest.raises(InvalidInput) as exc:
        services.indicator_update(actor=personas.supervisor, indicator=ind, best="5", worst="5")
    assert exc.value.code == "INDICATOR_BOUNDS_EQUAL"
    with pytest.raises(InvalidInput) as exc:
        services.indicator_update(actor=personas.supervisor, indicator=ind, best="9", worst="5")
    assert exc.value.code == "INDICATOR_DIRECTION_MISMATCH"
    with pytest.raises(DomainError) as exc:
        services.indicator_update(
            actor=personas.supervisor, indicator=ind, source="measured", measure_key="nope"
        )
    assert exc.value.code == "INDICATOR_MEASURE_UNKNOWN"
    ind.refresh_from_db()
    assert ind.best == D(0) and ind.worst == D(5)  # nothing saved
    services.indicator_update(
        actor=personas.supervisor,
        indicator=ind,
        weight="2",
        co_unit_ids=[personas.unit_b.pk],
        reason="市里调整权重",
    )
    ind.refresh_from_db()
    assert ind.weight == D(2) and list(ind.co_units.all()) == [personas.unit_b]
    ev = AuditEvent.objects.filter(action="indicator.update").latest("id")
    assert ev.reason == "市里调整权重"


def test_a_round_locks_the_tree_and_edits_make_a_new_version(personas, tree, period):
    tree.refresh_from_db()
    assert tree.locked and tree.version == 1
    a1 = value_of(period, "开办企业费用")
    approved(a1, lead=personas.handler_a, office=personas.supervisor, number="2.5")
    assert scoring.compute(period).nodes[a1.indicator_id].score == D(50)  # 100 × (5 − 2.5) / 5
    edited = services.indicator_update(
        actor=personas.supervisor, indicator=a1.indicator, best="0", worst="10"
    )
    # the edit went to version 2 of 2026; the round keeps version 1 and its score
    assert edited.tree.year == 2026 and edited.tree.version == 2 and not edited.tree.locked
    assert edited.pk != a1.indicator_id and edited.code == a1.indicator.code
    a1.indicator.refresh_from_db()
    assert a1.indicator.worst == D(5)
    assert scoring.compute(period).nodes[a1.indicator_id].score == D(50)
    # a second edit goes to the same (unlocked) version 2
    again = services.indicator_update(actor=personas.supervisor, indicator=a1.indicator, weight="2")
    assert again.pk == edited.pk and Tree.objects.filter(year=2026).count() == 2
    assert AuditEvent.objects.filter(action="indicator.tree_version").count() == 1
    assert AuditEvent.objects.filter(action="indicator.tree_lock").count() == 1


def test_period_opens_one_value_per_leaf_with_a_working_day_deadline(personas, tree, period):
    n_leaves = len(services.leaves(tree))
    assert period.values.count() == n_leaves > 60
    # 2026-10-09 (Fri) + 10 working days
    from yingshang.workcal import calendar

    assert period.due_on == calendar.add_working_days(dt.date(2026, 10, 9), 10)


def test_entry_submit_return_resubmit_approve(personas, period):
    v = value_of(period, "开办企业费用")
    v = entered(v, actor=personas.handler_a, number="1.5", note="按抽样10户测算")
    assert v.evidence.count() == 1 and v.source == "entered"
    v = services.value_submit(actor=personas.handler_a, value=v)
    assert v.status == "submitted"
    with pytest.raises(InvalidInput):
        services.value_return(actor=personas.supervisor, value=v, reason="  ")
    v = services.value_return(actor=personas.supervisor, value=v, reason="缺少抽样企业名单")
    assert v.status == "returned" and v.return_reason == "缺少抽样企业名单"
    ev = AuditEvent.objects.filter(action="indicator.return").latest("id")
    assert ev.reason == "缺少抽样企业名单" and ev.role == "supervisor"
    v = entered(v, actor=personas.handler_a, number="1.2")
    v = services.value_submit(actor=personas.handler_a, value=v)
    v = services.value_approve(actor=personas.supervisor, value=v)
    assert v.status == "approved" and v.reviewed_by == personas.supervisor
    # 100 × (5 − 1.2) / (5 − 0) = 76
    assert scoring.compute(period).nodes[v.indicator_id].score == D(76)
    assert list(
        AuditEvent.objects.filter(object_id=str(v.pk), action__startswith="indicator.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "indicator.enter",
        "indicator.submit",
        "indicator.return",
        "indicator.enter",
        "indicator.submit",
        "indicator.approve",
    ]


def test_only_the_lead_unit_enters_and_submit_needs_value_and_evidence(personas, period):
    v = value_of(period, "开办企业费用")  # led by unit A
    with pytest.raises(PermissionDeniedError) as exc:
        services.value_enter(actor=personas.handler_b, value=v, number="1")
    assert exc.value.code == "INDICATOR_NOT_LEAD_UNIT"
    with pytest.raises(InvalidInput) as exc:
        services.value_submit(actor=personas.handler_a, value=v)
    assert exc.value.code == "INDICATOR_VALUE_REQUIRED"
    v = entered(v, actor=personas.handler_a, number="1", files=False)
    with pytest.raises(InvalidInput) as exc:
        services.value_submit(actor=personas.handler_a, value=v)
    assert exc.value.code == "INDICATOR_EVIDENCE_REQUIRED"


def test_implausible_value_and_refused_file_type_change_nothing(personas, period):
    v = value_of(period, "企业开办全程网办率")  # a percentage
    with pytest.raises(InvalidInput) as exc:
        services.value_enter(actor=personas.handler_a, value=v, number="120")
    assert "百分比" in exc.value.message
    with pytest.raises(InvalidInput) as exc:
        services.value_enter(actor=personas.handler_a, value=v, number="-3")
    assert exc.value.code == "INDICATOR_VALUE_IMPLAUSIBLE"
    exe = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(InvalidInput) as exc:
        services.value_enter(actor=personas.handler_a, value=v, number="90", files=[exe])
    assert exc.value.code == "UPLOAD_TYPE_NOT_ALLOWED" and "证明.pdf" in exc.value.message
    v.refresh_from_db()
    assert v.value is None and v.evidence.count() == 0


def test_state_table_refuses_approving_a_draft(personas, period):
    v = value_of(period, "开办企业费用")
    with pytest.raises(DomainError) as exc:
        services.value_approve(actor=personas.supervisor, value=v)
    assert exc.value.code == "INDICATOR_VALUE_APPROVE_NOT_ALLOWED" and exc.value.status == 409


def test_measured_satisfaction_equals_the_query_over_ratings(personas, period):
    from yingshang.ratings.models import Rating
    from yingshang.ratings.tests.factories import RatingFactory

    inside = dt.datetime(2026, 8, 3, 10, tzinfo=dt.UTC)
    for level in (5, 5, 4, 3, 2):
        RatingFactory(level=level, created_at=inside, problems=["attitude"] if level < 3 else [])
    RatingFactory(level=1, created_at=dt.datetime(2026, 10, 3, tzinfo=dt.UTC), problems=["x"])
    v = value_of(period, "政务服务好差评满意率")
    v = services.value_measure(actor=personas.supervisor, value=v)
    qs = Rating.objects.filter(
        created_at__gte=dt.datetime(2026, 6, 30, 16, tzinfo=dt.UTC),
        created_at__lt=dt.datetime(2026, 9, 30, 16, tzinfo=dt.UTC),
    )
    expected = D(qs.filter(level__gte=3).count() * 100) / qs.count()  # 4 of 5 = 80
    assert v.value == expected == D(80)
    assert v.status == "submitted" and v.source == "measured"
    assert v.measured["n"] == 5 and sorted(v.measured["ids"]) == sorted(
        qs.values_list("pk", flat=True)
    )
    # a measured leaf is not entered by hand, even when returned
    v = services.value_return(actor=personas.supervisor, value=v, reason="复核样本")
    with pytest.raises(PermissionDeniedError) as exc:
        services.value_enter(actor=personas.handler_a, value=v, number="99")
    assert exc.value.code == "INDICATOR_VALUE_MEASURED"


def test_measured_company_registration_time_from_the_package_cases(personas, period):
    from yingshang.cases.models import Case
    from yingshang.catalog.models import Package

    pkg = Package.objects.create(
        code="open-business", name="企业开办", lead_unit=personas.unit_a, promised_limit_days=1
    )
    at = dt.datetime(2026, 8, 10, 3, tzinfo=dt.UTC)
    for i, days in enumerate((1, 2, 4)):
        Case.objects.create(
            number=f"T{i}",
            title="企业开办",
            package=pkg,
            applicant=personas.applicant,
            applicant_name="张三",
            channel="online",
            status="decided",
            unit=personas.unit_a,
            decided_at=at,
            working_days_used=days,
        )
    v = services.value_measure(actor=personas.supervisor, value=value_of(period, "开办企业时间"))
    # (1 + 2 + 4) / 3 = 2.333… → 2.33
    assert v.value == D("2.33") and v.measured["n"] == 3 and v.measured["model"] == "cases.case"


def test_measure_without_records_says_so(personas, period):
    with pytest.raises(DomainError) as exc:
        services.value_measure(
            actor=personas.supervisor, value=value_of(period, "12345热线回访满意率")
        )
    assert exc.value.code == "INDICATOR_MEASURE_NO_DATA"


def test_excel_import_saves_and_submits_rows(personas, period):
    up = workbook(
        [
            ["01.03", "开办企业费用", "占人均收入%", 0, 5, 1.5, 1, "抽样测算"],
            ["01.04", "企业开办全程网办率", "%", 100, 40, 85, None, ""],
        ]
    )
    assert services.values_import(actor=personas.handler_a, period=period, upload=up) == 2
    v = value_of(period, "企业开办全程网办率")
    assert v.status == "submitted" and v.value == D(85) and v.source == "imported"
    assert AuditEvent.objects.filter(action="indicator.import").count() == 2


def test_excel_import_with_a_bad_row_changes_nothing_and_names_the_row(personas, period):
    up = workbook(
        [
            ["01.03", "开办企业费用", "", 0, 5, 1.5, None, ""],
            ["01.04", "企业开办全程网办率", "%", 100, 40, "八十五", None, ""],
            ["06.01", "获得电力环节", "个", 2, 8, 3, None, ""],
        ]
    )
    with pytest.raises(InvalidInput) as exc:
        services.values_import(actor=personas.handler_a, period=period, upload=up)
    errors = exc.value.details["errors"]
    assert {k: errors[0][k] for k in ("row", "field")} == {"row": 3, "field": "指标值"}
    assert errors[1]["row"] == 4  # 获得电力 is not unit A's
    assert "第3行" in exc.value.message
    assert value_of(period, "开办企业费用").value is None


def test_unit_indicator_score_for_the_assessment_module(personas, period):
    # unit A leads 开办企业 (4 leaves) and others; two approved values:
    # 费用 1 → 100 × (5 − 1) / 5 = 80; 全程网办率 70 → 100 × (40 − 70) / (40 − 100) = 50.
    # equal shares (both under 开办企业, weight 1) → (80 + 50) / 2 = 65
    approved(
        value_of(period, "开办企业费用"),
        lead=personas.handler_a,
        office=personas.supervisor,
        number="1",
    )
    approved(
        value_of(period, "企业开办全程网办率"),
        lead=personas.handler_a,
        office=personas.supervisor,
        number="70",
    )
    # (shares are 1/18 × 1/4 each: Decimal division, rounded only for display)
    assert scoring.display(metrics.unit_indicator_score(personas.unit_a, period)) == "65.00"
    assert scoring.display(metrics.unit_indicator_score(personas.unit_a, "2026Q3")) == "65.00"
    assert metrics.unit_indicator_score(personas.unit_b, period) is None


def test_the_assessment_ranks_a_lead_unit_on_the_last_closed_round(personas, period):
    """The assessment's plug-in: October (after the Q3 round closed) reads the Q3 scores; the
    unit's figure is the same 65.00 as unit_indicator_score, linked to its 指标长 page."""
    from yingshang.assessment.registry import discover
    from yingshang.workcal import periods

    for name, number in (("开办企业费用", "1"), ("企业开办全程网办率", "70")):
        approved(
            value_of(period, name),
            lead=personas.handler_a,
            office=personas.supervisor,
            number=number,
        )
    metric = discover()["indicator_score"]
    october = periods.parse("2026-10")
    figures = metric.compute(october, {})
    assert str(figures[personas.unit_a.pk].value) == "65.00"
    assert personas.unit_b.pk not in figures
    assert "period=2026Q3" in metric.drill(personas.unit_a.pk, october)
    assert metric.compute(periods.parse("2026-08"), {}) == {}  # Q3 not closed yet


def test_system_actor_can_measure(personas, period):
    from yingshang.ratings.tests.factories import RatingFactory

    RatingFactory(level=5, created_at=timezone.make_aware(dt.datetime(2026, 8, 1, 10)))
    v = services.value_measure(
        actor=workflow.SYSTEM, value=value_of(period, "政务服务好差评满意率")
    )
    assert v.value == D(100)


def test_deactivated_indicator_leaves_the_scores(personas, tree):
    ind = leaf(tree, "开办企业费用")
    with pytest.raises(InvalidInput):
        services.indicator_deactivate(actor=personas.supervisor, indicator=ind, reason="")
    services.indicator_deactivate(actor=personas.supervisor, indicator=ind, reason="省里取消该指标")
    assert ind.pk not in {i.pk for i in services.leaves(tree)}
    assert Indicator.objects.filter(pk=ind.pk).exists()


def test_flagged_leaf_becomes_a_ledger_problem_once(personas, period):
    from yingshang.supervision.models import Problem

    ok = approved(
        value_of(period, "企业开办全程网办率"),
        lead=personas.handler_a,
        office=personas.supervisor,
        number="95",
    )
    with pytest.raises(PermissionDeniedError):  # 100 × (40 − 95) / (40 − 100) = 91.67: not flagged
        services.value_open_problem(actor=personas.supervisor, value=ok)
    low = approved(
        value_of(period, "开办企业费用"),
        lead=personas.handler_a,
        office=personas.supervisor,
        number="3",
    )
    with pytest.raises(PermissionDeniedError):
        services.value_open_problem(actor=personas.handler_a, value=low)
    p = services.value_open_problem(actor=personas.supervisor, value=low)
    assert p.owner_unit == personas.unit_a and p.source == "indicator_shortfall"
    assert "开办企业费用" in p.description and "40.00" in p.description  # 100 × (5 − 3) / 5
    assert services.value_open_problem(actor=personas.supervisor, value=low) == p
    assert Problem.objects.filter(source_type="indicator").count() == 1
    assert AuditEvent.objects.filter(action="indicator.problem").count() == 1


def test_comparisons_give_the_gain_to_the_best_county(personas, period):
    v = approved(
        value_of(period, "开办企业费用"),
        lead=personas.handler_a,
        office=personas.supervisor,
        number="3",
    )
    with pytest.raises(PermissionDeniedError):
        services.value_compare(actor=personas.handler_a, value=v, province_avg="2")
    with pytest.raises(InvalidInput):
        services.value_compare(actor=personas.supervisor, value=v, best_county="-1")
    services.value_compare(actor=personas.supervisor, value=v, province_avg="2.5", best_county="1")
    node = scoring.compute(period).nodes[v.indicator_id]
    # county 3 → 40; best county 1 → 80; gain (80 − 40) × 1/18 × 1/4 = 0.5556
    assert node.best_county_score == D(80)
    assert scoring.display(node.best_county_gain, "0.0001") == "0.5556"
    assert AuditEvent.objects.filter(action="indicator.compare").exists()
