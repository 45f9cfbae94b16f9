"""The rules of 《保障中小企业款项支付条例》 (国务院令第728号, revised by 第802号, in force
2025-06-01; cn_rules.md §10) the ledger applies: the payment deadline, the banned "背靠背"
clauses and overdue interest. One function per rule, each citing its article."""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from yingshang.arrears.models import PUBLIC_KINDS
from yingshang.workcal import calendar

PUBLIC_DAYS = 30  # Art. 9: 机关、事业单位 within 30 days of delivery
PUBLIC_MAX_DAYS = 60  # Art. 9: a contract may agree otherwise, never more than 60 days
LARGE_DAYS = 60  # Art. 9: 大型企业 within 60 days


@dataclass(frozen=True)
class DueDate:
    due_on: dt.date
    days: int  # the payment period applied, in natural days
    rule: str  # the rule cited, shown beside the date
    warnings: list[str] = field(default_factory=list)


def due_date(
    *, debtor_kind: str, accepted_on: dt.date, contract_days: int | None = None
) -> DueDate:
    """When the debtor must have paid: from the delivery (or, where the contract provides for
    acceptance, the acceptance) date, 30 days for 机关/事业单位 (a contract may agree up to 60,
    never more) and 60 days for 大型企业 (a contract may agree otherwise, on reasonable terms).
    A period ending on a rest day or holiday ends on the next working day of the county's
    calendar (民法典第二百零三条)."""
    warnings: list[str] = []
    if debtor_kind in PUBLIC_KINDS:
        days = PUBLIC_DAYS if contract_days is None else min(contract_days, PUBLIC_MAX_DAYS)
        rule = _("《保障中小企业款项支付条例》第九条：机关、事业单位自交付（验收）之日起30日内支付")
        if contract_days is not None:
            rule = _(
                "《保障中小企业款项支付条例》第九条：机关、事业单位按合同约定期限支付，最长不超过60日"
            )
            if contract_days > PUBLIC_MAX_DAYS:
                warnings.append(
                    _("合同约定付款期限%(n)s日超过60日上限，按60日计") % {"n": contract_days}
                )
    else:
        days = LARGE_DAYS if contract_days is None else contract_days
        rule = _("《保障中小企业款项支付条例》第九条：大型企业自交付（验收）之日起60日内支付")
        if contract_days is not None:
            rule = _(
                "《保障中小企业款项支付条例》第九条：大型企业按合同约定期限支付（须符合行业规范、交易习惯）"
            )
            if contract_days > LARGE_DAYS:
                warnings.append(
                    _("合同约定付款期限%(n)s日超过60日，请核查是否符合行业规范和交易习惯")
                    % {"n": contract_days}
                )
    due = accepted_on + dt.timedelta(days=days)
    if not calendar.is_workday(due):
        while not calendar.is_workday(due):
            due += dt.timedelta(days=1)
        rule = _("%(rule)s；期限末日为休息日或法定节假日的，顺延至其后第一个工作日") % {
            "rule": rule
        }
    return DueDate(due_on=due, days=days, rule=rule, warnings=warnings)


# "背靠背": payment made to depend on the debtor receiving a third party's payment, or paid in
# proportion to it (the regulation bans such terms).
_BACK_TO_BACK = [
    re.compile(p)
    for p in (
        r"背靠背",
        r"(收到|取得|获得|待|等)[^。；;，,]{0,20}(拨付|拨款|付款|支付|资金|款项|回款|结算款)[^。；;，,]{0,6}(后|之后|以后)",
        r"以[^。；;，,]{0,20}(资金|款项|拨款|拨付|回款)[^。；;，,]{0,6}(到位|到账|拨付)[^。；;，,]{0,4}(为前提|为条件|为准)",
        r"(按|根据|依据)[^。；;，,]{0,15}(拨付|到位|支付|回款)[^。；;，,]{0,6}(比例|进度)[^。；;，,]{0,6}(支付|付款)",
        r"(资金|款项|财政资金|上级资金)[^。；;，,]{0,6}(到位|到账|拨付)(后|之后|以后)",
    )
]


def back_to_back_clause(terms: str) -> str:
    """The part of the payment terms that makes payment depend on a third party's payment
    ("" when none is found)."""
    text = (terms or "").strip()
    for pattern in _BACK_TO_BACK:
        match = pattern.search(text)
        if match:
            return match.group(0)[:200]
    return ""


def interest_rate(arrears) -> Decimal | None:
    """The daily overdue-interest rate for this record: the contract's, else the county's
    setting ARREARS_INTEREST_DAILY_RATE (default None: interest is not computed; 728号 set
    0.05%/day where nothing was agreed — set "0.0005" to apply it)."""
    if arrears.interest_daily_rate is not None:
        return arrears.interest_daily_rate
    configured = getattr(settings, "ARREARS_INTEREST_DAILY_RATE", None)
    return Decimal(str(configured)) if configured not in (None, "") else None


def overdue_interest(arrears, payments, *, on: dt.date) -> Decimal | None:
    """Interest on the undisputed part left unpaid after the due date, up to `on`: each day
    past the due date, the amount still unpaid that day × the daily rate. None when no rate is
    configured."""
    rate = interest_rate(arrears)
    if rate is None:
        return None
    outstanding = arrears.undisputed_amount or arrears.amount
    day = arrears.due_on
    total = Decimal("0")
    for p in sorted(payments, key=lambda p: p.paid_on):
        if p.paid_on > day:
            end = min(p.paid_on, on)
            if end > day:
                total += outstanding * rate * (end - day).days
                day = end
        outstanding -= p.amount
        if day >= on or outstanding <= 0:
            break
    if on > day and outstanding > 0:
        total += outstanding * rate * (on - day).days
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
