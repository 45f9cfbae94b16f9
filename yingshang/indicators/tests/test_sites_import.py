"""Sites, the tree in and out of Excel, scheduled measurement and portal publication."""

import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F

from yingshang.audit.models import AuditEvent
from yingshang.errors import DomainError, InvalidInput, PermissionDeniedError
from yingshang.indicators import scoring, services
from yingshang.indicators.models import Tree
from yingshang.indicators.services import tree_excel
from yingshang.indicators.tests.conftest import leaf, value_of
from yingshang.indicators.tests.factories import approved, evidence

pytestmark = pytest.mark.django_db


def _open(personas, tree, code="2026Q3"):
    return services.period_open(
        actor=personas.supervisor,
        tree=tree,
        code=code,
        name="2026年第三季度",
        starts_on=dt.date(2026, 7, 1),
        ends_on=dt.date(2026, 9, 30),
        today=dt.date(2026, 10, 9),
    )


def test_a_site_leaf_is_scored_as_the_population_weighted_mean_of_its_sites(personas, tree):
    town = services.site_create(actor=personas.supervisor, code="T1", name="城关镇", weight="60000")
    other = services.site_create(
        actor=personas.supervisor, code="T2", name="江口镇", weight="20000"
    )
    ind = leaf(tree, "开办企业费用")  # best 0, worst 5 (% of income per capita)
    services.indicator_update(actor=personas.supervisor, indicator=ind, by_site=True)
    period = _open(personas, tree)
    v = value_of(period, "开办企业费用")
    with pytest.raises(InvalidInput) as exc:
        services.value_sites(actor=personas.handler_a, value=v, numbers={"T1": "-3"})
    assert exc.value.message.startswith("站点“城关镇”：") and exc.value.details["field"].startswith(
        "site_"
    )
    v = services.value_sites(actor=personas.handler_a, value=v, numbers={"T1": "1", "T2": "6"})
    # shown value: (60000 × 1 + 20000 × 6) / 80000 = 2.25
    assert v.value == D("2.25")
    v = services.value_enter(actor=personas.handler_a, value=v, files=[evidence()])
    v = services.value_submit(actor=personas.handler_a, value=v)
    services.value_approve(actor=personas.supervisor, value=v)
    # scores: 城关镇 100 × (5 − 1) / 5 = 80, 江口镇 6 > 5 → 0; (3 × 80 + 1 × 0) / 4 = 60
    node = scoring.compute(period, detail=True).nodes[v.indicator_id]
    assert node.score == D(60)
    assert [(s[0].name, s[3]) for s in node.site_scores] == [("城关镇", D(80)), ("江口镇", D(0))]
    assert AuditEvent.objects.filter(action="indicator.sites").exists()
    # a site's weight changes later: the value keeps the weight it was entered with
    services.site_update(actor=personas.supervisor, site=town, weight="1")
    assert scoring.compute(period).nodes[v.indicator_id].score == D(60)
    with pytest.raises(PermissionDeniedError):
        services.site_create(actor=personas.handler_a, code="T3", name="某镇", weight="1")
    with pytest.raises(InvalidInput):
        services.site_update(actor=personas.supervisor, site=other, weight="0")


def _workbook(rows) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(tree_excel.HEADERS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("指标体系.xlsx", buf.getvalue())


def _exported(tree) -> list[list]:
    return [list(r) for r in tree_excel.rows(tree)]


def _col(name) -> int:
    return tree_excel.HEADERS.index(name)


def test_tree_round_trips_through_excel_and_edits_apply(personas, tree):
    rows = _exported(tree)
    target = next(r for r in rows if r[3] == "开办企业费用")
    target[_col("最差值")] = 8
    target[_col("权重")] = 2
    # a new leaf under 开办企业
    parent = next(r for r in rows if r[3] == "开办企业")
    rows.append(
        [
            f"{parent[0]}.99",
            parent[0],
            2,
            "开办企业满意度",
            personas.unit_a.code,
            "",
            "",
            "%",
            "越高越好",
            100,
            60,
            "线性（前沿距离法）",
            None,
            1,
            "牵头单位填报",
            "",
            "是",
        ]
    )
    written = services.tree_import(actor=personas.supervisor, tree=tree, upload=_workbook(rows))
    assert written == tree  # not locked: edited in place
    ind = leaf(tree, "开办企业费用")
    assert ind.worst == D(8) and ind.weight == D(2)
    new = leaf(tree, "开办企业满意度")
    assert new.parent.name == "开办企业" and new.level == 2 and new.lead_unit == personas.unit_a
    assert new.direction == "higher" and new.best == D(100)
    assert AuditEvent.objects.filter(action="indicator.tree_import").exists()


def test_a_bad_row_names_row_and_field_and_nothing_changes(personas, tree):
    rows = _exported(tree)
    i = next(k for k, r in enumerate(rows) if r[3] == "开办企业费用")
    rows[i][_col("最优值")] = 5
    rows[i][_col("最差值")] = 5
    rows[2][_col("牵头单位代号")] = "NOPE"
    before = list(tree.indicators.values_list("pk", "best", "worst", "lead_unit_id"))
    with pytest.raises(InvalidInput) as exc:
        services.tree_import(actor=personas.supervisor, tree=tree, upload=_workbook(rows))
    errors = exc.value.details["errors"]
    assert {"row": i + 2, "field": "最优值"}.items() <= next(
        e for e in errors if e["row"] == i + 2
    ).items()
    assert any(e["row"] == 4 and e["field"] == "牵头单位代号" for e in errors)
    assert "未导入任何数据" in exc.value.message and "第4行" in exc.value.message
    assert list(tree.indicators.values_list("pk", "best", "worst", "lead_unit_id")) == before


def test_weights_must_add_up_as_configured(personas, tree):
    Tree.objects.filter(pk=tree.pk).update(weight_total=D(100))
    tree.refresh_from_db()
    rows = _exported(tree)
    # every group of siblings adds up to 100: the first sibling takes what the others leave
    groups: dict = {}
    for r in rows:
        groups.setdefault(r[1], []).append(r)
    for members in groups.values():
        for r in members:
            r[_col("权重")] = 1
        members[0][_col("权重")] = 100 - (len(members) - 1)
    services.tree_import(actor=personas.supervisor, tree=tree, upload=_workbook(rows))
    assert leaf(tree, "开办企业").weight == D(83)  # 18 first-level indicators: 83 + 17 × 1
    # one sibling of 开办企业's children changed: the error names the group's first row
    kids = groups[next(r[0] for r in rows if r[3] == "开办企业")]
    kids[-1][_col("权重")] = 5
    first_row = rows.index(kids[0]) + 2
    with pytest.raises(InvalidInput) as exc:
        services.tree_import(actor=personas.supervisor, tree=tree, upload=_workbook(rows))
    err = exc.value.details["errors"][0]
    assert err["row"] == first_row and err["field"] == "权重"
    assert f"“{kids[0][1]} 开办企业”的下级指标权重合计为104，应为100" in err["message"]
    assert leaf(tree, kids[-1][3]).weight == D(1)  # nothing saved


def test_importing_into_a_locked_tree_writes_a_new_version(personas, tree):
    period = _open(personas, tree)
    rows = _exported(tree)
    target = next(r for r in rows if r[3] == "开办企业费用")
    target[_col("最差值")] = 10
    written = services.tree_import(actor=personas.supervisor, tree=tree, upload=_workbook(rows))
    assert written.version == 2 and written.year == 2026
    assert leaf(written, "开办企业费用").worst == D(10)
    assert leaf(tree, "开办企业费用").worst == D(5)  # the round's version is untouched
    assert value_of(period, "开办企业费用").indicator.tree == tree


def test_unreadable_or_wrong_header_is_refused(personas, tree):
    with pytest.raises(InvalidInput) as exc:
        services.tree_import(
            actor=personas.supervisor, tree=tree, upload=SimpleUploadedFile("a.xlsx", b"nope")
        )
    assert exc.value.code == "INDICATOR_IMPORT_UNREADABLE"
    with pytest.raises(InvalidInput) as exc:
        services.tree_import(actor=personas.supervisor, tree=tree, upload=_workbook([]))
    assert exc.value.code == "INDICATOR_IMPORT_EMPTY"
    with pytest.raises(PermissionDeniedError):
        services.tree_import(actor=personas.handler_a, tree=tree, upload=_workbook([]))


def test_publish_and_withdraw_are_audited(personas, tree):
    period = _open(personas, tree)
    with pytest.raises(DomainError) as exc:
        services.period_publish(actor=personas.supervisor, period=period)
    assert exc.value.code == "INDICATOR_NOTHING_TO_PUBLISH"
    approved(
        value_of(period, "开办企业费用"),
        lead=personas.handler_a,
        office=personas.supervisor,
        number="2",
    )
    with pytest.raises(PermissionDeniedError):
        services.period_publish(actor=personas.handler_a, period=period)
    period = services.period_publish(actor=personas.supervisor, period=period)
    assert period.published and period.published_at
    with pytest.raises(InvalidInput):
        services.period_unpublish(actor=personas.supervisor, period=period, reason=" ")
    period = services.period_unpublish(actor=personas.supervisor, period=period, reason="数据复核")
    assert not period.published
    ev = AuditEvent.objects.get(action="indicator.unpublish")
    assert ev.reason == "数据复核"


def test_scheduled_measurement_measures_and_refreshes_but_keeps_approved(personas, tree):
    from yingshang.ratings.tests.factories import RatingFactory

    inside = dt.datetime(2026, 8, 3, 10, tzinfo=dt.UTC)
    for level in (5, 5, 4, 2):
        RatingFactory(level=level, created_at=inside, problems=["attitude"] if level < 3 else [])
    period = _open(personas, tree)
    counts = services.measure_due()
    v = value_of(period, "政务服务好差评满意率")
    # 3 of 4 ratings at level 3 or above: 75 %; leaves without records are left for later
    assert v.status == "submitted" and v.value == D(75) and v.measured["n"] == 4
    assert counts["measured"] >= 1 and counts["no_data"] >= 1
    assert value_of(period, "开办企业时间").status == "draft"  # no package cases yet
    # two more ratings arrive while it waits for review: refreshed, 4 of 6 = 66.67 %
    RatingFactory(level=1, created_at=inside, problems=["x"])
    RatingFactory(level=3, created_at=inside)
    assert services.measure_due()["refreshed"] == 1
    v = value_of(period, "政务服务好差评满意率")
    assert v.value == D("66.67") and v.measured["n"] == 6
    assert AuditEvent.objects.filter(action="indicator.remeasure", object_id=str(v.pk)).exists()
    # approved: the schedule leaves it as approved
    services.value_approve(actor=personas.supervisor, value=v)
    RatingFactory(level=5, created_at=inside)
    assert services.measure_due()["refreshed"] == 0
    v = value_of(period, "政务服务好差评满意率")
    assert v.value == D("66.67") and v.status == "approved"


def test_site_sums_in_the_database_score_exactly_as_the_sites_one_by_one(personas, tree):
    """On PostgreSQL a linear site leaf is added up by the database (scoring._site_sums);
    with `detail` every site is scored in Python. Both must give the same Decimal — clipped
    at either bound, for lower- and higher-is-better leaves, with awkward weights."""
    for code, name, weight in (
        ("T1", "城关镇", "60000.5"),
        ("T2", "江口镇", "3"),
        ("T3", "新桥乡", "7"),
    ):
        services.site_create(actor=personas.supervisor, code=code, name=name, weight=weight)
    lower = leaf(tree, "开办企业费用")  # best 0, worst 5: lower is better
    higher = next(i for i in tree.indicators.filter(best__gt=F("worst"), children__isnull=True))
    for ind in (lower, higher):
        services.indicator_update(
            actor=personas.supervisor, indicator=ind, by_site=True, lead_unit_id=personas.unit_a.pk
        )
    higher = services.indicator_update(
        actor=personas.supervisor, indicator=higher, best="90", worst="40"
    )
    period = _open(personas, tree)
    numbers = {
        lower.pk: {"T1": "1.3333", "T2": "0", "T3": "9"},  # T3 over the worst: clipped
        higher.pk: {"T1": "61.1111", "T2": "95", "T3": "30"},  # T2, T3 clipped to 90, 40
    }
    for ind in (lower, higher):
        v = value_of(period, ind.name)
        v = services.value_sites(actor=personas.handler_a, value=v, numbers=numbers[ind.pk])
        v = services.value_enter(actor=personas.handler_a, value=v, files=[evidence()])
        v = services.value_submit(actor=personas.handler_a, value=v)
        services.value_approve(actor=personas.supervisor, value=v)
    summed = scoring.compute(period)
    one_by_one = scoring.compute(period, detail=True)
    for ind in (lower, higher):
        assert summed.nodes[ind.pk].score is not None
        assert summed.nodes[ind.pk].score == one_by_one.nodes[ind.pk].score
        assert len(one_by_one.nodes[ind.pk].site_scores) == 3
    assert summed.score == one_by_one.score
    # the lower-is-better leaf by hand: clipped numbers 1.3333, 0, 5; weights 60000.5, 3, 7
    # mean = (60000.5 × 1.3333 + 3 × 0 + 7 × 5) / 60010.5; score = 100 × (5 − mean) / 5
    mean = (D("60000.5") * D("1.3333") + 7 * 5) / D("60010.5")
    assert round(summed.nodes[lower.pk].score, 10) == round(100 * (5 - mean) / 5, 10)
