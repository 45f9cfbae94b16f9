"""Browser journey (issue 17, issue 18): a firm applies with its USCC typed wrong, then in full
width; the clerk's queue shows the firm's name in full, and the case page masks the applicant's
mobile and ID number."""

import re

import pytest

from yingshang.cases.models import Case
from yingshang.cases.tests.conftest import PDF, _matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_firm_applies_with_its_uscc_and_the_clerk_sees_firm_name_and_masked_numbers(
    page, browser_login, personas
):
    matter = _matter(
        personas.admin,
        personas.unit_a,
        "XK00901000",
        "含证件号的事项",
        extra_fields=[
            {"key": "applicant.id_number", "label": "经办人身份证号码", "field_type": "id_number"},
            {"key": "firm.uscc", "label": "统一社会信用代码", "field_type": "uscc"},
        ],
    )
    browser_login(page, "firm")
    page.goto(f"/cases/apply/matter/{matter.pk}/")
    page.locator('[name="f_shop.name"]').fill("老街小馆")
    page.locator('[name="f_applicant.id_number"]').fill("11010519491231002X")
    page.locator('[name="f_firm.uscc"]').fill("91350100M000100Y44")  # one character wrong
    for key in ("application_form", "id_card", "floor_plan", "health_cert"):
        page.locator(f"#material_{key}").set_input_files(
            {"name": f"{key}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
    page.get_by_role("button", name="提交申请").click()
    assert "统一社会信用代码校验位不正确" in page.locator("main").inner_text()
    assert not Case.objects.exists()

    page.locator('[name="f_firm.uscc"]').fill(
        "９１３５０１００ｍ０００１００ｙ４３"
    )  # 全角, lower case
    for key in ("application_form", "id_card", "floor_plan", "health_cert"):
        page.locator(f"#material_{key}").set_input_files(
            {"name": f"{key}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/cases/mine/YS\d+/"))
    case = Case.objects.get()
    assert case.form_data["firm.uscc"] == "91350100M000100Y43"

    page.context.clear_cookies()
    browser_login(page, "clerk")
    page.goto("/staff/cases/?q=to_accept")
    queue = page.get_by_test_id("queue").inner_text()
    assert "测试餐饮有限公司" in queue
    page.get_by_role("link", name=case.number).click()
    text = page.locator("main").inner_text()
    assert "138****8001" in text and "110105********002X" in text
    assert "13800138001" not in text and "11010519491231002X" not in text
