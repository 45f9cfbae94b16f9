import pytest

from yingshang.org import masking


@pytest.mark.parametrize("value,expected", [("13812345678", "138****5678"), ("", ""), (None, "")])
def test_phone_keeps_first_three_and_last_four(value, expected):
    assert masking.mask_phone(value) == expected


def test_landline_keeps_only_last_four_visible_in_the_middle():
    assert masking.mask_phone("0399-1234567") == "039*****4567"


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
