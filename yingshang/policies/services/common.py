"""Input checks shared by the policy services: each names the field it refuses."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from yingshang.errors import InvalidInput
from yingshang.knowledge import text as ktext
from yingshang.org.models import Unit

# what the fields are called in messages (the form labels)
LABELS = {
    "title": "政策名称",
    "issuer": "发文机关",
    "document_number": "文号",
    "issued_on": "发布日期",
    "effective_on": "施行日期",
    "expires_on": "有效期至",
    "applies_from": "申报开始",
    "applies_until": "申报截止",
    "summary": "政策摘要",
    "interpretation": "政策解读",
    "owner_unit": "责任单位",
    "tags": "标签",
    "reason": "原因",
    "code": "条款编号",
    "rule": "申报条件",
    "amount": "金额",
    "rate": "比例",
    "cap": "单户上限",
    "budget": "预算",
    "opens_on": "申报开始",
    "closes_on": "申报截止",
    "review_unit": "审核单位",
    "basis": "申报基数",
    "voucher": "凭证号",
    "paid_on": "拨付日期",
    "conclusion": "梳理结论",
}


def label(field: str) -> str:
    return _(LABELS.get(field, field))


def bad(code: str, field: str, message: str, **details) -> InvalidInput:
    return InvalidInput(code, message, details={"field": field, **details})


def text(value, field: str, *, required: bool = True, max_length: int = 200) -> str:
    value = (value or "").strip()
    if required and not value:
        return _raise(bad("POLICY_FIELD_REQUIRED", field, _("请填写%(f)s") % {"f": label(field)}))
    if len(value) > max_length:
        _raise(
            bad(
                "POLICY_FIELD_TOO_LONG",
                field,
                _("%(f)s不能超过 %(n)s 个字") % {"f": label(field), "n": max_length},
            )
        )
    return value


def date(value, field: str, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            _raise(bad("POLICY_FIELD_REQUIRED", field, _("请填写%(f)s") % {"f": label(field)}))
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        _raise(
            bad(
                "POLICY_DATE_INVALID",
                field,
                _("%(f)s应为日期，如 2026-03-01") % {"f": label(field)},
            )
        )
    return None


def money(value, field: str, *, required: bool = True, positive: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            _raise(bad("POLICY_FIELD_REQUIRED", field, _("请填写%(f)s") % {"f": label(field)}))
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0 or (positive and number == 0):
        _raise(
            bad(
                "POLICY_AMOUNT_INVALID",
                field,
                _("%(f)s应为大于零的金额（元）") % {"f": label(field)},
            )
        )
    if number >= Decimal("1e14"):
        _raise(bad("POLICY_AMOUNT_INVALID", field, _("%(f)s过大") % {"f": label(field)}))
    return number.quantize(Decimal("0.01")) if field != "rate" else number


def order(first, last, first_field: str, last_field: str) -> None:
    if first is not None and last is not None and last < first:
        _raise(
            bad(
                "POLICY_DATES_OUT_OF_ORDER",
                last_field,
                _("%(b)s不能早于%(a)s") % {"a": label(first_field), "b": label(last_field)},
            )
        )


def db_id(value) -> int | None:
    """A row id typed by someone (a form field, a query parameter): an int that fits the
    database's 64 bits, or None — never sent to the database otherwise."""
    value = getattr(value, "pk", value)
    text_value = str(value if value is not None else "").strip()
    if not text_value.isdigit() or len(text_value) > 18:
        return None
    return int(text_value)


def unit(value, field: str) -> Unit:
    pk = db_id(value)
    found = Unit.objects.filter(pk=pk, is_active=True).first() if pk is not None else None
    if found is None:
        _raise(bad("POLICY_UNIT_UNKNOWN", field, _("请选择%(f)s") % {"f": label(field)}))
    return found  # type: ignore[return-value]


def search_tokens(*parts: str) -> str:
    words: set[str] = set()
    for part in parts:
        words.update(ktext.search_tokens(part or ""))
    return " " + " ".join(sorted(words)) + " " if words else ""


def _raise(error: InvalidInput):
    raise error
