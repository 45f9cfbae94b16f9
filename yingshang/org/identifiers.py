"""Validators for China's identifiers, kept in one place.

- 统一社会信用代码 (USCC), GB 32100-2015: 18 characters over a 31-character alphabet without
  I, O, S, V, Z; weights 3^(i-1) mod 31; check = 31 - (sum mod 31), 31 → 0.
- 公民身份号码, GB 11643-1999: ISO 7064 MOD 11-2 with weights 2^(18-i) mod 11 and the check
  table "10X98765432"; positions 7–14 are a real birth date.
See shared/reference/cn_rules.md §11.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(value: str) -> str:
    return (value or "").strip().upper()


def is_valid_uscc(value: str) -> bool:
    code = normalize_uscc(value)
    return bool(_USCC_RE.match(code)) and uscc_check_char(code[:17]) == code[17]


def validate_uscc(value: str) -> None:
    code = normalize_uscc(value)
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位"), code="uscc_length")
    if not _USCC_RE.match(code):
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）"), code="uscc_chars"
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("统一社会信用代码校验位不正确，请核对后重新输入"), code="uscc_check"
        )


def id_check_char(first17: str) -> str:
    total = sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def _birth_date(code: str) -> dt.date | None:
    try:
        return dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return None


def is_valid_id_number(value: str) -> bool:
    try:
        validate_id_number(value)
    except ValidationError:
        return False
    return True


def validate_id_number(value: str) -> None:
    code = normalize_id_number(value)
    if not _ID_RE.match(code):
        raise ValidationError(
            _("身份证号码应为18位，前17位为数字，末位为数字或X"), code="id_format"
        )
    born = _birth_date(code)
    if born is None or born.year < 1900 or born > dt.date.today():
        raise ValidationError(_("身份证号码中的出生日期无效"), code="id_birth_date")
    if id_check_char(code[:17]) != code[17]:
        raise ValidationError(_("身份证号码校验位不正确，请核对后重新输入"), code="id_check")


def validate_mobile(value: str) -> None:
    if not _MOBILE_RE.match((value or "").strip()):
        raise ValidationError(_("请输入11位手机号码"), code="mobile")


def is_mobile(value: str) -> bool:
    return bool(_MOBILE_RE.match((value or "").strip()))


def validate_region_code(value: str) -> None:
    if not (value.isdigit() and len(value) in (6, 12)):
        raise ValidationError(_("行政区划代码应为6位或12位数字"), code="region_code")
