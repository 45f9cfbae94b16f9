"""Masking of personal data, with the conventions of DESIGN.md §1 and cn_rules.md §12:
mobile 138****5678, ID number 110105********1234 (first 6 + last 4), name 张*,
address without street and house number. Used by templates, exports, the API and logs."""

import re

MASK = "*"


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = value.strip()
    if len(digits) >= 11:
        return digits[:3] + MASK * (len(digits) - 7) + digits[-4:]
    if len(digits) > 4:
        return MASK * (len(digits) - 4) + digits[-4:]
    return MASK * len(digits)


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    code = value.strip()
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
