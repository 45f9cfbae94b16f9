"""Validators on real published codes and on altered ones (GB 32100-2015, GB 11643-1999)."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from yingshang.org import identifiers

# Real firms' codes as printed on their business licences / the national publicity system.
REAL_USCC = [
    "91110108551385082Q",  # 小米科技有限责任公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司
    "914403001922038216",  # 华为技术有限公司
    "91110000710926094P",  # 中国石油化工股份有限公司
    "91310000775785552L",  # 上海市企业（示例：特斯拉（上海）有限公司）
    "91350100M000100Y43",  # the example code used in GB 32100 explanations
]
# GB 11643-1999's own worked example and a commonly published sample.
REAL_ID = ["11010519491231002X", "34052419800101001X"]


@pytest.mark.parametrize("code", REAL_USCC)
def test_real_uscc_is_valid(code):
    identifiers.validate_uscc(code)
    assert identifiers.is_valid_uscc(code.lower())  # entered in lower case is accepted


@pytest.mark.parametrize("code", REAL_USCC)
def test_uscc_with_one_character_altered_is_rejected(code):
    position = 10
    alphabet = identifiers.USCC_ALPHABET
    replacement = alphabet[(alphabet.index(code[position]) + 1) % len(alphabet)]
    altered = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError) as err:
        identifiers.validate_uscc(altered)
    assert "校验位" in err.value.messages[0]


@pytest.mark.parametrize(
    "bad,code",
    [
        ("91110108551385082", "uscc_length"),
        ("91110108551385O82Q", "uscc_chars"),  # letter O is not in the alphabet
        ("9111010855138508IQ", "uscc_chars"),
    ],
)
def test_malformed_uscc_gets_its_own_message(bad, code):
    with pytest.raises(ValidationError) as err:
        identifiers.validate_uscc(bad)
    assert err.value.code == code


@given(st.text(alphabet=identifiers.USCC_ALPHABET, min_size=17, max_size=17))
def test_every_generated_uscc_validates_and_any_other_check_char_does_not(body):
    check = identifiers.uscc_check_char(body)
    assert identifiers.is_valid_uscc(body + check) == bool(identifiers._USCC_RE.match(body + check))
    for other in identifiers.USCC_ALPHABET:
        if other != check:
            assert not identifiers.is_valid_uscc(body + other)


@pytest.mark.parametrize("code", REAL_ID)
def test_real_id_number_is_valid(code):
    identifiers.validate_id_number(code)
    assert identifiers.is_valid_id_number(code.lower())


@pytest.mark.parametrize("code", REAL_ID)
def test_id_number_with_a_digit_altered_is_rejected(code):
    altered = code[:16] + str((int(code[16]) + 1) % 10) + code[17]
    with pytest.raises(ValidationError) as err:
        identifiers.validate_id_number(altered)
    assert err.value.code == "id_check"


def test_id_number_with_impossible_birth_date_is_rejected():
    body = "11010519490231002"  # 31 February
    with pytest.raises(ValidationError) as err:
        identifiers.validate_id_number(body + identifiers.id_check_char(body))
    assert err.value.code == "id_birth_date"


def test_id_check_character_table_maps_remainder_2_to_x():
    # remainder 2 → 'X' is the case that naive implementations get wrong
    assert identifiers.id_check_char("11010519491231002") == "X"


@pytest.mark.parametrize(
    "value,ok", [("13800138000", True), ("12800138000", False), ("1380013800", False)]
)
def test_mobile_numbers(value, ok):
    assert identifiers.is_mobile(value) is ok


# --- one normalisation (issue 17) ---------------------------------------------------------------
@pytest.mark.parametrize(
    "typed",
    [
        "９１１１０１０８５５１３８５０８２Ｑ",  # full width, as an input method in 全角 types it
        "91110108551385082q",
        " 9111 0108 5513 8508 2Q ",
        "911101-085513-85082Q",
        "９１１１０１０８５５１３８５０８２ｑ",
    ],
)
def test_uscc_in_any_spelling_normalises_to_the_one_stored_form(typed):
    assert identifiers.clean_uscc(typed) == "91110108551385082Q"
    assert identifiers.is_valid_uscc(typed)


@pytest.mark.parametrize(
    "typed",
    ["１１０１０５１９４９１２３１００２Ｘ", "11010519491231002x", "110105 19491231 002X"],
)
def test_id_number_in_any_spelling_normalises_to_the_one_stored_form(typed):
    assert identifiers.clean_id_number(typed) == "11010519491231002X"


@pytest.mark.parametrize(
    "typed", ["１３８００１３８０００", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000"]
)
def test_mobile_in_any_spelling_normalises_to_eleven_digits(typed):
    assert identifiers.clean_mobile(typed) == "13800138000"
    assert identifiers.is_mobile(typed)


def test_digits_of_other_scripts_are_not_taken_for_ascii_digits():
    # \d matches Arabic-Indic digits; NFKC leaves them, so they must fail, not be stored
    assert not identifiers.is_valid_id_number("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X")


@pytest.mark.parametrize(
    "require,value,code,reason",
    [
        (identifiers.require_uscc, "123", "USCC_INVALID", "uscc_length"),
        (identifiers.require_uscc, "91110108551385082R", "USCC_INVALID", "uscc_check"),
        (identifiers.require_id_number, "123", "ID_NUMBER_INVALID", "id_format"),
        (identifiers.require_mobile, "12345", "MOBILE_INVALID", "mobile"),
    ],
)
def test_services_get_a_stable_code_and_the_reason(require, value, code, reason):
    from yingshang.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        require(value, field="who")
    assert err.value.code == code and err.value.status == 400
    assert err.value.details == {"field": "who", "reason": reason}


def test_form_field_cleans_to_the_normalised_code_and_shows_the_message():
    from django import forms

    class F(forms.Form):
        uscc = identifiers.USCCField()

    assert F({"uscc": "９１１１０１０８５５１３８５０８２ｑ"}).is_valid()
    bad = F({"uscc": "91110108551385082R"})
    assert not bad.is_valid() and "统一社会信用代码校验位不正确" in bad.errors["uscc"][0]
