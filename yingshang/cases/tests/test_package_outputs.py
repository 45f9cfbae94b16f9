"""一件事 packages that reuse what they produce, and their own joint application form."""

import pytest
from django.urls import reverse

from yingshang.cases import selectors, services
from yingshang.cases.tests.conftest import pdf
from yingshang.catalog import selectors as catalog_selectors
from yingshang.catalog import services as catalog
from yingshang.errors import InvalidInput

pytestmark = pytest.mark.django_db


def _submit(personas, package, **extra):
    return services.case_submit(
        actor=personas.applicant,
        package=package,
        form_data={
            "firm.name": "老街餐饮有限公司",
            "firm.scope": "餐饮服务",
            "shop.name": "老街小馆",
        }
        | extra,
        files={"application_form": [pdf()], "articles": [pdf()], "plan": [pdf()]},
        channel="online",
    )


def test_a_later_members_input_produced_by_an_earlier_member_is_not_asked(personas, shop):
    _reg, _food, package = shop
    fields = [f["key"] for f in selectors.form_fields_for(package=package)]
    assert "firm.uscc" not in fields and fields.count("firm.name") == 1
    licence = next(
        m for m in selectors.materials_for(package=package) if m["key"] == "business_licence"
    )
    assert licence["produced_by"] == "企业设立登记" and not licence["required"]
    # submitted without the 营业执照 and the USCC, the case is complete and accepted as it is
    case = _submit(personas, package)
    assert selectors.missing_materials(case) == []
    case = services.case_accept(actor=personas.clerk, case=case)
    assert case.status == "accepted"


def test_an_output_of_a_later_member_does_not_satisfy_an_earlier_one(personas, shop):
    reg, food, package = shop
    catalog.package_define(
        actor=personas.admin,
        package=package,
        outputs={
            reg.pk: [],
            food.pk: [{"key": "articles", "name": "公司章程", "kind": "material"}],
        },
    )
    materials = {m["key"]: m for m in selectors.materials_for(package=package)}
    assert "produced_by" not in materials["articles"] and materials["articles"]["required"]
    assert "firm.uscc" in [f["key"] for f in selectors.form_fields_for(package=package)]


def test_the_package_has_its_own_joint_form_and_keeps_member_fields_it_does_not_cover(
    personas, shop
):
    reg, food, package = shop
    catalog.package_define(
        actor=personas.admin,
        package=package,
        form_fields=[
            {"key": "firm.name", "label": "拟设立企业名称", "field_type": "text"},
            {"key": "shop.seats", "label": "就餐座位数", "field_type": "number", "required": False},
        ],
    )
    package.refresh_from_db()
    fields = selectors.form_fields_for(package=package)
    assert [f["label"] for f in fields] == ["拟设立企业名称", "就餐座位数", "经营范围", "门店名称"]
    merged = catalog_selectors.merged_form_fields(package)
    assert {m.pk for m in merged[0].matters} == {reg.pk, food.pk}


def test_package_definition_is_checked_and_audited(personas, shop):
    from yingshang.audit.models import AuditEvent

    _reg, _food, package = shop
    with pytest.raises(InvalidInput) as exc:
        catalog.package_define(
            actor=personas.admin,
            package=package,
            outputs={personas.applicant.pk * 1000: [{"key": "x", "name": "x"}]},
            form_fields=[{"key": "Bad Key", "label": ""}],
        )
    assert exc.value.code == "CATALOG_INVALID"
    assert AuditEvent.objects.filter(action="package.define").count() == 1  # the fixture's


def test_the_apply_page_and_the_case_page_say_who_produces_it(personas, shop, login):
    reg, _food, package = shop
    client = login(personas.applicant)
    html = client.get(reverse("cases:apply_package", args=[package.code])).content.decode()
    assert "由本件内“企业设立登记”办理产出" in html
    assert 'name="material_business_licence"' not in html and 'name="f_firm.uscc"' not in html
    case = services.case_accept(actor=personas.clerk, case=_submit(personas, package))
    page = client.get(reverse("cases:my_case", args=[case.number])).content.decode()
    assert "由本件内“企业设立登记”办理产出（待产出）" in page
    task = case.tasks.get(matter=reg)
    services.task_decide(
        actor=personas.handler_a,
        task=task,
        decision="approved",
        produced={"firm.uscc": USCC},
    )
    page = client.get(reverse("cases:my_case", args=[case.number])).content.decode()
    assert "由本件内“企业设立登记”办理产出（已产出）" in page


USCC = "91139999MA0DEMX02M"


def test_the_producing_unit_records_the_produced_uscc_for_the_later_members(personas, shop):
    from yingshang.audit.models import AuditEvent

    reg, food, package = shop
    case = services.case_accept(actor=personas.clerk, case=_submit(personas, package))
    task = case.tasks.get(matter=reg)
    with pytest.raises(InvalidInput) as exc:  # approving without the USCC it produced
        services.task_decide(actor=personas.handler_a, task=task, decision="approved")
    assert "统一社会信用代码" in exc.value.message
    with pytest.raises(InvalidInput):  # a wrong number is refused by the USCC check
        services.task_decide(
            actor=personas.handler_a,
            task=task,
            decision="approved",
            produced={"firm.uscc": "123"},
        )
    services.task_decide(
        actor=personas.handler_a,
        task=task,
        decision="approved",
        produced={"firm.uscc": USCC.lower()},
    )
    case.refresh_from_db()
    assert case.form_data["firm.uscc"] == USCC  # normalised; the food licence's task reads it
    event = AuditEvent.objects.get(action="case.task_done", object_id=str(case.pk))
    assert event.changes["produced"][1] == {"firm.uscc": USCC}
    # the later member (no outputs of its own) is approved without entering anything
    services.task_decide(
        actor=personas.handler_b, task=case.tasks.get(matter=food), decision="approved"
    )


def test_the_packages_blank_joint_form_is_its_own_not_the_first_members(personas, shop, client):
    from yingshang.catalog.models import Material

    reg, _food, package = shop
    # the first member's own application form has a template: the package must not hand it out
    Material.objects.filter(version=reg.current_version, key="application_form").update(
        template="catalog/materials/reg-form.docx"
    )
    catalog.package_define(
        actor=personas.admin,
        package=package,
        form_fields=[{"key": "shop.seats", "label": "就餐座位数", "field_type": "number"}],
    )
    joint = next(
        m for m in catalog_selectors.merged_materials(package) if m.key == "application_form"
    )
    url = reverse("catalog:package_form", args=[package.code])
    assert joint.template_url == url and joint.example_url == ""
    html = client.get(url).content.decode()
    assert "《开办餐饮店》一件事联办申请表" in html and "就餐座位数" in html
    assert "统一社会信用代码（企业设立登记）" in html  # produced, not asked
    guide = client.get(reverse("catalog:package_detail", args=[package.code])).content.decode()
    assert url in guide


def test_the_public_api_says_what_a_package_produces_itself(personas, shop, client):
    reg, _food, package = shop
    body = client.get(f"/api/v1/catalog/packages/{package.code}").json()
    licence = next(m for m in body["materials"] if m["key"] == "business_licence")
    uscc = next(f for f in body["form_fields"] if f["key"] == "firm.uscc")
    assert licence["produced_by_matter_id"] == reg.pk and uscc["produced_by_matter_id"] == reg.pk
    joint = next(m for m in body["materials"] if m["key"] == "application_form")
    assert joint["template_url"].endswith(f"/catalog/packages/{package.code}/form/")


def test_the_admin_defines_outputs_and_the_joint_form_on_a_staff_page(personas, shop, login):
    reg, food, package = shop
    client = login(personas.admin)
    url = reverse("catalog:staff_package_define", args=[package.code])
    page = client.get(url).content.decode()
    assert "材料 business_licence 营业执照" in page and "信息 firm.uscc 统一社会信用代码" in page
    response = client.post(
        url,
        {
            f"outputs_{reg.pk}": "材料 business_licence 营业执照",
            f"outputs_{food.pk}": "",
            "form": "firm.name | 拟设立企业名称 | text | 必填\nshop.seats | 就餐座位数 | number | 选填",
            "reason": "按实际联办表调整",
        },
    )
    assert response.status_code == 302
    package.refresh_from_db()
    assert [f["key"] for f in package.form_fields] == ["firm.name", "shop.seats"]
    assert "firm.uscc" in [f["key"] for f in selectors.form_fields_for(package=package)]
    bad = client.post(url, {f"outputs_{reg.pk}": "证照 x 营业执照", "form": ""})
    assert bad.status_code == 200 and "请以“材料”或“信息”开头" in bad.content.decode()
    assert login(personas.applicant).get(url).status_code in (302, 403, 404)
