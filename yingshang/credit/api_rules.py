"""REST of the credit rule tables (公示期限, 联合惩戒), a subject's current 联合惩戒 and the
public 信用公示 list (no login), under /api/v1/credit/ (mounted by credit/api.py)."""

import datetime as dt
from typing import Literal

from django.http import Http404
from ninja import Field, Router, Schema

from yingshang.credit import public, records, sanctions
from yingshang.credit.models import PublicityRule, SanctionRule
from yingshang.inputs import Content, DbId, Line, Name
from yingshang.org import scope

router = Router(tags=["credit"])


# --- rules -----------------------------------------------------------------------------------------
class PublicityRuleOut(Schema):
    code: str
    name: str
    min_months: int
    max_months: int
    legal_basis: str
    active: bool


class PublicityRuleIn(Schema):
    min_months: int = Field(..., ge=1, le=120)
    max_months: int = Field(..., ge=1, le=120)
    legal_basis: Content
    active: bool = True


def _prule(r: PublicityRule) -> dict:
    return {
        k: getattr(r, k)
        for k in ("code", "name", "min_months", "max_months", "legal_basis", "active")
    }


@router.get(
    "/rules/publicity",
    auth=None,
    response=list[PublicityRuleOut],
    summary="行政处罚公示期限规则（公开）",
)
def publicity_rules(request):
    from yingshang.credit.publicity import rules_by_code

    rules_by_code()
    return [_prule(r) for r in PublicityRule.objects.all()]


@router.put(
    "/rules/publicity/{code}", response=PublicityRuleOut, summary="修改公示期限规则（须写明依据）"
)
def publicity_rule_update(request, code: Name, payload: PublicityRuleIn):
    rule = PublicityRule.objects.filter(code=code).first()
    if rule is None:
        raise Http404
    return _prule(
        records.publicity_rule_update(
            actor=request.user,
            rule=rule,
            min_months=payload.min_months,
            max_months=payload.max_months,
            legal_basis=payload.legal_basis,
            active=payload.active,
        )
    )


class SanctionRuleOut(Schema):
    record_kind: str
    benefit: str
    active: bool
    legal_basis: str


class SanctionRuleIn(Schema):
    record_kind: Literal[
        "listing", "false_commitment", "broken_commitment", "serious_penalty", "penalty"
    ]
    benefit: Literal["deficit", "certificate", "policy_benefit", "award", "inspection_relief"]
    active: bool
    legal_basis: Content


def _srule(r: SanctionRule) -> dict:
    return {k: getattr(r, k) for k in ("record_kind", "benefit", "active", "legal_basis")}


@router.get(
    "/rules/sanctions", auth=None, response=list[SanctionRuleOut], summary="联合惩戒规则（公开）"
)
def sanction_rules(request):
    from yingshang.credit.defaults import ensure_defaults

    if not SanctionRule.objects.exists():
        ensure_defaults()
    return [_srule(r) for r in SanctionRule.objects.order_by("record_kind", "benefit")]


@router.put(
    "/rules/sanctions", response=SanctionRuleOut, summary="启用/停用一条联合惩戒规则（须写明依据）"
)
def sanction_rule_set(request, payload: SanctionRuleIn):
    return _srule(
        records.sanction_rule_set(
            actor=request.user,
            record_kind=payload.record_kind,
            benefit=payload.benefit,
            active=payload.active,
            legal_basis=payload.legal_basis,
        )
    )


class CheckOut(Schema):
    benefit: str
    blocked: bool
    records: list[str]
    message: str


@router.get(
    "/subjects/{subject_id}/sanctions", response=list[CheckOut], summary="主体当前受到的联合惩戒"
)
def subject_sanctions(request, subject_id: DbId):
    from yingshang.credit.models import CreditSubject

    subject = scope.get_for(request.user, CreditSubject, subject_id)
    out = []
    for code in sanctions.BENEFITS:
        kinds = sanctions.blocking_kinds(subject, code)
        out.append(
            {
                "benefit": code,
                "blocked": bool(kinds),
                "records": kinds,
                "message": sanctions.refusal(subject, code) or "",
            }
        )
    return out


# --- 信用公示 (public) -------------------------------------------------------------------------------
class PublicRowOut(Schema):
    pk: int
    name: str
    code: str
    number: str
    date: dt.date
    types: str
    unit: str
    basis: str
    text: str
    until: dt.date | None


class PublicPage(Schema):
    items: list[PublicRowOut]
    next: str = Field("", description="下一页的游标（after 参数）；空表示没有更多")


@router.get(
    "/public/{kind}", auth=None, response=PublicPage, summary="信用公示（公开；个人信息已脱敏）"
)
def public_list(request, kind: Literal["penalties", "listings"], q: Line = "", after: Line = ""):
    reader = public.penalties if kind == "penalties" else public.listings
    rows, more = reader(q=q, cursor=after)
    return {"items": [r.__dict__ for r in rows], "next": more}
