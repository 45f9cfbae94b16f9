"""A wrong USCC is refused with a Chinese message (pages) and a stable code (API), and never
stored, at every entry point that takes one. The hotline console/API, the credit list's page/API
and the case form's typed uscc field have their own tests (hotline/tests/test_firm_uscc.py,
credit/tests/test_api.py + test_staff_pages.py, cases/tests/test_identifiers.py); these cover
the firm register's own and the gaps found."""

import pytest

from yingshang.cases import services as case_services
from yingshang.cases.models import Case
from yingshang.cases.tests.conftest import _matter, all_files
from yingshang.enterprises.models import Firm
from yingshang.enterprises.tests.conftest import uscc, wrong_check
from yingshang.errors import InvalidInput


def test_the_staff_form_shows_the_message_and_keeps_the_input(personas, login):
    response = login(personas.supervisor).post(
        "/staff/firms/new/", {"uscc": wrong_check(uscc(60)), "name": "页面错码公司"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "统一社会信用代码校验位不正确" in html and 'value="页面错码公司"' in html
    assert not Firm.objects.filter(name="页面错码公司").exists()


def test_the_staff_form_refuses_a_wrong_industry_letter(personas, login):
    response = login(personas.supervisor).post(
        "/staff/firms/new/", {"uscc": uscc(61), "name": "行业错公司", "industry_code": "Y1"}
    )
    assert "门类字母应为 A 至 T" in response.content.decode()
    assert not Firm.objects.filter(uscc=uscc(61)).exists()


def test_the_merge_form_refuses_a_wrong_target_code(personas, login):
    response = login(personas.supervisor).post(
        f"/staff/firms/{personas.firm.pk}/status/",
        {"status": "merged", "merged_into": "9134", "reason": "合并"},
    )
    assert "统一社会信用代码应为18位" in response.content.decode()
    personas.firm.refresh_from_db()
    assert personas.firm.status == "active"


def test_the_registration_page_refuses_a_wrong_code(client, db):
    response = client.post(
        "/register/",
        {
            "kind": "firm",
            "f-uscc": wrong_check(uscc(62)),
            "f-firm_name": "注册错码公司",
            "f-contact_name": "联系人",
            "f-mobile": "13700002222",
            "f-password": "Abcdef123456",
            "f-password2": "Abcdef123456",
        },
    )
    assert "校验位不正确" in response.content.decode()
    assert not Firm.objects.filter(name="注册错码公司").exists()


def test_a_case_form_field_named_uscc_is_checked_whatever_its_type(personas):
    """A gap closed: a catalogue field `firm.uscc` defined as plain text stored a wrong code."""
    matter = _matter(
        personas.admin,
        personas.unit_a,
        "XK00909000",
        "文本型代码事项",
        extra_fields=[{"key": "firm.uscc", "label": "统一社会信用代码", "field_type": "text"}],
    )
    form = {"applicant.name": "张三", "applicant.mobile": "13800138000", "shop.name": "老街小馆"}
    with pytest.raises(InvalidInput) as err:
        case_services.case_submit(
            actor=personas.applicant,
            matter=matter,
            form_data={**form, "firm.uscc": wrong_check(uscc(63))},
            files=all_files(),
            channel="online",
        )
    assert err.value.code == "CASE_FORM_INVALID"
    assert err.value.details["reasons"] == {"firm.uscc": "uscc_check"}
    assert not Case.objects.exists()
    case = case_services.case_submit(
        actor=personas.applicant,
        matter=matter,
        form_data={**form, "firm.uscc": uscc(63).lower()},
        files=all_files(),
        channel="online",
    )
    assert case.form_data["firm.uscc"] == uscc(63)
