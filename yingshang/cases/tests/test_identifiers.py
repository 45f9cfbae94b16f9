"""Identifiers typed into an application form (issue 17): a USCC or ID number that fails its
check is refused with the validator's Chinese message (page) and a stable code (API); one typed
in full width, lower case or with spaces is stored in the one normalised form. Personal data
on staff pages is masked (DESIGN.md §1); firm names are not (issue 18)."""

import base64
import json

import pytest
from django.urls import reverse

from yingshang.cases import services
from yingshang.cases.models import Case
from yingshang.cases.tests.conftest import PDF, _matter, all_files, pdf
from yingshang.errors import InvalidInput

pytestmark = pytest.mark.django_db

ID_FIELDS = [
    {"key": "applicant.id_number", "label": "申请人身份证号码", "field_type": "id_number"},
    {"key": "firm.uscc", "label": "统一社会信用代码", "field_type": "uscc"},
]
GOOD_USCC = "91110108551385082Q"
GOOD_ID = "11010519491231002X"


@pytest.fixture
def matter(personas):
    return _matter(
        personas.admin, personas.unit_a, "XK00901000", "含证件号的事项", extra_fields=ID_FIELDS
    )


def _form(**over):
    data = {
        "applicant.name": "张三",
        "applicant.mobile": "13800138000",
        "shop.name": "老街小馆",
        "applicant.id_number": GOOD_ID,
        "firm.uscc": GOOD_USCC,
    }
    data.update(over)
    return data


def _submit(personas, matter, **over):
    return services.case_submit(
        actor=personas.applicant,
        matter=matter,
        form_data=_form(**over),
        files=all_files(),
        channel="online",
    )


@pytest.mark.parametrize(
    "field,value,message,reason",
    [
        ("firm.uscc", "123", "统一社会信用代码应为18位", "uscc_length"),
        ("firm.uscc", "91110108551385082R", "统一社会信用代码校验位不正确", "uscc_check"),
        ("firm.uscc", "91110108551385O82Q", "不使用 I、O、S、V、Z", "uscc_chars"),
        ("applicant.id_number", "123", "身份证号码应为18位", "id_format"),
        ("applicant.id_number", "110105194912310021", "身份证号码校验位不正确", "id_check"),
        ("applicant.id_number", "110105194902310026", "出生日期无效", "id_birth_date"),
    ],
)
def test_wrong_identifier_is_refused_with_its_message(
    personas, matter, field, value, message, reason
):
    with pytest.raises(InvalidInput) as err:
        _submit(personas, matter, **{field: value})
    assert err.value.code == "CASE_FORM_INVALID" and message in err.value.message
    assert err.value.details["reasons"] == {field: reason}
    assert not Case.objects.exists()


def test_identifiers_typed_in_full_width_or_with_spaces_are_stored_normalised(personas, matter):
    case = _submit(
        personas,
        matter,
        **{
            "firm.uscc": "９１１１ ０１０８ ５５１３ ８５０８ ２ｑ",
            "applicant.id_number": "１１０１０５１９４９１２３１００２ｘ",
            "applicant.mobile": "138 0013 8000",
        },
    )
    assert case.form_data["firm.uscc"] == GOOD_USCC
    assert case.form_data["applicant.id_number"] == GOOD_ID
    assert case.form_data["applicant.mobile"] == "13800138000"


def test_page_shows_the_message_and_keeps_the_input(personas, matter, login):
    data = {f"f_{k}": v for k, v in _form(**{"firm.uscc": "91110108551385082R"}).items()}
    for key in ("application_form", "id_card", "floor_plan", "health_cert"):
        data[f"material_{key}"] = pdf(f"{key}.pdf")
    response = login(personas.applicant).post(reverse("cases:apply_matter", args=[matter.pk]), data)
    html = response.content.decode()
    assert response.status_code in (200, 400)
    assert "统一社会信用代码校验位不正确" in html and 'value="老街小馆"' in html
    assert not Case.objects.exists()


def test_api_answers_400_with_a_stable_code_and_the_field(personas, matter, api_client):
    b64 = base64.b64encode(PDF).decode()
    body = {
        "matter_id": matter.pk,
        "form_data": _form(**{"applicant.id_number": "123"}),
        "files": [
            {"material_key": k, "name": f"{k}.pdf", "content_base64": b64}
            for k in ("application_form", "id_card", "floor_plan", "health_cert")
        ],
    }
    response = api_client(personas.applicant).post(
        "/api/v1/cases", json.dumps(body), content_type="application/json"
    )
    answer = response.json()
    assert response.status_code == 400 and answer["code"] == "CASE_FORM_INVALID"
    assert answer["details"]["reasons"] == {"applicant.id_number": "id_format"}
    assert "applicant.id_number" in answer["details"]["fields"]


def test_api_contact_phone_must_be_a_mobile(personas, matter, api_client):
    b64 = base64.b64encode(PDF).decode()
    body = {
        "matter_id": matter.pk,
        "form_data": _form(),
        "contact_phone": "not a phone",
        "files": [
            {"material_key": k, "name": f"{k}.pdf", "content_base64": b64}
            for k in ("application_form", "id_card", "floor_plan", "health_cert")
        ],
    }
    response = api_client(personas.applicant).post(
        "/api/v1/cases", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "MOBILE_INVALID"
    assert response.json()["details"]["field"] == "contact_phone"


def test_staff_case_page_masks_the_applicants_mobile_and_id_number(personas, matter, login):
    case = _submit(personas, matter)
    html = login(personas.clerk).get(reverse("cases:staff_case", args=[case.pk])).content.decode()
    assert "13800138000" not in html and GOOD_ID not in html
    assert "138****8000" in html and "110105********002X" in html
    assert GOOD_USCC in html  # a firm's code is public


def test_window_clerk_finds_the_applicant_by_a_full_width_id_number(personas, matter, login):
    url = reverse("cases:window_submit")
    typed = "１１０１０５ １９４９１２３１ ００２ｘ"
    html = login(personas.clerk).get(url, {"matter": matter.pk, "applicant": typed})
    assert html.status_code == 200
    assert "未找到该申请人账号" not in html.content.decode()
    assert 'name="applicant" value="13800138000"' in html.content.decode()


def test_clerk_queue_shows_a_firms_name_in_full_and_a_persons_masked(personas, cat, login):
    from yingshang.cases.tests.conftest import form_for

    firm_case = services.case_submit(
        actor=personas.firm_user,
        matter=cat.matter,
        form_data=form_for(personas.firm_user),
        files=all_files(),
        channel="online",
    )
    person_case = services.case_submit(
        actor=personas.applicant,
        matter=cat.matter,
        form_data=form_for(personas.applicant),
        files=all_files(),
        channel="online",
    )
    html = login(personas.clerk).get(reverse("cases:queue") + "?q=to_accept").content.decode()
    assert firm_case.applicant_name == "测试餐饮有限公司"
    assert "测试餐饮有限公司" in html and "测*******" not in html
    assert person_case.applicant_name == "张三" and "张*" in html and ">张三<" not in html


def test_public_lookup_shows_a_firms_name_in_full(personas, cat, client):
    from yingshang.cases.tests.conftest import form_for

    case = services.case_submit(
        actor=personas.firm_user,
        matter=cat.matter,
        form_data=form_for(personas.firm_user),
        files=all_files(),
        channel="online",
    )
    html = client.post(
        reverse("cases:lookup"), {"number": case.number, "phone": "138 0013 8001"}
    ).content.decode()
    result = html[html.index('data-testid="lookup-result"') :]
    assert "测试餐饮有限公司" in result and "138****8001" in result
