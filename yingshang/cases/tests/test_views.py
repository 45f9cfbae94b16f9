import datetime as dt

import pytest
from django.urls import reverse

from yingshang.audit.models import AuditEvent
from yingshang.cases import services
from yingshang.cases.models import Appointment, Case
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
    assert (
        response.status_code == 200
        and "只有收件大厅的窗口工作人员可以执行此操作" in response.content.decode()
    )


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


def _windows(personas, cat):
    """The centre's 综合窗口 01, a 出件窗口, and a 专业窗口 of unit_b."""
    from yingshang.org.models import Window

    pickup = Window.objects.create(hall=personas.window.hall, number="07", name="出件窗口")
    special = Window.objects.create(
        hall=personas.unit_b, number="B1", name="专业窗口", kind=Window.Kind.SPECIALIST
    )
    for w in (personas.window, pickup, special):
        services.slots_ensure(window=w, days=2, capacity=1)
    return pickup, special


def test_the_citizen_chooses_a_time_and_the_centre_assigns_a_window_that_serves_the_matter(
    personas, cat, login
):
    pickup, special = _windows(personas, cat)
    client = login(personas.applicant)
    page = client.get(reverse("cases:appointment"), {"matter": cat.matter.pk})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="free-times"' in html
    # one pooled list of times: no window to choose, 出件窗口 and other units' 专业窗口 not offered
    assert "出件窗口" not in html and "专业窗口" not in html and html.count('name="start"') == 6
    day = page.context["day"]
    response = client.post(
        reverse("cases:appointment"),
        {"matter": cat.matter.pk, "date": day.isoformat(), "start": "09:00"},
        follow=True,
    )
    appt = Appointment.objects.get(user=personas.applicant)
    assert appt.matter == cat.matter and appt.slot.window == personas.window
    assert "预约成功" in response.content.decode() and cat.matter.name in response.content.decode()
    # the only serving window's place is taken: the next citizen is told the time is full
    response = login(personas.outsider).post(
        reverse("cases:appointment"),
        {"matter": cat.matter.pk, "date": day.isoformat(), "start": "09:00"},
        follow=True,
    )
    assert "已约满" in response.content.decode()
    assert not Appointment.objects.filter(slot__window__in=[pickup, special]).exists()
    # someone else's booking cannot be cancelled; one's own can, and the place is free again
    assert (
        login(personas.outsider).post(reverse("cases:appointment"), {"cancel": appt.pk}).status_code
        == 404
    )
    login(personas.applicant).post(reverse("cases:appointment"), {"cancel": appt.pk})
    appt.refresh_from_db()
    assert appt.status == "cancelled" and appt.slot.booked == 0


def test_a_unit_b_matter_is_also_served_by_unit_bs_specialist_window(personas, cat, login):
    _pickup, special = _windows(personas, cat)
    client = login(personas.applicant)
    day = client.get(reverse("cases:appointment"), {"matter": cat.matter_b.pk}).context["day"]
    for who in (personas.applicant, personas.outsider):
        login(who).post(
            reverse("cases:appointment"),
            {"matter": cat.matter_b.pk, "date": day.isoformat(), "start": "09:00"},
        )
    windows = set(Appointment.objects.values_list("slot__window", flat=True))
    assert windows == {personas.window.pk, special.pk}


def test_an_appointment_needs_a_matter_and_a_time(personas, cat, login):
    from yingshang.errors import InvalidInput

    _windows(personas, cat)
    with pytest.raises(InvalidInput) as exc:
        services.appointments.appointment_request(
            actor=personas.applicant, date=dt.date(2030, 1, 7), start=dt.time(9)
        )
    assert exc.value.code == "APPOINTMENT_MATTER_REQUIRED"
    response = login(personas.applicant).post(
        reverse("cases:appointment"), {"matter": cat.matter.pk, "date": "x"}, follow=True
    )
    assert "请选择预约日期和时段" in response.content.decode()
    assert not Appointment.objects.exists()


def test_the_guide_of_a_matter_links_to_the_appointment_with_the_matter(personas, cat, client):
    html = client.get(reverse("catalog:guide_detail", args=[cat.matter.pk])).content.decode()
    assert f"/cases/appointment/?matter={cat.matter.pk}" in html


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


def test_a_withdrawn_case_reads_as_withdrawn_not_completed(personas, cat, login):
    case = _submit(personas, cat)
    client = login(personas.applicant)
    page = client.get(reverse("cases:my_case", args=[case.number])).content.decode()
    assert 'data-confirm="确定撤回这件申请吗' in page  # the applicant confirms before withdrawing
    client.post(
        reverse("cases:my_case_action", args=[case.number, "withdraw"]), {"reason": "不办了"}
    )
    case.refresh_from_db()
    assert case.status == "closed"
    listing = client.get(reverse("cases:my_cases")).content.decode()
    row = listing[listing.index(case.number) :]
    assert "已撤回" in row[:400] and "已办结" not in row[:400]


def test_acceptance_notice_shows_remaining_days_and_downloads_as_word(personas, cat, login):
    import io

    from docx import Document as WordDocument

    case = services.case_accept(actor=personas.clerk, case=_submit(personas, cat))
    client = login(personas.applicant)
    page = client.get(reverse("cases:my_case", args=[case.number])).content.decode()
    assert "剩余" in page[page.index('data-testid="remaining-days"') :][:200]
    assert 'data-testid="notices"' in page and "受理通知书" in page
    url = reverse("cases:notice", args=[case.number, "acceptance"])
    word = client.get(url, {"format": "docx"})
    assert word.status_code == 200
    assert "attachment" in word["Content-Disposition"]
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(word.content)).paragraphs)
    assert "受理通知书" in text and case.number in text and "承诺于" in text
    # a decision the case does not have yet is not offered
    assert client.get(reverse("cases:notice", args=[case.number, "decision"])).status_code == 404


def test_a_refusal_gives_the_applicant_a_decision_with_reasons_and_remedies(personas, cat, login):
    case = services.case_accept(actor=personas.clerk, case=_submit(personas, cat))
    case = services.case_decide(
        actor=personas.handler_a, case=case, decision="not_approved", reasons="经营场所不符合要求"
    )
    html = (
        login(personas.applicant)
        .get(reverse("cases:notice", args=[case.number, "decision"]))
        .content.decode()
    )
    assert "不予行政许可决定书" in html and "经营场所不符合要求" in html
    assert "行政复议" in html and "第三十八条第二款" in html


def test_staff_see_why_an_action_is_not_theirs_or_not_yet_possible(personas, cat, login):
    case = _submit(personas, cat)
    html = login(personas.handler_a).get(reverse("cases:staff_case", args=[case.pk])).content
    box = html.decode()[html.decode().index('data-testid="unavailable"') :]
    assert "受理" in box and "只有收件大厅的窗口工作人员可以执行此操作" in box
    case = services.case_accept(actor=personas.clerk, case=case)
    html = login(personas.clerk).get(reverse("cases:staff_case", args=[case.pk])).content.decode()
    assert (
        "只有承办单位的经办人或负责人可以执行此操作"
        in html[html.index('data-testid="unavailable"') :]
    )
