"""The API's input and output shapes (api.py), and how records become answers."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from yingshang import inputs
from yingshang.cases.actions import FileIn
from yingshang.org import scope
from yingshang.policies import selectors
from yingshang.policies.models import Application, Policy, PolicyItem, PolicyReview


# --- schemas -------------------------------------------------------------------------------------
class TagOut(Schema):
    kind: str
    code: str
    name: str
    key: str = Field(..., description="kind:code，用于筛选、登记与订阅")


class PolicyIn(Schema):
    title: inputs.Text[200]
    issuer: inputs.Text[100]
    document_number: inputs.Text[60] = ""
    level: inputs.Text[10] = "county"
    issued_on: inputs.Text[10]
    effective_on: inputs.Text[10]
    expires_on: inputs.Text[10] = ""
    applies_from: inputs.Text[10] = ""
    applies_until: inputs.Text[10] = ""
    summary: inputs.Text[4000]
    interpretation: inputs.Text[20000] = ""
    owner_unit: inputs.DbId
    tags: list[inputs.Text[30]] = Field(default_factory=list, max_length=60)


class PolicyOut(Schema):
    id: int
    title: str
    issuer: str
    document_number: str
    level: str
    issued_on: dt.date
    effective_on: dt.date
    expires_on: dt.date | None
    applies_from: dt.date | None
    applies_until: dt.date | None
    summary: str
    interpretation: str
    owner_unit: int
    owner_unit_name: str
    status: str
    in_force: bool
    tags: list[str]
    withdraw_reason: str
    abilities: dict[str, bool] = Field(default_factory=dict)


class ItemIn(Schema):
    code: inputs.Text[20]
    title: inputs.Text[200]
    description: inputs.Text[4000] = ""
    rule: inputs.Text[2000] = ""
    amount: inputs.Text[20] = ""
    rate: inputs.Text[20] = ""
    cap: inputs.Text[20] = ""
    basis_label: inputs.Text[60] = ""
    budget: inputs.Text[20]
    opens_on: inputs.Text[10]
    closes_on: inputs.Text[10]
    materials: list[inputs.Text[100]] = Field(default_factory=list, max_length=20)
    review_unit: inputs.DbId
    review_days: int = Field(10, ge=1, le=60)
    pay_days: int = Field(15, ge=1, le=60)
    proactive: bool = False


class FiguresOut(Schema):
    budget: Decimal
    applications: int
    pending: int
    refused: int
    entitled: int
    paid: int
    proactive: int
    approved_amount: Decimal
    paid_amount: Decimal
    delivery_rate: Decimal | None = Field(
        None, description="兑现率（%）= 已拨付 ÷ 应兑现（核定+已拨付）"
    )
    amount_rate: Decimal | None = Field(None, description="金额兑现率（%）= 已拨付金额 ÷ 核定金额")
    budget_used: Decimal | None = Field(None, description="预算执行率（%）= 已拨付金额 ÷ 预算")
    mean_days_to_payment: Decimal | None = Field(None, description="平均兑现用时（工作日）")


class ItemOut(Schema):
    id: int
    policy: int
    code: str
    title: str
    description: str
    rule: str
    amount: Decimal | None
    rate: Decimal | None
    cap: Decimal | None
    basis_label: str
    budget: Decimal
    budget_left: Decimal
    opens_on: dt.date
    closes_on: dt.date
    materials: list[str]
    review_unit: int
    review_days: int
    pay_days: int
    proactive: bool
    status: str


class ApplyIn(Schema):
    basis: inputs.Text[20] = ""
    note: inputs.Text[2000] = ""
    files: list[FileIn] = Field(
        default_factory=list,
        max_length=20,
        description="material_key 为材料在事项材料清单中的序号（0 起）",
    )


class ApplicationOut(Schema):
    id: int
    number: str
    item: int
    item_title: str
    firm_uscc: str
    firm_name: str
    channel: str
    status: str
    basis: Decimal | None
    requested: Decimal
    approved_amount: Decimal | None
    paid_amount: Decimal | None
    return_reason: str
    refuse_reason: str
    eligibility: dict
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    paid_at: dt.datetime | None
    due_at: dt.datetime | None
    clock_state: str
    days_to_payment: int | None
    abilities: dict[str, bool] = Field(default_factory=dict)


class ReviewOut(Schema):
    id: int
    policy: int
    policy_title: str
    week: dt.date
    unit: int
    status: str
    conclusion: str
    note: str
    due_at: dt.datetime | None
    clock_state: str
    on_time: bool | None


class RuleIn(Schema):
    rule: inputs.Text[2000]


class RuleOut(Schema):
    rule: str
    facts: list[str]
    firms: int = Field(..., description="今天符合条件的企业数")


class MatchOut(Schema):
    firm_id: int
    uscc: str
    name: str
    facts: dict[str, str]
    blocked: str
    granted: str


class EntitledOut(Schema):
    total: int
    rule: str
    firms: list[MatchOut]


class GrantIn(Schema):
    firm_id: inputs.DbId
    reason: inputs.Text[2000] = ""


class SubscriptionIn(Schema):
    tags: list[inputs.Text[30]] = Field(default_factory=list, max_length=60)
    by_sms: bool = False
    by_email: bool = False
    active: bool = True


class SubscriptionOut(Schema):
    tags: list[str]
    by_sms: bool
    by_email: bool
    active: bool


class DigestOut(Schema):
    week: dt.date
    policies: list[int]
    items: list[int]
    subscribers: int
    messages: int
    completed: bool


# --- helpers -------------------------------------------------------------------------------------
def _abilities(user, obj) -> dict[str, bool]:
    return {k: bool(v) for k, v in scope.abilities(user, obj).items()}


def policy_out(user, p: Policy) -> dict:
    return {
        **{
            f: getattr(p, f)
            for f in (
                "id",
                "title",
                "issuer",
                "document_number",
                "level",
                "issued_on",
                "effective_on",
                "expires_on",
                "applies_from",
                "applies_until",
                "summary",
                "interpretation",
                "status",
                "withdraw_reason",
            )
        },
        "owner_unit": p.owner_unit_id,
        "owner_unit_name": p.owner_unit.name,
        "in_force": selectors.in_force(p),
        "tags": [f"{t.kind}:{t.code}" for t in p.tags.all()],
        "abilities": _abilities(user, p),
    }


def figures_out(d: selectors.Delivery) -> dict:
    return {
        "budget": d.budget,
        "applications": d.applications,
        "pending": d.pending,
        "refused": d.refused,
        "entitled": d.entitled,
        "paid": d.paid,
        "proactive": d.proactive,
        "approved_amount": d.approved_amount,
        "paid_amount": d.paid_amount,
        "delivery_rate": d.rate,
        "amount_rate": d.amount_rate,
        "budget_used": d.budget_used,
        "mean_days_to_payment": d.mean_days,
    }


def item_out(i: PolicyItem) -> dict:
    out = {
        f: getattr(i, f)
        for f in (
            "id",
            "code",
            "title",
            "description",
            "rule",
            "amount",
            "rate",
            "cap",
            "basis_label",
            "budget",
            "opens_on",
            "closes_on",
            "materials",
            "review_days",
            "pay_days",
            "proactive",
            "status",
        )
    }
    return {
        **out,
        "policy": i.policy_id,
        "review_unit": i.review_unit_id,
        "budget_left": selectors.budget_left(i),
    }


def application_out(user, a: Application) -> dict:
    payment = getattr(a, "payment", None) if a.status == "paid" else None
    return {
        **{
            f: getattr(a, f)
            for f in (
                "id",
                "number",
                "channel",
                "status",
                "basis",
                "requested",
                "approved_amount",
                "return_reason",
                "refuse_reason",
                "eligibility",
                "submitted_at",
                "decided_at",
                "paid_at",
                "due_at",
                "clock_state",
            )
        },
        "item": a.item_id,
        "item_title": a.item.title,
        "firm_uscc": a.firm.uscc,
        "firm_name": a.firm.name,
        "paid_amount": payment.amount if payment else None,
        "days_to_payment": selectors.days_to_payment(a),
        "abilities": _abilities(user, a),
    }


def review_out(r: PolicyReview) -> dict:
    return {
        "id": r.pk,
        "policy": r.policy_id,
        "policy_title": r.policy.title,
        "week": r.week,
        "unit": r.unit_id,
        "status": r.status,
        "conclusion": r.conclusion,
        "note": r.note,
        "due_at": r.due_at,
        "clock_state": r.clock_state,
        "on_time": r.on_time,
    }
