"""China's identifiers, kept in one place: one normalisation and one validator each, used by
every form, API, service and import that takes one.

- 统一社会信用代码 (USCC), GB 32100-2015: 18 characters over a 31-character alphabet without
  I, O, S, V, Z; weights 3^(i-1) mod 31; check = 31 - (sum mod 31), 31 → 0.
- 公民身份号码, GB 11643-1999: ISO 7064 MOD 11-2 with weights 2^(18-i) mod 11 and the check
  table "10X98765432"; positions 7–14 are a real birth date.
See shared/reference/cn_rules.md §11.

People type these codes with full-width digits (an input method left in 全角), lower-case
letters, spaces between groups, or a dash in a phone number. `normalize` turns every spelling
into the one stored form (NFKC → ASCII, upper case, no spaces), so that uniqueness and lookups
work on the normalised value: the same person typed twice is the same row.

Forms use `USCCField` / `IDNumberField` / `MobileField`; services and the API call
`require_uscc` / `require_id_number` / `require_mobile`, which raise `InvalidInput` with a stable
code (`USCC_INVALID`, `ID_NUMBER_INVALID`, `MOBILE_INVALID`) and the reason in `details`.
"""

import datetime as dt
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")

_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_ID_CHECK = "10X98765432"
# [0-9], not \d: \d also matches other scripts' digits, which NFKC leaves alone
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
# what people put between the groups of a code or a phone number
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−]+")


def normalize(value: str | None) -> str:
    """The stored form of a typed identifier: NFKC (full-width → ASCII), no whitespace or
    dashes, upper case."""
    text = unicodedata.normalize("NFKC", value or "")
    return _SEPARATORS.sub("", text).upper()


def normalize_uscc(value: str | None) -> str:
    return normalize(value)


def normalize_id_number(value: str | None) -> str:
    return normalize(value)


def normalize_mobile(value: str | None) -> str:
    """11 digits; a leading +86 / 0086 country code is dropped."""
    code = normalize(value)
    for prefix in ("+86", "0086"):
        if code.startswith(prefix) and len(code) == len(prefix) + 11:
            return code[len(prefix) :]
    if code.startswith("86") and len(code) == 13:
        return code[2:]
    return code


# --- 统一社会信用代码 ----------------------------------------------------------------------------
def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def valid_uscc(body17: str) -> str:
    """A valid code from its first 17 characters (demo data, tests)."""
    return body17 + uscc_check_char(body17)


def clean_uscc(value: str | None) -> str:
    """The normalised code, or ValidationError with code uscc_length/uscc_chars/uscc_check."""
    code = normalize_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位（您输入了%(n)d位）"),
            code="uscc_length",
            params={"n": len(code)},
        )
    if not _USCC_RE.match(code):
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符（第3至8位为数字，且不使用 I、O、S、V、Z）"),
            code="uscc_chars",
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("统一社会信用代码校验位不正确，请核对后重新输入"), code="uscc_check"
        )
    return code


def validate_uscc(value: str | None) -> None:
    clean_uscc(value)


def is_valid_uscc(value: str | None) -> bool:
    try:
        clean_uscc(value)
    except ValidationError:
        return False
    return True


# --- 公民身份号码 --------------------------------------------------------------------------------
def id_check_char(first17: str) -> str:
    total = sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def valid_id_number(body17: str) -> str:
    """A valid ID number from its first 17 digits (demo data, tests)."""
    return body17 + id_check_char(body17)


def _birth_date(code: str) -> dt.date | None:
    try:
        return dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return None


def clean_id_number(value: str | None) -> str:
    """The normalised number, or ValidationError with code id_format/id_birth_date/id_check."""
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
    return code


def validate_id_number(value: str | None) -> None:
    clean_id_number(value)


def is_valid_id_number(value: str | None) -> bool:
    try:
        clean_id_number(value)
    except ValidationError:
        return False
    return True


# --- 手机号码 ------------------------------------------------------------------------------------
def clean_mobile(value: str | None) -> str:
    code = normalize_mobile(value)
    if not _MOBILE_RE.match(code):
        raise ValidationError(_("请输入11位手机号码"), code="mobile")
    return code


def validate_mobile(value: str | None) -> None:
    clean_mobile(value)


def is_mobile(value: str | None) -> bool:
    return bool(_MOBILE_RE.match(normalize_mobile(value)))


def validate_region_code(value: str) -> None:
    if not (value.isascii() and value.isdigit() and len(value) in (6, 12)):
        raise ValidationError(_("行政区划代码应为6位或12位数字"), code="region_code")


# --- for services and the API: InvalidInput with a stable code ----------------------------------
def _require(clean, value, code: str, field: str) -> str:
    from yingshang.errors import InvalidInput

    try:
        return clean(value)
    except ValidationError as exc:
        raise InvalidInput(
            code, exc.messages[0], details={"field": field, "reason": exc.code}
        ) from None


def require_uscc(value: str | None, *, field: str = "uscc") -> str:
    return _require(clean_uscc, value, "USCC_INVALID", field)


def require_id_number(value: str | None, *, field: str = "id_number") -> str:
    return _require(clean_id_number, value, "ID_NUMBER_INVALID", field)


def require_mobile(value: str | None, *, field: str = "mobile") -> str:
    return _require(clean_mobile, value, "MOBILE_INVALID", field)


# --- form fields ---------------------------------------------------------------------------------
class _IdentifierField(forms.CharField):
    """A CharField whose cleaned value is the normalised, validated identifier. The browser's
    maxlength leaves room for spaces typed between the groups."""

    clean_value = staticmethod(normalize)
    typed_length = 24

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", None)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", str(self.typed_length))
        self.widget.attrs.setdefault("autocomplete", "off")
        self.widget.attrs.setdefault("spellcheck", "false")

    def to_python(self, value):
        value = super().to_python(value)
        return self.clean_value(value) if value not in self.empty_values else value


class USCCField(_IdentifierField):
    clean_value = staticmethod(clean_uscc)


class IDNumberField(_IdentifierField):
    clean_value = staticmethod(clean_id_number)


class MobileField(_IdentifierField):
    clean_value = staticmethod(clean_mobile)
    typed_length = 20

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "tel")
        self.widget.attrs["autocomplete"] = "tel"
