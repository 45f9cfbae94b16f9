"""国民经济行业分类 (GB/T 4754-2017): the 20 sections (门类) A–T, for display and selection.

A firm's `industry_code` is a section letter alone (C) or with its division (大类, two digits:
C13), group (中类, three: C131) or class (小类, four: C1311). Only the section is checked against
the table here; the digits are checked for their form."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from yingshang.org.identifiers import normalize

SECTIONS: dict[str, str] = {
    "A": _("农、林、牧、渔业"),
    "B": _("采矿业"),
    "C": _("制造业"),
    "D": _("电力、热力、燃气及水生产和供应业"),
    "E": _("建筑业"),
    "F": _("批发和零售业"),
    "G": _("交通运输、仓储和邮政业"),
    "H": _("住宿和餐饮业"),
    "I": _("信息传输、软件和信息技术服务业"),
    "J": _("金融业"),
    "K": _("房地产业"),
    "L": _("租赁和商务服务业"),
    "M": _("科学研究和技术服务业"),
    "N": _("水利、环境和公共设施管理业"),
    "O": _("居民服务、修理和其他服务业"),
    "P": _("教育"),
    "Q": _("卫生和社会工作"),
    "R": _("文化、体育和娱乐业"),
    "S": _("公共管理、社会保障和社会组织"),
    "T": _("国际组织"),
}
_CODE_RE = re.compile(r"^[A-Z]([0-9]{2}([0-9]{1,2})?)?$")


def choices() -> list[tuple[str, str]]:
    return [(letter, f"{letter} {name}") for letter, name in SECTIONS.items()]


def section_name(code: str | None) -> str:
    code = normalize(code)
    return str(SECTIONS.get(code[:1], "")) if code else ""


def clean_industry_code(value: str | None) -> str:
    """The normalised code ("" when empty), or ValidationError industry_section/industry_format."""
    code = normalize(value)
    if not code:
        return ""
    if code[0] not in SECTIONS:
        raise ValidationError(
            _("行业代码的门类字母应为 A 至 T（国民经济行业分类），“%(letter)s”不是门类"),
            code="industry_section",
            params={"letter": code[0]},
        )
    if not _CODE_RE.match(code):
        raise ValidationError(
            _("行业代码应为门类字母加2至4位数字，如 C、C13、C131、F5211"),
            code="industry_format",
        )
    return code


def validate_industry_code(value: str | None) -> None:
    clean_industry_code(value)
