"""Every change to 清欠 records, one service per move, each with its audit event:

- records: arrears_create (portal report, 清欠办 registration), arrears_from_workorder (a 12345
  work order), arrears_verify, arrears_reject, arrears_void, arrears_attach, debtor_ensure
- payments: arrears_pay, arrears_void_payment, arrears_plan, arrears_settle_dispute
- imports: ledger_preview, ledger_apply (the county's Excel 清欠台账)
"""

from yingshang.arrears.services.payments import (
    arrears_pay,
    arrears_plan,
    arrears_settle_dispute,
    arrears_void_payment,
)
from yingshang.arrears.services.records import (
    arrears_attach,
    arrears_create,
    arrears_from_workorder,
    arrears_reject,
    arrears_verify,
    arrears_void,
    creditor_for,
    debtor_ensure,
)

__all__ = [
    "arrears_attach",
    "arrears_create",
    "arrears_from_workorder",
    "arrears_pay",
    "arrears_plan",
    "arrears_reject",
    "arrears_settle_dispute",
    "arrears_verify",
    "arrears_void",
    "arrears_void_payment",
    "creditor_for",
    "debtor_ensure",
]
