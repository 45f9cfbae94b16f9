"""Masking of personal data, with the conventions of DESIGN.md §1 and cn_rules.md §12:
mobile 138****5678, ID number 110105********1234 (first 6 + last 4), name 张*,
address without street and house number. Used by templates, exports, the API and logs.

Masking is for people, not firms: a firm's name and USCC are public (国家企业信用信息公示系统),
so `mask_party` leaves them alone.

`mask_text` is the one function for free text shown publicly (the Open311 feed, the portal's
public lists): it finds mobile, landline and ID numbers however they are written — spaces or
dashes between the groups, full-width digits, a +86 prefix, the area code in brackets — and
masks each by its rule."""

import re

from yingshang.org.identifiers import normalize, normalize_mobile

MASK = "*"


def mask_phone(value: str | None) -> str:
    """First 3 and last 4 digits of a mobile or a landline with its area code, whatever way
    it was written ("138 0013 8000", "0558-1234567", full-width digits)."""
    if not value:
        return ""
    digits = normalize_mobile(value).replace("(", "").replace(")", "").lstrip("+")
    if len(digits) >= 11:
        return digits[:3] + MASK * (len(digits) - 7) + digits[-4:]
    if len(digits) > 4:
        return MASK * (len(digits) - 4) + digits[-4:]
    return MASK * len(digits)


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    code = normalize(value)
    if len(code) <= 10:
        return MASK * len(code)
    return code[:6] + MASK * (len(code) - 10) + code[-4:]


def mask_name(value: str | None) -> str:
    if not value:
        return ""
    name = value.strip()
    if len(name) <= 1:
        return name
    if name.isascii():
        return name[0] + MASK * 3
    return name[0] + MASK * (len(name) - 1)


def mask_party(name: str | None, *, firm: bool) -> str:
    """The name of an applicant or a caller in a list: a firm's name in full (public), a
    person's masked."""
    return (name or "") if firm else mask_name(name)


# form fields (catalog FormField.field_type) that hold personal data, and how each is masked
_FIELD_MASKS = {"phone": mask_phone, "id_number": mask_id_number}
# keys of fields whose definition is no longer known (a matter version changed since)
_KEY_MASKS = (("id_number", mask_id_number), ("mobile", mask_phone), ("phone", mask_phone))


def mask_form_data(data: dict | None, fields: list[dict]) -> dict:
    """An application form as staff see it: the applicant's phone and ID number masked,
    everything else as typed."""
    types = {f["key"]: f.get("field_type") or "" for f in fields}
    shown = {}
    for key, value in (data or {}).items():
        mask = _FIELD_MASKS.get(types.get(key, ""))
        if mask is None and key not in types:
            mask = next((m for part, m in _KEY_MASKS if part in key), None)
        shown[key] = mask(str(value)) if mask is not None and value else value
    return shown


# An address is kept up to the first town/street-level word; what follows (road, number,
# building, room) is hidden.
_ADDRESS_CUT = re.compile(r"(省|市|区|县|旗|镇|乡|街道|村|社区)")


def mask_address(value: str | None) -> str:
    if not value:
        return ""
    text = value.strip()
    last = None
    for match in _ADDRESS_CUT.finditer(text):
        last = match
        if match.group(1) in ("镇", "乡", "街道"):
            break
    if last is None:
        return text[:2] + MASK * 4 if len(text) > 2 else MASK * len(text)
    kept = text[: last.end()]
    return kept + (MASK * 4 if len(text) > len(kept) else "")


# --- free text ------------------------------------------------------------------------------
# A digit in ASCII or full width; between two digits at most one separator (a space, a dash,
# a dot), with spaces around a dash allowed: "138 0013 8000", "138-0013-8000", "138 - 0013".
_D = "[0-9０-９]"
_SEP = r"(?:[ \u3000\u00a0]?[-－‐‑–—.．][ \u3000\u00a0]?|[ \u3000\u00a0])?"
_NOT_BEFORE = r"(?<![0-9０-９])"
_NOT_AFTER = r"(?![0-9０-９])"


_NO_DIGITS = str.maketrans(dict.fromkeys("0123456789０１２３４５６７８９"))


def _digits(n: int) -> str:
    return f"{_D}(?:{_SEP}{_D}){{{n - 1}}}"


# 18-character ID number (the last may be X); before the phone patterns, whose 11 digits could
# otherwise be found inside one written with spaces
_ID_IN_TEXT = re.compile(
    rf"{_NOT_BEFORE}{_digits(17)}{_SEP}[0-9０-９XxＸｘ](?![0-9０-９A-Za-zＡ-Ｚａ-ｚ])"
)
# mobile: 1[3-9] + 9 digits, optionally after +86 / 0086 / 86
_MOBILE_IN_TEXT = re.compile(
    rf"{_NOT_BEFORE}(?:(?:[+＋]|00)?(?:86|８６){_SEP})?[1１]{_SEP}[3-9３-９](?:{_SEP}{_D}){{9}}{_NOT_AFTER}"
)
# landline with its area code (0 + 2–3 digits, in brackets or not) and 7–8 digits
_LANDLINE_IN_TEXT = re.compile(
    rf"{_NOT_BEFORE}[(（]?[0０]{_D}{{2,3}}[)）]?{_SEP}{_digits(7)}(?:{_SEP}?{_D})?{_NOT_AFTER}"
)
# a local number without its area code, only where the text says it is a phone number
_LOCAL_IN_TEXT = re.compile(
    rf"(?P<lead>(?:电话|座机|手机|联系方式|联系电话|tel|Tel|TEL)[:：]?[ \u3000]*)(?P<num>{_digits(7)}(?:{_SEP}?{_D})?){_NOT_AFTER}"
)


def mask_text(text: str | None, *, names: tuple[str, ...] | list[str] = ()) -> str:
    """Free text with every phone and ID number in it masked, and the given names (the
    caller's, say) replaced by their masked form."""
    if not text:
        return ""
    # every pattern needs 7 digits or more; most texts (a pothole, a noisy shop) have fewer, and
    # the four patterns cost ~60 µs per text: the Open311 list masks 2,000 texts per response
    # (bench/analysis.md, session 9: 255 → 19x ms per response on 1,000 rows)
    if len(text) - len(text.translate(_NO_DIGITS)) >= 7:
        text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)
        text = _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
        text = _LANDLINE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
        text = _LOCAL_IN_TEXT.sub(lambda m: m.group("lead") + mask_phone(m.group("num")), text)
    for name in names:
        name = (name or "").strip()
        if len(name) >= 2 and name in text:
            text = text.replace(name, mask_name(name))
    return text
