import datetime as dt

import pytest
from django.db import transaction
from django.template import Context, Template
from django.urls import reverse

from yingshang import audit
from yingshang.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_timeline_shows_who_when_what_and_why(personas):
    with transaction.atomic():
        audit.record(
            actor=personas.admin,
            action="unit.update",
            obj=personas.unit_a,
            before={"phone": "1"},
            after={"phone": "2"},
            reason="号码变更",
        )
    html = Template("{% load audit_tags %}{% audit_timeline obj %}").render(
        Context({"obj": personas.unit_a})
    )
    assert "管理员" in html and "修改单位" in html and "号码变更" in html
    assert "联系电话由“1”改为“2”" in html and "phone" not in html


def test_timeline_can_hide_field_values(personas):
    with transaction.atomic():
        audit.record(
            actor=personas.admin,
            action="x.y",
            obj=personas.unit_a,
            after={"caller_phone": "13812345678"},
        )
    html = Template('{% load audit_tags %}{% audit_timeline obj "caller_phone" %}').render(
        Context({"obj": personas.unit_a})
    )
    assert "13812345678" not in html and "已隐藏" in html


def test_audit_search_filters_and_exports(login, personas):
    with transaction.atomic():
        audit.record(
            actor=personas.handler_a,
            action="case.accept",
            obj=personas.unit_a,
            unit=personas.unit_a,
        )
        audit.record(
            actor=personas.handler_b,
            action="case.reject",
            obj=personas.unit_b,
            unit=personas.unit_b,
        )
    client = login(personas.supervisor)
    text = client.get(reverse("workbench:audit_search"), {"action": "accept"}).content.decode()
    assert "受理" in text and "case.reject" not in text and "不予受理" not in text
    export = client.get(reverse("workbench:audit_search"), {"action": "accept", "export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


def test_dept_head_sees_only_events_of_own_unit(login, personas):
    with transaction.atomic():
        audit.record(
            actor=personas.handler_a,
            action="case.accept",
            obj=personas.unit_a,
            unit=personas.unit_a,
        )
        audit.record(
            actor=personas.handler_b,
            action="case.reject",
            obj=personas.unit_b,
            unit=personas.unit_b,
        )
    text = login(personas.head_a).get(reverse("workbench:audit_search")).content.decode()
    assert "<td>受理</td>" in text and "不予受理" not in text


def test_suspicious_returns_report(login, personas):
    now = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        late = audit.record(
            actor=personas.handler_a,
            action="case.return",
            obj=personas.unit_a,
            unit=personas.unit_a,
            reason="材料不全",
        )
        audit.record_return(
            event=late, kind="return", unit=personas.unit_a, due_at=now, label="办件 A"
        )
        early = audit.record(
            actor=personas.handler_b,
            action="case.return",
            obj=personas.unit_b,
            unit=personas.unit_b,
            reason="正常退回",
        )
        audit.record_return(
            event=early,
            kind="return",
            unit=personas.unit_b,
            due_at=now + dt.timedelta(days=30),
            label="办件 B",
        )
    text = login(personas.supervisor).get(reverse("workbench:suspicious_returns")).content.decode()
    assert "办件 A" in text and "办件 B" not in text
    # a second return of the same item makes it suspicious however early
    with transaction.atomic():
        again = audit.record(
            actor=personas.handler_b,
            action="case.return",
            obj=personas.unit_b,
            unit=personas.unit_b,
        )
        audit.record_return(
            event=again,
            kind="return",
            unit=personas.unit_b,
            due_at=now + dt.timedelta(days=30),
            label="办件 B",
        )
    assert (
        "办件 B"
        in login(personas.supervisor).get(reverse("workbench:suspicious_returns")).content.decode()
    )
    assert AuditEvent.objects.filter(action="case.return").count() == 3
