"""The portal: photos/PDFs with a submission, and 我的诉求 for person and firm accounts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yingshang.audit.models import AuditEvent
from yingshang.hotline import services
from yingshang.hotline.models import WorkOrder, WorkOrderAttachment

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FORM = {
    "caller_name": "孙七",
    "caller_phone": "13911112222",
    "category": "help",
    "address": "城关镇幸福路12号",
    "content": "小区门口路灯坏了一个月了，晚上很不安全。",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _png(name="路灯.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _pdf(name="说明.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- attachments on submission ------------------------------------------------------------------
def test_portal_submission_stores_photos_and_pdfs_for_staff(client, personas, login):
    r = client.post("/hotline/submit/", {**FORM, "files": [_png(), _pdf()]})
    assert r.status_code == 200 and "已上传2个附件" in r.content.decode()
    order = WorkOrder.objects.get(caller_phone="13911112222")
    names = sorted(order.attachments.values_list("name", flat=True))
    assert names == ["说明.pdf", "路灯.png"]
    assert AuditEvent.objects.filter(action="hotline.attach", object_id=str(order.pk)).count() == 2

    services.workorder_dispatch(actor=personas.operator, order=order, main_unit=personas.unit_a)
    staff = login(personas.handler_a)
    html = staff.get(f"/staff/hotline/orders/{order.pk}/").content.decode()
    att = order.attachments.get(name="路灯.png")
    assert f"/staff/hotline/orders/{order.pk}/files/{att.pk}/" in html
    download = staff.get(f"/staff/hotline/orders/{order.pk}/files/{att.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert download["X-Content-Type-Options"] == "nosniff"
    # another unit, and the public, cannot fetch it
    other = login(personas.handler_b).get(f"/staff/hotline/orders/{order.pk}/files/{att.pk}/")
    assert other.status_code == 404


def test_files_are_never_under_a_public_url(client, personas):
    client.post("/hotline/submit/", {**FORM, "files": [_png()]})
    att = WorkOrderAttachment.objects.get()
    anonymous = client.get(f"/staff/hotline/orders/{att.order_id}/files/{att.pk}/")
    assert anonymous.status_code in (302, 403, 404)
    assert client.get("/_media_is_not_served_directly/" + att.file.name).status_code == 404


def test_a_bad_file_is_refused_with_a_clear_message_and_the_form_kept(client, personas):
    exe = SimpleUploadedFile("照片.jpg", b"MZ" + b"\x00" * 64, content_type="image/jpeg")
    r = client.post("/hotline/submit/", {**FORM, "files": [_png(), exe]})
    html = r.content.decode()
    assert r.status_code == 400 and "照片.jpg" in html and "不是允许的格式" in html
    assert (
        "小区门口路灯坏了一个月了" in html and "13911112222" in html and "城关镇幸福路12号" in html
    )
    assert not WorkOrder.objects.exists() and not WorkOrderAttachment.objects.exists()


def test_at_most_three_files(client, personas):
    r = client.post("/hotline/submit/", {**FORM, "files": [_png(f"{i}.png") for i in range(4)]})
    assert r.status_code == 400 and "最多只能上传3个附件" in r.content.decode()
    assert not WorkOrder.objects.exists()


def test_an_empty_file_is_refused(client, personas):
    empty = SimpleUploadedFile("空.pdf", b"", content_type="application/pdf")
    r = client.post("/hotline/submit/", {**FORM, "files": [empty]})
    assert r.status_code == 400 and "空文件" in r.content.decode()


def test_other_form_errors_ask_to_choose_the_files_again(client, personas):
    r = client.post("/hotline/submit/", {**FORM, "content": "太短", "files": [_png()]})
    assert r.status_code == 400 and "重新选择附件" in r.content.decode()
    assert not WorkOrderAttachment.objects.exists()


# --- 我的诉求 ---------------------------------------------------------------------------------------
def _submit_as(login, user, content="小区门口路灯坏了一个月了，晚上很不安全。", **extra):
    client = login(user)
    r = client.post("/hotline/submit/", {**FORM, "content": content, **extra})
    assert r.status_code == 200, r.content.decode()
    return client, WorkOrder.objects.filter(created_by=user).latest("id")


def test_success_page_links_to_my_requests_when_logged_in(login, personas, client):
    c = login(personas.applicant)
    html = c.post("/hotline/submit/", FORM).content.decode()
    order = WorkOrder.objects.get(created_by=personas.applicant)
    assert f"/hotline/mine/{order.pk}/" in html and 'data-testid="portal-mine-link"' in html
    c.logout()
    anonymous = client.post("/hotline/submit/", {**FORM, "caller_phone": "13911113333"})
    assert 'data-testid="portal-mine-link"' not in anonymous.content.decode()


def test_my_requests_lists_own_orders_with_status_deadline_and_reply(
    login, personas, awaiting_callback
):
    client, mine = _submit_as(login, personas.applicant)
    services.workorder_dispatch(actor=personas.operator, order=mine, main_unit=personas.unit_a)
    someone_else = awaiting_callback()  # registered by the operator for another caller
    html = client.get("/hotline/mine/").content.decode()
    assert mine.number in html and someone_else.number not in html
    mine.refresh_from_db()
    assert "办理中" in html and "求助" in html
    assert mine.handle_due_at.astimezone().strftime("%Y-%m-%d") in html
    assert "尚未答复" in html


def test_the_reply_shows_once_approved_and_a_closed_order_can_be_rated(login, personas):
    client, order = _submit_as(login, personas.applicant)
    services.workorder_dispatch(actor=personas.operator, order=order, main_unit=personas.unit_a)
    services.workorder_sign(actor=personas.handler_a, order=order)
    services.workorder_reply(
        actor=personas.handler_a, order=order, text="路灯已于今日修复，感谢反映。"
    )
    assert "路灯已于今日修复" not in client.get("/hotline/mine/").content.decode()  # in review
    services.workorder_review_reply(actor=personas.operator, order=order, approve=True)
    html = client.get("/hotline/mine/").content.decode()
    assert "路灯已于今日修复" in html and "已答复" in html and 'data-testid="rate-link"' not in html
    services.workorder_callback(actor=personas.operator, order=order, resolved=True, satisfied=True)
    services.workorder_close(actor=personas.operator, order=order)
    html = client.get(f"/hotline/mine/{order.pk}/").content.decode()
    assert "已办结" in html and 'data-testid="rate-link"' in html and "/ratings/l/" in html


def test_detail_of_someone_elses_order_is_404(login, personas, make_order):
    _client, mine = _submit_as(login, personas.applicant)
    by_phone = make_order(caller_phone="13800138000")  # same mobile as the applicant, by phone
    client = login(personas.outsider)
    assert client.get(f"/hotline/mine/{mine.pk}/").status_code == 404
    client = login(personas.applicant)
    assert client.get(f"/hotline/mine/{mine.pk}/").status_code == 200
    assert client.get(f"/hotline/mine/{by_phone.pk}/").status_code == 404
    assert by_phone.number not in client.get("/hotline/mine/").content.decode()


def test_a_firm_does_not_see_complaints_about_itself(login, personas, make_order):
    complaint = make_order(firm=personas.firm, caller_name="王五", confidential=True)
    client, own = _submit_as(
        login, personas.firm_user, content="企业反映：园区道路破损影响货车通行。"
    )
    html = client.get("/hotline/mine/").content.decode()
    assert own.number in html and complaint.number not in html
    assert client.get(f"/hotline/mine/{complaint.pk}/").status_code == 404


def test_timeline_shows_public_steps_without_names_or_internal_notes(login, personas):
    client, order = _submit_as(login, personas.applicant)
    services.workorder_dispatch(
        actor=personas.operator,
        order=order,
        main_unit=personas.unit_a,
        co_units=[personas.unit_b],
        note="内部备注：请重点关注",
    )
    order = services.workorder_sign(actor=personas.handler_a, order=order)
    services.workorder_co_opinion(actor=personas.handler_b, order=order, opinion="协办内部意见")
    services.workorder_supervise(
        actor=personas.operator, order=order, kind="urge", note="内部催办内容"
    )
    html = client.get(f"/hotline/mine/{order.pk}/").content.decode()
    assert "诉求已提交" in html and "已转交承办单位办理" in html and "承办单位已签收" in html
    for secret in (
        "内部备注",
        "协办内部意见",
        "内部催办内容",
        "话务员",
        "市场监管经办",
        "住建经办",
    ):
        assert secret not in html, secret


def test_own_files_are_downloadable_from_my_requests_only_by_the_owner(login, personas):
    client, order = _submit_as(login, personas.applicant, files=[_png()])
    att = order.attachments.get()
    html = client.get(f"/hotline/mine/{order.pk}/").content.decode()
    assert "路灯.png" in html
    assert client.get(f"/hotline/mine/{order.pk}/files/{att.pk}/").status_code == 200
    other = login(personas.outsider).get(f"/hotline/mine/{order.pk}/files/{att.pk}/")
    assert other.status_code == 404


def test_my_requests_needs_login_and_is_in_the_portal_menu(client, personas, login):
    r = client.get("/hotline/mine/")
    assert r.status_code == 302 and "login" in r["Location"]
    home = client.get("/").content.decode()
    assert 'href="/hotline/mine/"' in home and "我的诉求" in home
    staff = login(personas.handler_a).get("/hotline/mine/").content.decode()
    assert "工作人员请在工作台查看工单" in staff


def test_confidential_portal_caller_is_not_named_in_the_units_history(login, personas):
    _client, order = _submit_as(login, personas.applicant, confidential="on", files=[_png()])
    services.workorder_dispatch(actor=personas.operator, order=order, main_unit=personas.unit_a)
    html = login(personas.handler_a).get(f"/staff/hotline/orders/{order.pk}/").content.decode()
    # nor the masked phone (138****8000); a bare "8000" also matches a number issued on the 8th
    assert "张三" not in html and "13800138000" not in html and "****8000" not in html
    assert "诉求人" in html and "路灯.png" in html  # the file is there, its sender unnamed
    # the centre still sees who it was
    assert (
        "张三"
        in login(personas.operator).get(f"/staff/hotline/orders/{order.pk}/").content.decode()
    )


def test_timeline_tells_the_caller_about_an_approved_extension_but_not_a_return(login, personas):
    client, order = _submit_as(login, personas.applicant)
    services.workorder_dispatch(actor=personas.operator, order=order, main_unit=personas.unit_a)
    services.workorder_return(actor=personas.handler_a, order=order, reason="不属于本单位职责范围")
    services.workorder_dispatch(actor=personas.operator, order=order, main_unit=personas.unit_b)
    order = services.workorder_sign(actor=personas.handler_b, order=order)
    ext = services.workorder_ask_extension(
        actor=personas.handler_b, order=order, days=5, reason="需协调供电公司"
    )
    services.workorder_decide_extension(actor=personas.operator, extension=ext, approve=True)
    order.refresh_from_db()
    html = client.get(f"/hotline/mine/{order.pk}/").content.decode()
    assert (
        "经批准延期办理" in html and order.handle_due_at.astimezone().strftime("%Y-%m-%d") in html
    )
    assert "不属于本单位职责范围" not in html and "需协调供电公司" not in html
    assert html.count("已转交承办单位办理") == 1
