"""清欠 demo (yingshang/demo/data/arrears/ledger.yaml): debtors of every kind and a record in
every state, made through the arrears services by the demo 清欠办 (the supervisor) and the
demo firm's account."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yingshang.arrears import services
from yingshang.arrears.models import Arrears
from yingshang.demo.registry import load_yaml
from yingshang.enterprises.models import Firm
from yingshang.org.identifiers import uscc_check_char
from yingshang.org.models import Unit, User


def _uscc(body17: str) -> str:
    return body17 + uscc_check_char(body17)


def load_demo(ctx) -> None:
    if Arrears.objects.filter(contract_number="GX-2026-011").exists():
        return
    office = User.objects.filter(username="supervisor").first()
    if office is None:
        return
    data = load_yaml("arrears", "ledger.yaml")
    units = {u.code: u for u in Unit.objects.filter(code__in=[d["unit"] for d in data["debtors"]])}
    today = timezone.localdate()
    with transaction.atomic():
        for f in data["firms"]:
            Firm.objects.get_or_create(
                uscc=_uscc(f["uscc17"]),
                defaults={"name": f["name"], "size": f["size"], "declared_size": f["size"]},
            )
        debtors = {
            d["key"]: services.debtor_ensure(
                kind=d["kind"], name=d.get("name", ""), unit=units.get(d["unit"])
            )
            for d in data["debtors"]
            if d["unit"] in units
        }
        for r in data["records"]:
            creditor = Firm.objects.filter(uscc=_uscc(r["creditor"])).first()
            debtor = debtors.get(r["debtor"])
            if creditor is None or debtor is None:
                continue
            _record(office, r, debtor, creditor, today)
    ctx.log(f"    清欠记录 {Arrears.objects.count()} 条")


def _record(office, r: dict, debtor, creditor, today: dt.date) -> None:
    account = (
        User.objects.filter(firm=creditor, is_active=True).first() if r.get("portal") else None
    )
    number, name = r["contract"]
    a = services.arrears_create(
        actor=account or office,
        source=Arrears.Source.PORTAL if account else Arrears.Source.STAFF,
        debtor=debtor,
        creditor=creditor,
        creditor_size=creditor.size or "small",
        amount=str(r["amount"]),
        accepted_on=today - dt.timedelta(days=r["accepted_days_ago"]),
        contract_number=number,
        contract_name=name,
        payment_terms=r.get("terms", ""),
        contract_days=r.get("contract_days"),
    )
    state = r["state"]
    if state in ("rejected", "voided"):
        close = services.arrears_reject if state == "rejected" else services.arrears_void
        close(actor=office, arrears=a, reason=r["reason"])
        return
    if "verify" not in r:
        return
    v = r["verify"]
    a = services.arrears_verify(
        actor=office,
        arrears=a,
        undisputed_amount=str(v["undisputed"]),
        disputed_amount=str(v.get("disputed", 0)),
        dispute_note=v.get("note", ""),
        note="与债务人财务部门核对一致",
    )
    for days, amount, note in r.get("plan", []):
        services.arrears_plan(
            actor=office,
            arrears=a,
            due_on=today + dt.timedelta(days=days),
            amount=str(amount),
            note=note,
        )
    for days, amount, voucher in r.get("payments", []):
        services.arrears_pay(
            actor=office,
            arrears=a,
            amount=str(amount),
            paid_on=today - dt.timedelta(days=days),
            voucher_number=voucher,
        )
