"""The staff pages: request, progress, ranking with drill-down links, publish, lists, schemes,
bonus items; refusals shown in Chinese, nothing lost."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from yingshang.assessment.models import Adjustment, Scheme, Snapshot

pytestmark = pytest.mark.django_db


def test_supervisor_requests_publishes_and_downloads(
    dataset, login, django_capture_on_commit_callbacks
):
    x = dataset
    c = login(x.p.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(reverse("assessment:index"), {"period": "2026-11"})
    snapshot = Snapshot.objects.get()
    assert r.status_code == 302 and r.url == reverse("assessment:snapshot", args=[snapshot.pk])
    page = c.get(r.url).content.decode()
    assert "样本不足" in page and "丁局" in page
    # the response rate of unit A links to the orders behind it
    kpi = reverse("hotline:kpi_orders")
    assert (
        f"{kpi}?metric=response&amp;part=denominator&amp;unit={x.a.pk}&amp;period=2026-11" in page
    )
    docx = c.get(reverse("assessment:bulletin", args=[snapshot.pk]))
    doc = Document(io.BytesIO(docx.content))
    assert doc.paragraphs[0].text == "关于2026年11月考核排名情况的通报"
    assert doc.paragraphs[0].style.name == "方正小标宋"
    assert doc.sections[0].page_width.mm == pytest.approx(210, abs=0.5)
    table = doc.tables[0]
    assert [cell.text for cell in table.rows[1].cells][:3] == ["1", x.b.name, "88.00"]
    assert "PAGE" in doc.sections[0].footer._element.xml
    xlsx = load_workbook(
        io.BytesIO(c.get(reverse("assessment:workbook", args=[snapshot.pk])).content)
    )
    assert xlsx.sheetnames[:2] == ["县直部门排名", "指标明细"]
    detail = list(xlsx["指标明细"].iter_rows(values_only=True))
    assert (x.a.name, "热线响应率", 90.0, 9, 10) in [row[1:6] for row in detail]
    r = c.post(
        reverse("assessment:snapshot_action", args=[snapshot.pk, "publish"]),
        {"document_number": "营商办〔2026〕12号"},
    )
    assert r.status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.status == "published" and snapshot.document_number == "营商办〔2026〕12号"
    # the page's history says who computed and published it
    history = c.get(reverse("assessment:snapshot", args=[snapshot.pk])).content.decode()
    assert "计算排名" in history and "发布排名" in history
    # publishing twice: refused with the message, status unchanged
    r = c.post(reverse("assessment:snapshot_action", args=[snapshot.pk, "publish"]))
    assert r.status_code == 409 and "当前状态下不能执行此操作" in r.content.decode()


def test_progress_partial_polls_until_done(dataset, login):
    from yingshang.assessment import services

    snapshot = services.snapshot_request(actor=dataset.p.supervisor, period_key="2026-11")
    c = login(dataset.p.supervisor)
    r = c.get(reverse("assessment:snapshot_status", args=[snapshot.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in r.content.decode()
    services.snapshot_compute(snapshot.pk)
    r = c.get(reverse("assessment:snapshot_status", args=[snapshot.pk]), HTTP_HX_REQUEST="true")
    assert r.status_code == 204 and r["HX-Refresh"] == "true"


def test_scheme_form_refuses_weights_not_summing_to_100_and_keeps_the_input(personas, login):
    c = login(personas.supervisor)
    data = {
        "code": "m1",
        "name": "月度考核",
        "period_kind": "month",
        "effective_from": "2026-01-01",
        "praise_top": "1",
        "ladder": "on",
        "weight_hotline_response": "50",
        "weight_case_on_time": "40",
        "group_department": "on",
        "group_name_department": "县直部门",
    }
    r = c.post(reverse("assessment:scheme_new"), data)
    body = r.content.decode()
    assert r.status_code == 400 and "各指标权重之和须为100，当前为90" in body
    assert 'value="月度考核"' in body and 'value="50"' in body
    data["weight_case_on_time"] = "50"
    r = c.post(reverse("assessment:scheme_new"), data)
    scheme = Scheme.objects.get()
    assert r.status_code == 302
    r = c.post(reverse("assessment:scheme_action", args=[scheme.pk, "activate"]))
    scheme.refresh_from_db()
    assert scheme.status == "active"


def test_bonus_item_with_evidence_and_void(personas, login):
    c = login(personas.supervisor)
    r = c.post(
        reverse("assessment:adjustments"),
        {
            "unit": personas.unit_a.pk,
            "kind": "exposure",
            "occurred_on": "2026-11-05",
            "points": "3",
            "reason": "被市电视台曝光",
        },
    )
    assert r.status_code == 400 and "通报表扬为加分" in r.content.decode()
    evidence = SimpleUploadedFile("截图.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "image/png")
    r = c.post(
        reverse("assessment:adjustments"),
        {
            "unit": personas.unit_a.pk,
            "kind": "exposure",
            "occurred_on": "2026-11-05",
            "points": "-3",
            "reason": "被市电视台曝光",
            "evidence": evidence,
        },
    )
    item = Adjustment.objects.get()
    assert r.status_code == 302 and item.evidence_name == "截图.png"
    r = c.post(
        reverse("assessment:adjustment_action", args=[item.pk, "void"]), {"reason": "重复登记"}
    )
    item.refresh_from_db()
    assert item.status == "voided" and item.void_reason == "重复登记"


@pytest.mark.parametrize(
    ("who", "index", "schemes"),
    [
        ("supervisor", 200, 200),
        ("leader", 200, 200),
        ("admin", 200, 200),
        ("head_a", 200, 403),
        ("handler_a", 200, 403),
        ("clerk", 403, 403),
        ("operator", 403, 403),
    ],
)
def test_who_sees_the_pages(personas, login, who, index, schemes):
    c = login(personas.by_role(who))
    assert c.get(reverse("assessment:index")).status_code == index
    assert c.get(reverse("assessment:schemes")).status_code == schemes


def test_units_see_only_published_rankings(dataset, compute, login):
    from yingshang.assessment import services

    snapshot = compute(dataset.p.supervisor)
    c = login(dataset.p.head_a)
    assert c.get(reverse("assessment:snapshot", args=[snapshot.pk])).status_code == 404
    services.snapshot_publish(actor=dataset.p.supervisor, snapshot=snapshot)
    assert c.get(reverse("assessment:snapshot", args=[snapshot.pk])).status_code == 200
    # and cannot publish or discard
    assert c.post(
        reverse("assessment:snapshot_action", args=[snapshot.pk, "discard"]), {"reason": "x"}
    ).status_code in (403, 409)


def test_leader_overview_shows_the_latest_published_ranking(dataset, compute, login):
    from yingshang.assessment import services

    snapshot = compute(dataset.p.supervisor)
    services.snapshot_publish(actor=dataset.p.supervisor, snapshot=snapshot)
    c = login(dataset.p.leader)
    page = c.get(reverse("workbench:overview")).content.decode()
    assert "考核排名" in page and dataset.b.name in page
    assert reverse("assessment:snapshot", args=[snapshot.pk]) in page


def test_a_units_page_shows_its_places_over_time(dataset, compute, login):
    from yingshang.assessment import services
    from yingshang.assessment.tests import factories as f

    x = dataset
    for unit in (x.a, x.b, x.c):
        f.orders(unit, 5, on_time=5, satisfied=5, at=f.OCT_DAY)
    f.orders(x.e, 5, on_time=0, satisfied=0, at=f.OCT_DAY)
    services.snapshot_publish(actor=x.p.supervisor, snapshot=compute(x.p.supervisor, "2026-10"))
    services.snapshot_publish(actor=x.p.supervisor, snapshot=compute(x.p.supervisor))
    page = login(x.p.leader).get(reverse("assessment:unit", args=[x.e.pk])).content.decode()
    assert "2026年10月" in page and "2026年11月" in page and "4/4" in page
    assert 'id="unit-opt"' in page


def test_the_bulletin_names_the_exposures_published_in_its_period(
    dataset, login, django_capture_on_commit_callbacks
):
    """曝光台 cases published in November appear, masked, in November's ranking page and Word
    bulletin; one published in December does not; the snapshot keeps them as published."""
    import datetime as dt

    import time_machine

    from yingshang.assessment import services
    from yingshang.workcal import calendar

    x = dataset

    def publish(title, on):
        item = services.exposure_create(
            actor=x.p.supervisor,
            title=title,
            kind="negative",
            unit_id=x.a.pk,
            occurred_on=dt.date(2026, 11, 5),
            body="窗口工作人员张三三次退件，未一次性告知。",
            persons="张三",
        )
        with time_machine.travel(dt.datetime.combine(on, dt.time(10), calendar.TZ)):
            services.exposure_submit(actor=x.p.supervisor, exposure=item)
            services.exposure_approve(actor=x.p.leader, exposure=item)

    publish("某局窗口推诿扯皮问题", dt.date(2026, 11, 20))
    publish("十二月曝光的另一案例", dt.date(2026, 12, 2))
    c = login(x.p.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("assessment:index"), {"period": "2026-11"})
    snapshot = Snapshot.objects.get()
    page = c.get(reverse("assessment:snapshot", args=[snapshot.pk])).content.decode()
    assert "某局窗口推诿扯皮问题" in page and "十二月曝光的另一案例" not in page
    doc = Document(io.BytesIO(c.get(reverse("assessment:bulletin", args=[snapshot.pk])).content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "曝光台典型案例" in text and "某局窗口推诿扯皮问题" in text
    assert "张三" not in text and "张*" in text
    assert "十二月曝光的另一案例" not in text
