"""Demo policy calendar and delivery (yingshang/demo/data/policies/policies.yaml): the county's
"黄金十条" with ten items, upper-level policies, firms with accounts and subscriptions, and
applications in every state, all made through the policies services. Idempotent: nothing is
loaded twice (the "黄金十条" marks it)."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from yingshang import workflow
from yingshang.demo.loaders.org import DEMO_PASSWORD
from yingshang.demo.loaders.supervision import png
from yingshang.demo.registry import load_yaml
from yingshang.enterprises.models import Firm
from yingshang.org.identifiers import uscc_check_char
from yingshang.org.models import Unit, User
from yingshang.org.roles import Role
from yingshang.org.staff import staff_of
from yingshang.policies import services
from yingshang.policies.fixed_tags import ensure_tags
from yingshang.policies.models import Policy, PolicyItem
from yingshang.policies.services import entitled
from yingshang.workcal import periods

DATA = load_yaml("policies", "policies.yaml")


def _day(today: dt.date, offset) -> dt.date | None:
    return None if offset is None else today + dt.timedelta(days=int(offset))


def _staff(unit_code: str):
    unit = Unit.objects.get(code=unit_code)
    person = staff_of(unit, (Role.DEPT_HANDLER, Role.DEPT_HEAD)).first()
    return person or workflow.SYSTEM


def _firms(today: dt.date) -> dict[str, Firm]:
    from yingshang.credit.services import listing_add

    office = User.objects.filter(username="supervisor").first()
    by_name = {}
    for entry in DATA["firms"]:
        body = entry["body"]
        established = (
            _day(today, entry["established_days"])
            if "established_days" in entry
            else dt.date.fromisoformat(str(entry["established"]))
        )
        firm, _created = Firm.objects.get_or_create(
            uscc=body + uscc_check_char(body),
            defaults={
                "name": entry["name"],
                "size": entry["size"],
                "declared_size": entry["size"],
                "industry_code": entry["industry_code"],
                "established_on": established,
                "region_code": entry["region_code"],
                "contact_phone": entry.get("mobile", ""),
            },
        )
        by_name[firm.name] = firm
        if entry.get("account") and not User.objects.filter(username=entry["account"]).exists():
            User.objects.create_user(
                entry["account"],
                password=DEMO_PASSWORD,
                kind=User.Kind.FIRM,
                firm=firm,
                real_name=firm.name,
                mobile=entry.get("mobile"),
            )
        if entry.get("dishonest") and office is not None:
            listing_add(actor=office, subject_of=firm, reason=entry["dishonest"])
    return by_name


def _policies(today: dt.date) -> dict[str, Policy]:
    office = User.objects.get(username="supervisor")
    made = {}
    for entry in DATA["policies"]:
        owner = Unit.objects.get(code=entry["owner_unit"])
        policy = services.policy_create(
            actor=office,
            owner_unit=owner.pk,
            tags=entry.get("tags") or [],
            title=entry["title"],
            issuer=entry["issuer"],
            document_number=entry.get("document_number", ""),
            level=entry.get("level", "county"),
            issued_on=_day(today, entry["issued"]),
            effective_on=_day(today, entry["effective"]),
            expires_on=_day(today, entry.get("expires")),
            applies_from=_day(today, entry.get("applies_from")),
            applies_until=_day(today, entry.get("applies_until")),
            summary=entry["summary"],
            interpretation=entry.get("interpretation", ""),
        )
        if not entry.get("draft"):
            policy = services.policy_publish(actor=office, policy=policy)
        for n, item in enumerate(entry.get("items") or []):
            unit = Unit.objects.get(code=item["review_unit"])
            services.item_create(
                actor=_staff(entry["owner_unit"]),
                policy=policy,
                code=item["code"],
                title=item["title"],
                description=item.get("description", ""),
                rule=item.get("rule", ""),
                amount=item.get("amount"),
                rate=item.get("rate"),
                cap=item.get("cap"),
                basis_label=item.get("basis_label", ""),
                budget=item["budget"],
                opens_on=_day(today, item["opens"]),
                closes_on=_day(today, item["closes"]),
                review_unit=unit.pk,
                materials=item.get("materials") or [],
                proactive=bool(item.get("proactive")),
                sort_order=n,
            )
        made[entry["key"]] = policy
    return made


def _scan(name: str):
    return SimpleUploadedFile(f"{name}.png", png(), content_type="image/png")


def _applications(policies: dict[str, Policy]) -> None:
    for entry in DATA["applications"]:
        user = User.objects.get(username=entry["account"])
        item = PolicyItem.objects.get(policy=policies[entry["policy"]], code=entry["item"])
        files = {f"material_{n}": [_scan(name)] for n, name in enumerate(item.materials)}
        app = services.application_submit(
            actor=user, item=item, basis=entry.get("basis"), files=files
        )
        reviewer = _staff(item.review_unit.code)
        state = entry["state"]
        if state == "returned":
            services.application_return(actor=reviewer, application=app, reason=entry["reason"])
        elif state == "refused":
            services.application_refuse(actor=reviewer, application=app, reason=entry["reason"])
        elif state in ("approved", "paid"):
            app = services.application_approve(actor=reviewer, application=app)
            if state == "paid":
                services.application_pay(actor=reviewer, application=app, voucher=entry["voucher"])


def _grants(policies: dict[str, Policy], firms: dict[str, Firm]) -> None:
    for entry in DATA["grants"]:
        item = PolicyItem.objects.get(policy=policies[entry["policy"]], code=entry["item"])
        reviewer = _staff(item.review_unit.code)
        app = entitled.grant(
            actor=reviewer, item=item, firm_id=firms[entry["firm"]].pk, reason="免申即享核定"
        )
        if entry.get("paid"):
            services.application_pay(actor=reviewer, application=app, voucher=entry["voucher"])


def load_demo(ctx) -> None:
    if not User.objects.filter(username="supervisor").exists():
        return
    if Policy.objects.filter(document_number="示政〔2026〕3号").exists():
        return
    ensure_tags()
    today = periods.today()
    firms = _firms(today)
    policies = _policies(today)
    for entry in DATA["subscriptions"]:
        user = User.objects.filter(username=entry["account"]).first()
        if user is not None:
            services.subscription_set(
                actor=user,
                tags=entry["tags"],
                by_sms=bool(entry.get("by_sms")),
                by_email=bool(entry.get("by_email")),
            )
    _applications(policies)
    _grants(policies, firms)
    services.reviews_open()
    ctx.log(
        f"    {len(policies)} policies, {PolicyItem.objects.count()} items, "
        f"{Decimal(0) + sum(1 for _ in DATA['applications'])} applications"
    )
