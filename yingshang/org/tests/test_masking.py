import pytest

from yingshang.org import masking


@pytest.mark.parametrize("value,expected", [("13812345678", "138****5678"), ("", ""), (None, "")])
def test_phone_keeps_first_three_and_last_four(value, expected):
    assert masking.mask_phone(value) == expected


def test_landline_keeps_only_last_four_visible_in_the_middle():
    # masked by its digits: the dash is spelling, not a digit
    assert masking.mask_phone("0399-1234567") == "039****4567"


def test_phone_mask_matches_design_example():
    assert masking.mask_phone("13812345678") == "138****5678"


def test_id_number_keeps_first_six_and_last_four():
    assert masking.mask_id_number("110105194912310021") == "110105********0021"


@pytest.mark.parametrize("name,expected", [("张三", "张*"), ("欧阳娜娜", "欧***"), ("王", "王")])
def test_name_keeps_the_first_character(name, expected):
    assert masking.mask_name(name) == expected


def test_address_hides_street_and_number():
    masked = masking.mask_address("河北省示范县城关镇人民路18号3单元201室")
    assert masked.startswith("河北省示范县城关镇")
    assert "人民路" not in masked and "18号" not in masked


@pytest.mark.parametrize(
    "written", ["138 0013 8000", "138-0013-8000", "１３８００１３８０００", "+86 138 0013 8000"]
)
def test_phone_is_masked_the_same_however_it_was_written(written):
    assert masking.mask_phone(written) == "138****8000"


@pytest.mark.parametrize(
    "text,hidden,shown",
    [
        ("请回电 138 0013 8000。", "0013", "138****8000"),
        ("手机138-0013-8000", "0013", "138****8000"),
        ("手机１３８００１３８０００", "００１３", "138****8000"),
        ("座机0558-1234567", "123", "055****4567"),
        ("（0558）12345678", "1234", "055*****5678"),
        ("电话：5123456", "512", "***3456"),
        ("身份证 110105 19491231 002X 已核实", "1949", "110105********002X"),
        ("身份证１１０１０５１９４９１２３１００２Ｘ", "１９４９", "110105********002X"),
    ],
)
def test_free_text_masks_numbers_in_any_common_spelling(text, hidden, shown):
    masked = masking.mask_text(text)
    assert hidden not in masked and shown in masked


@pytest.mark.parametrize(
    "text",
    ["工单GD202612060001已办结", "2026-12-06 办结", "补贴金额 13800 元", "91110108551385082Q"],
)
def test_free_text_leaves_dates_amounts_and_codes_alone(text):
    assert masking.mask_text(text) == text


def test_free_text_masks_the_given_names():
    assert masking.mask_text("王小明反映", names=["王小明"]) == "王**反映"


def test_a_firms_name_is_not_masked_a_persons_is():
    assert masking.mask_party("测试餐饮有限公司", firm=True) == "测试餐饮有限公司"
    assert masking.mask_party("张三", firm=False) == "张*"


def test_staff_form_view_masks_phone_and_id_number_fields_only():
    fields = [
        {"key": "applicant.mobile", "field_type": "phone"},
        {"key": "applicant.id_number", "field_type": "id_number"},
        {"key": "firm.uscc", "field_type": "uscc"},
    ]
    data = {
        "applicant.mobile": "13800138000",
        "applicant.id_number": "11010519491231002X",
        "firm.uscc": "91110108551385082Q",
        "old.contact_mobile": "13900139000",  # a field no longer in the form
    }
    assert masking.mask_form_data(data, fields) == {
        "applicant.mobile": "138****8000",
        "applicant.id_number": "110105********002X",
        "firm.uscc": "91110108551385082Q",
        "old.contact_mobile": "139****9000",
    }
