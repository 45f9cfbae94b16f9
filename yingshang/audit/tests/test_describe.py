"""Histories read as Chinese sentences in local time, whatever shape the stored event has."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import transaction
from django.template import Context, Template
from django.urls import reverse

from yingshang import audit
from yingshang.audit import describe, labels
from yingshang.hotline.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db

# 06:05 UTC is 14:05 in Asia/Shanghai
AT = dt.datetime(2026, 12, 6, 6, 5, tzinfo=dt.UTC)
# what must never reach a page: Python values, English codes, UTC stamps, arrows of nothing
LEAKS = re.compile(r"True|False|None|\[|\]|\+00:00|UTC|— → —|→|[a-z]+_[a-z_]+")


@pytest.fixture
def order(personas):
    with time_machine.travel(AT, tick=False):
        return WorkOrderFactory(actor=personas.operator)


def _record(actor, obj, action="hotline.callback", **kwargs):
    with time_machine.travel(AT, tick=False), transaction.atomic():
        return audit.record(actor=actor, action=action, obj=obj, **kwargs)


def _timeline(obj, hide: str = "") -> str:
    return Template("{% load audit_tags %}{% audit_timeline obj hide %}").render(
        Context({"obj": obj, "hide": hide})
    )


def _last_entry_html(obj) -> str:
    html = _timeline(obj)
    return html.rsplit("<li>\n", 1)[-1]


def test_unsatisfied_callback_reads_as_a_sentence_in_local_time(personas, order):
    _record(
        personas.operator,
        order,
        before={"resolved": None, "satisfied": None},
        after={"resolved": False, "satisfied": False},
    )
    entry = _last_entry_html(order)
    assert "2026年12月6日 14:05" in entry
    assert "回访" in entry and "是否解决：否" in entry and "是否满意：否" in entry
    text = re.sub(r"<[^>]+>", "", entry)
    assert not LEAKS.search(text), text


def test_status_change_uses_the_choice_labels(personas, order):
    _record(
        personas.operator,
        order,
        action="hotline.approve_reply",
        before={"status": "awaiting_review"},
        after={"status": "awaiting_callback"},
    )
    entry = describe.entries([order_events(order)[-1]])[0]
    assert entry.title == "审核通过答复"
    assert entry.lines == ["状态由“待审核”改为“待回访”"]


def order_events(obj):
    from yingshang.audit import selectors

    return list(selectors.timeline(obj))


def test_deadlines_units_and_lists_are_formatted(personas, order):
    _record(
        personas.operator,
        order,
        action="hotline.dispatch",
        after={
            "main_unit_id": personas.unit_a.pk,
            "handle_due_at": dt.datetime(2026, 12, 24, 15, 59, 59, 999999, tzinfo=dt.UTC),
            "co_units": [personas.unit_b.pk, personas.county.pk],
            "status": "awaiting_sign",
        },
    )
    entry = describe.entries([order_events(order)[-1]])[0]
    # the action's registered sentence names the unit
    assert entry.sentence == "派至测试县市场监督管理局办理"
    assert "办理时限：2026年12月24日 23:59" in entry.lines
    assert "协办单位：测试县住房和城乡建设局、测试县人民政府" in entry.lines
    assert "状态：待签收" in entry.lines
    assert not any(LEAKS.search(line) for line in entry.lines), entry.lines


def test_a_cleared_value_says_so_without_arrows(personas, order):
    _record(
        personas.operator,
        order,
        action="hotline.return",
        before={"main_unit_id": personas.unit_a.pk, "satisfied": None},
        after={"main_unit_id": None, "satisfied": None},
    )
    entry = describe.entries([order_events(order)[-1]])[0]
    assert entry.lines == ["主办单位：已清除（原为“测试县市场监督管理局”）"]


@pytest.mark.parametrize(
    "changes, expected",
    [
        (["材料不全", "补正后重交"], ["材料不全", "补正后重交"]),
        ("手工备注", ["手工备注"]),
        ({"satisfied": True}, ["是否满意：是"]),
        ({"satisfied": [None, None]}, []),
        ({"co_units": [1, 2, 3]}, ["协办单位："]),
        ({"mystery": {"a": [1, {"b": None}]}}, ["mystery：1"]),
        ({}, []),
    ],
)
def test_any_stored_shape_renders(personas, order, changes, expected):
    _record(personas.operator, order, action="hotline.note", changes=changes)
    entry = describe.entries([order_events(order)[-1]])[0]
    assert [line.split("：")[0] for line in entry.lines] == [e.split("：")[0] for e in expected]
    html = _timeline(order)  # and the page renders
    assert "暂无记录" not in html


def test_hidden_fields_keep_their_values_off_the_page(personas, order):
    _record(
        personas.operator,
        order,
        action="hotline.update",
        after={"caller_phone": "13812345678"},
    )
    html = _timeline(order, "caller_phone")
    assert "13812345678" not in html and "已隐藏" in html


def test_sentence_is_skipped_when_a_value_it_names_is_missing(personas, order):
    labels.register_sentences({"test.sentence": "从{status__before}到{status}"})
    _record(personas.operator, order, action="test.sentence", after={"status": "closed"})
    entry = describe.entries([order_events(order)[-1]])[0]
    assert entry.sentence == "" and entry.lines == ["状态：已办结"]
    _record(
        personas.operator,
        order,
        action="test.sentence",
        before={"status": "in_progress"},
        after={"status": "closed"},
    )
    entry = describe.entries([order_events(order)[-1]])[0]
    assert entry.sentence == "从办理中到已办结" and entry.lines == []


def test_system_events_name_the_system(order):
    _record(None, order, action="hotline.overdue_notice", after={"status": "in_progress"})
    entry = describe.entries([order_events(order)[-1]])[0]
    assert entry.actor == "系统" and entry.title == "超期催办通知"


def test_audit_search_reads_in_chinese_for_every_shape(login, personas, order):
    for changes in (
        ["材料不全"],
        "手工备注",
        {"satisfied": [None, False]},
        {"status": ["awaiting_review", "awaiting_callback"]},
    ):
        _record(personas.operator, order, action="hotline.callback", changes=changes)
    client = login(personas.supervisor)
    response = client.get(
        reverse("workbench:audit_search"), {"object_type": "hotline.workorder", "action": "回访"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    table = text[text.index('data-testid="audit-results"') :]
    table = re.sub(r'datetime="[^"]*"', "", table)
    assert "2026年12月6日 14:05" in table
    assert "是否满意：否" in table and "状态由“待审核”改为“待回访”" in table
    assert "手工备注" in table and "材料不全" in table
    assert "工单" in table and "hotline.workorder" not in table and "hotline.callback" not in table
    assert not LEAKS.search(re.sub(r"<[^>]+>", "", table)), re.sub(r"<[^>]+>", "", table)
    # object types are offered by name
    form = text[: text.index('data-testid="audit-results"')]
    assert '<option value="hotline.workorder" selected>工单</option>' in form
    assert '<optgroup label="12345热线">' in form


def test_audit_search_export_has_sentences(login, personas, order):
    _record(personas.operator, order, changes={"satisfied": [None, False]})
    export = login(personas.supervisor).get(
        reverse("workbench:audit_search"), {"action": "回访", "export": "xlsx"}
    )
    assert export.status_code == 200
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [rows[-1][5], rows[-1][6], rows[-1][8]] == ["回访", "工单", "是否满意：否"]


def test_unknown_object_type_in_the_query_is_refused_politely(login, personas):
    response = login(personas.supervisor).get(
        reverse("workbench:audit_search"), {"object_type": "no.such"}
    )
    assert response.status_code == 200 and 'data-testid="audit-results"' in response.text


def test_relations_read_by_name_whether_stored_by_pk_or_code(personas, order):
    from yingshang.hotline.models import Topic

    parent = Topic.objects.create(code="scjg", name="市场监管", default_unit=personas.unit_a)
    food = Topic.objects.create(
        code="scjg-food", name="食品安全", parent=parent, default_unit=personas.unit_a
    )
    _record(personas.operator, order, action="hotline.register", after={"topic": "scjg-food"})
    _record(
        personas.operator,
        order,
        action="hotline.reclassify",
        before={"topic": food.pk},
        after={"topic": parent.pk},
    )
    registered, reclassified = describe.entries(order_events(order)[-2:])
    assert registered.lines == ["分类：市场监管/食品安全"]
    assert reclassified.lines == ["分类由“市场监管/食品安全”改为“市场监管”"]
