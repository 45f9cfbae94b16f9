"""What the arrears services share: numbers, files, money, the verification clock and the
messages to the people concerned."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from yingshang import numbering, uploads
from yingshang.arrears.models import Arrears, Attachment
from yingshang.errors import InvalidInput
from yingshang.notify.services import send_to
from yingshang.org.models import User
from yingshang.org.roles import Role
from yingshang.org.staff import staff_of
from yingshang.workcal import calendar

VERIFY = "verify"  # purpose of the verification clock


def verify_working_days() -> int:
    """Working days the 清欠办 has to verify a report with the debtor (settings
    ARREARS_VERIFY_WORKING_DAYS, default 10: the complaint-handling practice of cn_rules §10)."""
    return int(getattr(settings, "ARREARS_VERIFY_WORKING_DAYS", 10))


def next_number(at: dt.datetime) -> str:
    """QK + year + 4 digits (清欠), gap-free per year."""
    year = calendar.local_date(at).year
    return f"QK{year}-{numbering.take(f'arrears:{year}'):04d}"


def money(value, *, field: str, label: str, positive: bool = True) -> Decimal:
    """An amount in yuan with at most 2 decimals, or InvalidInput naming the field."""
    if value is None or str(value).strip() == "":
        raise InvalidInput(
            "ARREARS_AMOUNT_REQUIRED",
            _("请填写%(label)s") % {"label": label},
            details={"field": field},
        )
    try:
        amount = Decimal(str(value).replace(",", "").replace("，", "").strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            "ARREARS_AMOUNT_INVALID",
            _("%(label)s不是有效的金额") % {"label": label},
            details={"field": field},
        ) from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2 or amount >= Decimal("1e14"):
        raise InvalidInput(
            "ARREARS_AMOUNT_INVALID",
            _("%(label)s须为最多两位小数的金额") % {"label": label},
            details={"field": field},
        )
    if amount < 0 or (positive and amount == 0):
        raise InvalidInput(
            "ARREARS_AMOUNT_INVALID",
            _("%(label)s须大于零") % {"label": label},
            details={"field": field},
        )
    return amount


def save_files(arrears: Arrears, files, actor, *, kind: str, payment=None) -> list[Attachment]:
    """Check every file first (yingshang.uploads: size, content), then store them: a bad file
    stores nothing."""
    checked = [uploads.check(f, field="files", allowed=uploads.EVIDENCE) for f in files or []]
    now = timezone.now()
    saved = []
    for c in checked:
        att = Attachment(
            arrears=arrears,
            payment=payment,
            kind=kind,
            original_name=c.name,
            content_type=c.content_type,
            size=c.size,
            sha256=c.sha256,
            uploaded_by=actor or None,
            uploaded_at=now,
        )
        att.file.save(c.name, c.file, save=False)
        att.save()
        saved.append(att)
    return saved


def office_staff():
    """The 清欠办 (营商办 supervisors)."""
    return staff_of(None, roles=[Role.SUPERVISOR])


def tell_office(arrears: Arrears, subject: str, body: str) -> None:
    send_to(office_staff(), subject=subject, body=body, related=arrears)


def tell_debtor(arrears: Arrears, subject: str, body: str) -> None:
    if arrears.debtor.unit_id:
        send_to(staff_of(arrears.debtor.unit_id), subject=subject, body=body, related=arrears)


def tell_creditor(arrears: Arrears, subject: str, body: str) -> None:
    accounts = User.objects.filter(firm_id=arrears.creditor_id, is_active=True)
    send_to(accounts, subject=subject, body=body, related=arrears)
