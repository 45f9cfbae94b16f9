"""Demo credit file: penalties (in and past their publicity period), praise, the dishonest list
(one entry in force, one in its objection period) and a 信用修复 application waiting for
review, made through the credit services from yingshang/demo/data/credit/records.yaml; and a
bulk generator of penalties for the 信用公示 and publicity-expiry benchmarks."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from yingshang.demo.registry import load_yaml
from yingshang.enterprises.models import Firm
from yingshang.org import identifiers
from yingshang.org.models import Unit, User

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _firm(uscc: str):
    return Firm.objects.filter(uscc=identifiers.normalize_uscc(uscc)).first()


def _pdf(name: str):
    return [SimpleUploadedFile(name, PDF, content_type="application/pdf")]


@transaction.atomic
def load_demo(ctx) -> None:
    from yingshang.credit import records, repair, services
    from yingshang.credit.models import DishonestListing, Penalty, Praise

    data = load_yaml("credit", "records.yaml")
    supervisor = User.objects.filter(username="supervisor").first()
    if supervisor is None:
        return
    units = {u.code: u for u in Unit.objects.all()}
    today = timezone.localdate()
    for row in data["firms"]:
        row = dict(row)
        code = identifiers.clean_uscc(row.pop("uscc"))
        Firm.objects.get_or_create(uscc=code, defaults=row)
    for row in data["penalties"]:
        firm = _firm(row["uscc"])
        if firm is None or Penalty.objects.filter(decision_number=row["decision_number"]).exists():
            continue
        penalty = records.penalty_record(
            actor=supervisor,
            subject_of=firm,
            unit=units[row["unit"]],
            decision_number=row["decision_number"],
            decided_on=today - dt.timedelta(days=row["days_ago"]),
            types=row["types"],
            legal_basis=row["legal_basis"],
            severity=row["severity"],
            facts=row.get("facts", ""),
            content=row.get("content", ""),
        )
        account = User.objects.filter(firm=firm, is_active=True).first()
        if row.get("repair") and account and penalty.repair_from <= today:
            repair.repair_apply(
                actor=account,
                record=penalty,
                statement=row["repair"],
                files={
                    "form": _pdf("信用修复申请表.pdf"),
                    "pledge": _pdf("信用修复承诺书.pdf"),
                    "proof": _pdf("罚款缴纳凭证.pdf"),
                },
            )
    for row in data["praises"]:
        firm = _firm(row["uscc"])
        if firm is None or Praise.objects.filter(title=row["title"], subject__firm=firm).exists():
            continue
        decided = today - dt.timedelta(days=row["days_ago"])
        records.praise_add(
            actor=supervisor,
            subject_of=firm,
            unit=units[row["unit"]],
            kind=row["kind"],
            title=row["title"],
            document_number=row.get("document_number", ""),
            decided_on=decided,
            valid_until=decided + dt.timedelta(days=row["valid_days"]),
            legal_basis=row.get("legal_basis", ""),
        )
    for row in data["listings"]:
        firm = _firm(row["uscc"])
        if firm is None or DishonestListing.objects.filter(subject__firm=firm).exists():
            continue
        if row["state"] == "listed":
            services.listing_add(
                actor=supervisor,
                subject_of=firm,
                reason=row["reason"],
                legal_basis=row["legal_basis"],
                unit=units.get(row["unit"]),
            )
        else:
            records.listing_notice(
                actor=supervisor,
                subject_of=firm,
                reason=row["reason"],
                legal_basis=row["legal_basis"],
                unit=units.get(row["unit"]),
            )


def generate(ctx, scale) -> dict:
    """Benchmark volume: `scale.n(200_000)` penalties over the demo firm subjects (a county-year
    is ≈ 200,000 records in publicity), inserted in bulk (no audit: synthetic load)."""
    n = scale.n(200_000)
    return {"penalties": bulk_penalties(n, rng=ctx.rng_for("credit"))} if n else {}


def bulk_penalties(n: int, *, rng, expired_share: float = 0.5, batch: int = 5000) -> int:
    """Insert `n` penalties; about `expired_share` of them past their maximum but still marked
    public (what the nightly job ends). Subjects: one CreditSubject per synthetic firm."""
    from yingshang.credit.models import CreditSubject, Penalty
    from yingshang.credit.publicity import add_months
    from yingshang.testing.personas import valid_uscc

    unit = Unit.objects.order_by("pk").first()
    today = timezone.localdate()
    firms = list(Firm.objects.order_by("pk")[:2000])
    if len(firms) < 50:
        made = [
            Firm(uscc=valid_uscc(f"91139999MB{i:07d}"), name=f"基准测试企业{i:05d}有限公司")
            for i in range(50 - len(firms))
        ]
        Firm.objects.bulk_create(made, ignore_conflicts=True)
        firms = list(Firm.objects.order_by("pk")[:2000])
    subjects = [CreditSubject.objects.get_or_create(firm=f)[0] for f in firms]
    base = Penalty.objects.count()
    done = 0
    while done < n:
        rows = []
        for i in range(min(batch, n - done)):
            s = subjects[rng.randrange(len(subjects))]
            expired = rng.random() < expired_share
            days = rng.randrange(1100, 2000) if expired else rng.randrange(1, 1000)
            decided = today - dt.timedelta(days=days)
            rows.append(
                Penalty(
                    subject=s,
                    subject_name=s.firm.name,
                    subject_code=s.firm.uscc,
                    decision_number=f"基准罚〔{decided.year}〕{base + done + i}号",
                    decided_on=decided,
                    types=["fine"],
                    unit=unit,
                    legal_basis="基准测试",
                    public_text="基准测试数据",
                    repair_from=add_months(decided, 3),
                    public_until=add_months(decided, 36),
                )
            )
        Penalty.objects.bulk_create(rows, batch_size=batch)
        done += len(rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE credit_penalty")
    return done
