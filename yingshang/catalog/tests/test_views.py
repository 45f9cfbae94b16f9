import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yingshang.audit.models import AuditEvent
from yingshang.catalog import excel, services
from yingshang.catalog.models import Matter, Package

pytestmark = pytest.mark.django_db


def test_guide_list_search_canyin_for_anonymous(client, demo_catalog):
    response = client.get(reverse("catalog:guide_list"), {"q": "餐饮"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "食品经营许可" in html and "开办餐饮店" in html
    assert html.index("开办餐饮店") < html.index("食品经营许可")  # packages first


def test_guide_list_browse_by_life_event_unit_and_theme(client, demo_catalog):
    html = client.get(reverse("catalog:guide_list"), {"life_event": "p_medical"}).content.decode()
    assert "医保异地就医备案" in html and "企业设立登记" not in html
    html = client.get(reverse("catalog:guide_list"), {"unit": "gaj"}).content.decode()
    assert "居民身份证换领" in html and "食品经营许可" not in html
    html = client.get(reverse("catalog:guide_list"), {"theme": "utilities"}).content.decode()
    assert "低压用电报装" in html and "水电气网联合报装" in html


def test_guide_detail_tells_everything_at_once(client, demo_catalog):
    matter = Matter.objects.get(name_cache="食品经营许可")
    response = client.get(reverse("catalog:guide_detail", args=[matter.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "从业人员健康证明",
        "可容缺",
        "承诺件",
        "5 / 20",
        "最多跑一次",
        "不收费",
        "《中华人民共和国食品安全法》",
        "政务服务中心",
        "0399-12345",
        "健康证明还没办好怎么办",
        "开办餐饮店",
        "在线办理",
        "现场核查",
    ):
        assert text in html, text


def test_package_detail_lists_merged_materials_once(client, demo_catalog):
    response = client.get(reverse("catalog:package_detail", args=["open-restaurant"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("经营场所使用证明（产权证明或租赁合同）") == 1
    assert "5 / 3" in html  # five matters across three units
    assert "企业名称" in html and "自动带入" in html


def test_inactive_matter_is_404_for_public_but_visible_to_admin(client, demo_catalog, login):
    matter = Matter.objects.get(name_cache="药品零售企业经营许可")
    admin = demo_catalog.data["admin"]
    services.matter_deactivate(actor=admin, matter=matter, reason="划转至市级")
    assert client.get(reverse("catalog:guide_detail", args=[matter.pk])).status_code == 404
    response = login(admin).get(reverse("catalog:guide_detail", args=[matter.pk]))
    assert response.status_code == 200 and "该事项已停用" in response.content.decode()


def test_material_template_is_served_through_a_view(
    client, personas, matter_factory, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    matter = matter_factory()
    upload = SimpleUploadedFile("申请表.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    from yingshang.catalog.forms import save_material_file

    name = save_material_file(upload)
    services.matter_revise(
        actor=personas.admin,
        matter=matter,
        note="上传空白表格",
        changes={"materials": [{"key": "application_form", "name": "申请表", "template": name}]},
    )
    material = Matter.objects.get(pk=matter.pk).current_version.materials.get()
    response = client.get(reverse("catalog:material_file", args=[material.pk, "template"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        client.get(reverse("catalog:material_file", args=[material.pk, "example"])).status_code
        == 404
    )


def test_staff_pages_need_admin_or_dept_head(client, personas, matter_factory, login):
    matter = matter_factory()
    assert client.get(reverse("catalog:staff_matters")).status_code == 302  # to login
    assert login(personas.handler_a).get(reverse("catalog:staff_matters")).status_code == 403
    assert (
        login(personas.handler_a)
        .get(reverse("catalog:staff_matter_revise", args=[matter.pk]))
        .status_code
        == 403
    )
    c = login(personas.admin)
    html = c.get(reverse("catalog:staff_matters"), {"q": "测试"}).content.decode()
    assert "测试许可事项" in html
    assert c.get(reverse("catalog:staff_matter", args=[matter.pk])).status_code == 200


def test_revise_form_publishes_new_version(personas, matter_factory, login):
    matter = matter_factory()
    c = login(personas.admin)
    url = reverse("catalog:staff_matter_revise", args=[matter.pk])
    assert c.get(url).status_code == 200
    data = {
        "name": "测试许可事项",
        "matter_type": "licensing",
        "handling_kind": "promised",
        "legal_limit_days": 20,
        "promised_limit_days": 3,
        "fee": "不收费",
        "max_visits": 0,
        "online": "on",
        "conditions": "",
        "legal_basis": "",
        "address": "",
        "hours": "",
        "phone": "",
        "faq": "要钱吗？｜不收费",
        "special_procedures": "",
        "note": "压缩时限",
        "m-TOTAL_FORMS": 2,
        "m-INITIAL_FORMS": 0,
        "m-MIN_NUM_FORMS": 0,
        "m-MAX_NUM_FORMS": 1000,
        "m-0-key": "application_form",
        "m-0-name": "申请表",
        "m-0-form": "original",
        "m-0-copies": 1,
        "m-0-required": "on",
        "m-1-key": "",
        "m-1-name": "",
        "m-1-form": "original",
        "m-1-copies": 1,
    }
    response = c.post(url, data)
    assert response.status_code == 302
    matter.refresh_from_db()
    v = matter.current_version
    assert (v.version, v.promised_limit_days, v.max_visits, v.faq) == (
        2,
        3,
        0,
        [{"q": "要钱吗？", "a": "不收费"}],
    )
    assert list(v.materials.values_list("key", flat=True)) == ["application_form"]
    assert AuditEvent.objects.filter(action="matter.revise", object_id=str(matter.pk)).exists()


def test_revise_form_keeps_input_and_explains_promised_above_legal(personas, matter_factory, login):
    matter = matter_factory()
    c = login(personas.admin)
    data = {
        "name": "改过的名称",
        "matter_type": "licensing",
        "handling_kind": "promised",
        "legal_limit_days": 10,
        "promised_limit_days": 15,
        "fee": "不收费",
        "max_visits": 1,
        "note": "试试",
        "m-TOTAL_FORMS": 0,
        "m-INITIAL_FORMS": 0,
        "m-MIN_NUM_FORMS": 0,
        "m-MAX_NUM_FORMS": 1000,
    }
    response = c.post(reverse("catalog:staff_matter_revise", args=[matter.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "承诺办结时限（15 个工作日）不得超过法定办结时限（10 个工作日）" in html
    assert 'value="改过的名称"' in html
    assert matter.versions.count() == 1


def test_revise_form_refuses_a_fake_pdf(personas, matter_factory, login):
    matter = matter_factory()
    data = {
        "name": "测试许可事项",
        "matter_type": "licensing",
        "handling_kind": "promised",
        "legal_limit_days": 20,
        "promised_limit_days": 5,
        "fee": "不收费",
        "max_visits": 1,
        "note": "上传",
        "m-TOTAL_FORMS": 1,
        "m-INITIAL_FORMS": 0,
        "m-MIN_NUM_FORMS": 0,
        "m-MAX_NUM_FORMS": 1000,
        "m-0-key": "application_form",
        "m-0-name": "申请表",
        "m-0-form": "original",
        "m-0-copies": 1,
        "m-0-template": SimpleUploadedFile("表.pdf", b"MZ\x90\x00 not a pdf"),
    }
    response = login(personas.admin).post(
        reverse("catalog:staff_matter_revise", args=[matter.pk]), data
    )
    assert response.status_code == 200
    assert "的内容不是允许的格式" in response.content.decode()
    assert matter.versions.count() == 1


def test_deactivate_from_workbench_needs_reason(personas, matter_factory, login):
    matter = matter_factory()
    c = login(personas.admin)
    url = reverse("catalog:staff_matter_status", args=[matter.pk, "deactivate"])
    c.post(url, {"reason": ""})
    assert Matter.objects.get(pk=matter.pk).is_active
    c.post(url, {"reason": "已取消"})
    assert not Matter.objects.get(pk=matter.pk).is_active


def test_import_page_shows_row_report_and_saves_nothing(personas, login):
    wb = excel.build_workbook(Matter.objects.none())
    wb[excel.SHEET_MATTERS].append(["XK1", "", "坏事项", "scjg", "行政许可", "承诺件", 5, 9])
    upload = SimpleUploadedFile("catalog.xlsx", excel.workbook_bytes(wb))
    c = login(personas.admin)
    response = c.post(reverse("catalog:staff_import"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "未导入任何数据" in html and "承诺时限（9）不得超过法定时限（5）" in html
    assert not Matter.objects.exists()
    assert login(personas.head_a).get(reverse("catalog:staff_import")).status_code == 403


def test_export_downloads_xlsx(personas, matter_factory, login):
    matter_factory()
    response = login(personas.admin).get(reverse("catalog:staff_export"))
    assert response.status_code == 200
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(response.content))
    assert wb[excel.SHEET_MATTERS]["C2"].value == "测试许可事项"
    template = login(personas.admin).get(reverse("catalog:staff_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith(
        "application/vnd.openxml"
    )


def test_portal_nav_has_guides(client, demo_catalog):
    html = client.get("/").content.decode()
    assert reverse("catalog:guide_list") in html and "办事指南" in html
    assert Package.objects.count() >= 3


def test_demo_template_and_example_download_from_guide(client, demo_catalog):
    matter = Matter.objects.get(name_cache="食品经营许可")
    html = client.get(reverse("catalog:guide_detail", args=[matter.pk])).content.decode()
    material = matter.current_version.materials.get(key="application_form")
    url = reverse("catalog:material_file", args=[material.pk, "example"])
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")  # a real .xlsx
    assert "attachment" in response["Content-Disposition"]


def test_django_admin_shows_versions_read_only(client, personas, matter_factory):
    from yingshang.org.models import User

    matter = matter_factory()
    root = User.objects.create_superuser("root", password="x-Root-2026-pass", is_staff=True)
    client.force_login(root)
    assert client.get(reverse("admin:catalog_matter_changelist")).status_code == 200
    assert client.get(reverse("admin:catalog_matter_change", args=[matter.pk])).status_code == 200
    version = matter.current_version
    response = client.get(reverse("admin:catalog_matterversion_change", args=[version.pk]))
    assert response.status_code == 200
    # posting a change to a published version changes nothing
    client.post(reverse("admin:catalog_matterversion_change", args=[version.pk]), {"name": "篡改"})
    version.refresh_from_db()
    assert version.name == "测试许可事项"
    assert client.get(reverse("admin:catalog_matterversion_add")).status_code == 403


def test_admin_creates_and_edits_a_package_in_the_workbench(personas, matter_factory, login):
    a = matter_factory(name="营业执照办理", base_code="XK00001000", promised=3)
    b = matter_factory(
        name="食品经营许可", base_code="XK00002000", unit=personas.unit_b, promised=5
    )
    c = login(personas.admin)
    data = {
        "code": "restaurant",
        "name": "开办餐饮店",
        "lead_unit": personas.centre.pk,
        "promised_limit_days": 9,
        "matters": [a.pk, b.pk],
        "description": "一次办",
        "life_event": "biz_entry",
        "theme": "food_drug",
    }
    response = c.post(reverse("catalog:staff_package_new"), data)
    assert response.status_code == 200  # 9 > 5: refused, input kept
    html = response.content.decode()
    assert "不得超过成员事项中最长的承诺时限（5 个工作日）" in html and 'value="开办餐饮店"' in html
    assert not Package.objects.exists()
    data["promised_limit_days"] = 4
    assert c.post(reverse("catalog:staff_package_new"), data).status_code == 302
    package = Package.objects.get(code="restaurant")
    assert [pm.matter_id for pm in package.members.order_by("order")] == [a.pk, b.pk]
    edit = reverse("catalog:staff_package_edit", args=["restaurant"])
    assert c.get(edit).status_code == 200
    response = c.post(
        edit, {**data, "promised_limit_days": 2, "is_active": "on", "reason": "再压缩"}
    )
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.promised_limit_days == 2
    assert AuditEvent.objects.filter(
        action="package.update", object_id=str(package.pk), reason="再压缩"
    ).exists()
    assert login(personas.head_a).get(edit).status_code == 403


def test_dept_head_creates_a_matter_for_own_unit_only(personas, login):
    c = login(personas.head_a)
    url = reverse("catalog:staff_matter_new")
    assert c.get(url).status_code == 200
    data = {
        "base_code": "XK00777000",
        "implementation_code": "",
        "name": "户外广告设置许可",
        "matter_type": "licensing",
        "handling_kind": "promised",
        "legal_limit_days": 20,
        "promised_limit_days": 5,
        "fee": "不收费",
        "max_visits": 1,
        "note": "",
        "m-TOTAL_FORMS": 1,
        "m-INITIAL_FORMS": 0,
        "m-MIN_NUM_FORMS": 0,
        "m-MAX_NUM_FORMS": 1000,
        "m-0-key": "application_form",
        "m-0-name": "申请表",
        "m-0-form": "original",
        "m-0-copies": 1,
        "m-0-required": "on",
    }
    response = c.post(url, {**data, "unit": personas.unit_b.pk})
    assert (
        response.status_code == 200 and not Matter.objects.exists()
    )  # not their unit: not a choice
    response = c.post(url, {**data, "unit": personas.unit_a.pk})
    assert response.status_code == 302
    matter = Matter.objects.get()
    assert matter.implementation_code == "XK00777000-139999000000-000-SCJG-1-00"
    assert matter.current_version.materials.get().key == "application_form"
    assert AuditEvent.objects.filter(
        action="matter.create", object_id=str(matter.pk), actor=personas.head_a
    ).exists()
    assert login(personas.handler_a).get(url).status_code == 403
