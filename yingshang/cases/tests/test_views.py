import datetime as dt

import pytest
from django.urls import reverse

from yingshang.audit.models import AuditEvent
from yingshang.cases import services
from yingshang.cases.models import Appointment, AppointmentSlot, Case
from yingshang.cases.tests.conftest import all_files, fake_pdf, form_for, pdf

pytestmark = pytest.mark.django_db


def _submit(personas, cat, **kw):
    return services.case_submit(
        actor=personas.applicant,
        matter=cat.matter,
        form_data=form_for(personas.applicant),
        files=all_files(kw.pop("skip", ())),
        channel="online",
        **kw,
    )


def test_apply_page_prefills_from_the_profile(personas, cat, login):
    response = login(personas.applicant).get(reverse("cases:apply_matter", args=[cat.matter.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="张三"' in html and 'value="13800138000"' in html


def test_package_form_asks_a_shared_field_once(personas, cat, login):
    html = (
        login(personas.firm_user)
        .get(reverse("cases:apply_package", args=["open-restaurant"]))
        .content.decode()
    )
    assert html.count('name="f_shop.name"') == 1
    assert html.count('name="material_id_card"') == 1
    assert 'name="f_shop.area"' in html


def test_online_application_through_the_page(personas, cat, login):
    client = login(personas.applicant)
    data = {
        "f_applicant.name": "张三",
        "f_applicant.mobile": "13800138000",
        "f_shop.name": "老街小馆",
    }
    for key in ("application_form", "id_card", "floor_plan", "health_cert"):
        data[f"material_{key}"] = pdf(f"{key}.pdf")
    response = client.post(reverse("cases:apply_matter", args=[cat.matter.pk]), data)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:my_case", args=[case.number]
    )
    assert case.form_data["shop.name"] == "老街小馆" and case.documents.count() == 4


def test_bad_file_gets_a_chinese_message_and_the_form_is_kept(personas, cat, login):
    client = login(personas.applicant)
    data = {
        "f_applicant.name": "张三",
        "f_applicant.mobile": "13800138000",
        "f_shop.name": "我的面馆",
        "material_id_card": fake_pdf(),
    }
    response = client.post(reverse("cases:apply_matter", args=[cat.matter.pk]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "不是允许的格式" in html and 'value="我的面馆"' in html
    assert not Case.objects.exists()


def test_applicant_cannot_see_another_applicants_case(personas, cat, login):
    case = _submit(personas, cat)
    doc = case.documents.first()
    client = login(personas.outsider)
    assert client.get(reverse("cases:my_case", args=[case.number])).status_code == 404
    assert client.get(reverse("cases:document", args=[doc.pk])).status_code == 404
    assert client.get(reverse("cases:notice", args=[case.number, "correction"])).status_code == 404


def test_owner_downloads_the_document_through_the_checked_view(personas, cat, login):
    case = _submit(personas, cat)
    doc = case.documents.first()
    response = login(personas.applicant).get(reverse("cases:document", args=[doc.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_deficit_notice_lists_missing_items_and_deadline(personas, cat, login):
    case = _submit(personas, cat, skip=("floor_plan",), deficit_sign=True)
    case = services.case_accept_with_deficit(actor=personas.clerk, case=case)
    html = (
        login(personas.applicant)
        .get(reverse("cases:notice", args=[case.number, "deficit"]))
        .content.decode()
    )
    assert (
        "容缺受理通知书" in html
        and "经营场所平面图" in html
        and case.deficit_due_at.astimezone().strftime("%Y") in html
    )


def test_lookup_masks_and_is_rate_limited(personas, cat, client):
    case = _submit(personas, cat)
    url = reverse("cases:lookup")
    html = client.post(url, {"number": case.number, "phone": "13800138000"}).content.decode()
    result = html[html.index('data-testid="lookup-result"') :]
    assert "138****8000" in result and "张*" in result and "13800138000" not in result
    assert (
        "未找到办件"
        in client.post(url, {"number": case.number, "phone": "13900000000"}).content.decode()
    )
    for _i in range(10):
        response = client.post(url, {"number": case.number, "phone": "13800138000"})
    assert response.status_code == 429


def test_staff_queue_shows_the_case_to_the_clerk_and_not_to_another_unit(personas, cat, login):
    case = _submit(personas, cat)
    html = login(personas.clerk).get(reverse("cases:queue") + "?q=to_accept").content.decode()
    assert case.number in html
    assert (
        login(personas.handler_b).get(reverse("cases:staff_case", args=[case.pk])).status_code
        == 404
    )


def test_staff_case_page_buttons_follow_abilities_and_action_works(personas, cat, login):
    case = _submit(personas, cat)
    client = login(personas.clerk)
    html = client.get(reverse("cases:staff_case", args=[case.pk])).content.decode()
    assert "受理" in html and "开始审查" not in html
    response = client.post(reverse("cases:staff_action", args=[case.pk, "accept"]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "accepted"
    assert AuditEvent.objects.filter(action="case.accept", object_id=str(case.pk)).exists()
    html = client.get(reverse("cases:staff_case", args=[case.pk])).content.decode()
    assert "提交申请" in html  # the audit timeline


def test_refused_action_shows_a_message_not_a_500(personas, cat, login):
    case = _submit(personas, cat)
    client = login(personas.handler_a)
    response = client.post(reverse("cases:staff_action", args=[case.pk, "accept"]), follow=True)
    assert response.status_code == 200 and "无权" in response.content.decode()


def test_statistics_and_drill_down(personas, cat, login):
    case = services.case_accept(actor=personas.clerk, case=_submit(personas, cat))
    services.case_decide(actor=personas.handler_a, case=case, decision="approved")
    client = login(personas.supervisor)
    today = dt.date.today().isoformat()
    html = client.get(
        reverse("cases:statistics"), {"since": "2026-01-01", "until": "2026-12-31"}
    ).content.decode()
    assert personas.unit_a.name in html
    html = client.get(
        reverse("cases:statistics_cases"),
        {
            "group": "unit",
            "id": personas.unit_a.pk,
            "metric": "cases",
            "since": "2026-01-01",
            "until": today,
        },
    ).content.decode()
    assert case.number in html
    assert (
        login(personas.handler_b)
        .get(
            reverse("cases:statistics_cases"),
            {"group": "unit", "id": personas.unit_a.pk, "since": "2026-01-01"},
        )
        .content.decode()
        .count(case.number)
        == 0
    )


def test_window_clerk_submits_on_behalf_of_the_applicant(personas, cat, login):
    client = login(personas.clerk)
    url = reverse("cases:window_submit")
    assert (
        "张三"
        in client.get(url, {"matter": cat.matter.pk, "applicant": "13800138000"}).content.decode()
    )
    data = {
        "matter": cat.matter.pk,
        "applicant": "13800138000",
        "f_applicant.name": "张三",
        "f_applicant.mobile": "13800138000",
        "f_shop.name": "窗口面馆",
    }
    for key in ("application_form", "id_card", "floor_plan", "health_cert"):
        data[f"material_{key}"] = pdf()
    response = client.post(url, data)
    case = Case.objects.get()
    assert (
        response.status_code == 302
        and case.channel == "window"
        and case.applicant == personas.applicant
    )


def test_appointment_booking_respects_capacity(personas, cat, login):
    services.slots_ensure(window=personas.window, days=2, capacity=1)
    slot = AppointmentSlot.objects.filter(off_hours=True).first()
    assert slot is not None
    login(personas.applicant).post(reverse("cases:appointment"), {"slot": slot.pk})
    assert Appointment.objects.filter(slot=slot, user=personas.applicant).exists()
    response = login(personas.outsider).post(
        reverse("cases:appointment"), {"slot": slot.pk}, follow=True
    )
    assert "已约满" in response.content.decode()
    assert Appointment.objects.filter(slot=slot).count() == 1


def test_home_card_counts_for_the_clerk(personas, cat, login):
    _submit(personas, cat)
    html = login(personas.clerk).get(reverse("workbench:home")).content.decode()
    assert 'data-testid="cases-card"' in html


def test_delivered_case_page_invites_the_applicant_to_rate(personas, cat, login):
    from yingshang.cases.tests.test_refusals import _case

    client = login(personas.applicant)
    decided = _case(personas, cat, "decided")
    assert (
        'data-testid="rate-prompt"'
        not in client.get(reverse("cases:my_case", args=[decided.number])).content.decode()
    )
    delivered = services.case_deliver(actor=personas.clerk, case=decided, method="window_pickup")
    page = client.get(reverse("cases:my_case", args=[delivered.number])).content.decode()
    assert 'data-testid="rate-prompt"' in page and reverse("ratings:mine") in page
