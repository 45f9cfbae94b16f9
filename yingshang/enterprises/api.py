"""REST of the firm register under /api/v1/enterprises/: firms (list with search, detail with
the 一企一档 panels, create, update, 注销/合并), a firm's accounts (the legal representative
authorises and revokes 经办人), and the Excel import (upload → preview with row-level errors →
apply). Everything starts from enterprises.scopes; a wrong USCC is USCC_INVALID (400)."""

import datetime as dt
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from yingshang import inputs
from yingshang.apiaccess.idempotency import idempotent
from yingshang.enterprises import accounts, imports, panels, selectors, services
from yingshang.enterprises.models import Firm, FirmAccount, FirmImport
from yingshang.errors import DomainError, PermissionDeniedError
from yingshang.org import scope
from yingshang.org.roles import STAFF_ROLES

router = Router(tags=["enterprises"])

Size = Literal["large", "medium", "small", "micro", ""]


class FirmOut(Schema):
    id: int
    uscc: str
    name: str
    legal_representative: str
    firm_type: str
    size: str
    declared_size: str
    industry_code: str
    industry_section: str = Field(..., description="国民经济行业分类门类名称")
    established_on: dt.date | None
    contact_name: str
    contact_phone: str
    address: str
    region_code: str
    status: str
    status_reason: str
    merged_into_id: int | None


def firm_out(f: Firm) -> dict:
    return {
        **{k: getattr(f, k) for k in ("id", "uscc", *services.PROFILE_FIELDS)},
        "industry_section": f.industry_section,
        "status": f.status,
        "status_reason": f.status_reason,
        "merged_into_id": f.merged_into_id,
    }


class FactOut(Schema):
    label: str
    value: str
    alert: bool


class RowOut(Schema):
    label: str
    detail: str
    url: str
    alert: bool


class PanelOut(Schema):
    key: str
    title: str
    total: int
    facts: list[FactOut]
    rows: list[RowOut]
    more_url: str


class FirmDetailOut(FirmOut):
    panels: list[PanelOut]


class FirmIn(Schema):
    uscc: inputs.Text[40] = Field(..., description="统一社会信用代码（全角、小写、空格均可）")
    name: inputs.Text[120]
    legal_representative: inputs.Text[40] = ""
    firm_type: inputs.Text[40] = ""
    size: Size = ""
    declared_size: Size = ""
    industry_code: inputs.Text[8] = Field("", description="GB/T 4754：门类字母或加数字，如 C13")
    established_on: inputs.Date | None = None
    contact_name: inputs.Text[40] = ""
    contact_phone: inputs.Text[20] = ""
    address: inputs.Text[200] = ""
    region_code: inputs.Text[12] = ""


class FirmPatch(Schema):
    name: inputs.Text[120] | None = None
    legal_representative: inputs.Text[40] | None = None
    firm_type: inputs.Text[40] | None = None
    size: Size | None = None
    declared_size: Size | None = None
    industry_code: inputs.Text[8] | None = None
    established_on: inputs.Date | None = None
    contact_name: inputs.Text[40] | None = None
    contact_phone: inputs.Text[20] | None = None
    address: inputs.Text[200] | None = None
    region_code: inputs.Text[12] | None = None
    reason: inputs.Text[200] = ""


class StatusIn(Schema):
    status: Literal["active", "deregistered", "merged"]
    reason: inputs.Text[200]
    merged_into_uscc: inputs.Text[40] = Field("", description="并入企业的统一社会信用代码")


def _require_staff(user) -> None:
    if not scope.grants(user).has(*STAFF_ROLES) and user.kind != "firm":
        raise PermissionDeniedError("FIRM_FORBIDDEN", _("无权查看企业库"))


@router.get("/firms", response=list[FirmOut], summary="企业列表（按名称/统一社会信用代码搜索）")
def firm_list(
    request,
    q: inputs.Text[60] = "",
    industry: inputs.Text[8] = "",
    size: Size = "",
    status: Literal["active", "deregistered", "merged", ""] = "",
    limit: inputs.Limit = 50,
    offset: inputs.Offset = 0,
) -> list[dict]:
    _require_staff(request.user)
    qs = selectors.firms_for(request.user, q=q, industry=industry, size=size, status=status)
    return [firm_out(f) for f in qs[offset : offset + limit]]


@router.get("/firms/{firm_id}", response=FirmDetailOut, summary="一企一档：企业信息与各模块记录")
def firm_detail(request, firm_id: int):
    firm = scope.get_for(request.user, Firm, firm_id)
    public = request.user.kind == "firm"
    built = panels.panels_for(firm, request.user, public=public)
    return {
        **firm_out(firm),
        "panels": [
            {
                "key": p.key,
                "title": str(p.title),
                "total": p.total,
                "facts": [
                    {"label": str(f.label), "value": f.value, "alert": f.alert} for f in p.facts
                ],
                "rows": [
                    {"label": r.label, "detail": r.detail, "url": r.url, "alert": r.alert}
                    for r in p.rows
                ],
                "more_url": p.more_url,
            }
            for p in built
        ],
    }


@router.post("/firms", response={201: FirmOut}, summary="登记企业")
def firm_create(request, payload: FirmIn):
    def create():
        data = payload.dict()
        firm = services.firm_create(actor=request.user, uscc=data.pop("uscc"), **data)
        return Status(201, firm_out(firm))

    services.require_editor(request.user)
    return idempotent(request, "enterprises.firm_create", payload, create)


@router.patch(
    "/firms/{firm_id}", response=FirmOut, summary="修改企业信息（统一社会信用代码不可改）"
)
def firm_update(request, firm_id: int, payload: FirmPatch):
    firm = scope.get_for(request.user, Firm, firm_id)
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", "")
    firm = services.firm_update(actor=request.user, firm=firm, reason=reason, **data)
    return firm_out(firm)


@router.post("/firms/{firm_id}/status", response=FirmOut, summary="标记注销/合并（不删除）")
def firm_status(request, firm_id: int, payload: StatusIn):
    firm = scope.get_for(request.user, Firm, firm_id)
    target = None
    if payload.merged_into_uscc:
        target = selectors.firm_by_uscc(payload.merged_into_uscc, field="merged_into_uscc")
        if target is None:
            raise DomainError(
                "FIRM_NOT_FOUND",
                _("未找到该统一社会信用代码对应的企业"),
                details={"field": "merged_into_uscc"},
                status=404,
            )
    firm = services.firm_set_status(
        actor=request.user,
        firm=firm,
        status=payload.status,
        reason=payload.reason,
        merged_into=target,
    )
    return firm_out(firm)


# --- accounts ---------------------------------------------------------------------------------
class AccountOut(Schema):
    id: int
    user_id: int
    name: str
    mobile: str
    role: str
    scope_note: str
    authorised_at: dt.datetime
    revoked_at: dt.datetime | None
    revoke_reason: str


def account_out(a: FirmAccount) -> dict:
    return {
        "id": a.pk,
        "user_id": a.user_id,
        "name": a.user.display_name,
        "mobile": a.user.mobile or "",
        "role": a.role,
        "scope_note": a.scope_note,
        "authorised_at": a.authorised_at,
        "revoked_at": a.revoked_at,
        "revoke_reason": a.revoke_reason,
    }


@router.get("/firms/{firm_id}/accounts", response=list[AccountOut], summary="企业账号及授权")
def account_list(request, firm_id: int) -> list[dict]:
    firm = scope.get_for(request.user, Firm, firm_id)
    if not (
        services.can_edit(request.user)
        or (request.user.firm_id == firm.pk and accounts.is_legal_rep(request.user))
    ):
        raise PermissionDeniedError(
            "FIRM_ACCOUNT_FORBIDDEN", _("只有本企业法定代表人和营商办可以查看企业账号")
        )
    return [account_out(a) for a in accounts.accounts_of(firm)]


class AgentIn(Schema):
    real_name: inputs.Text[40]
    mobile: inputs.Text[20] = Field(..., description="经办人手机号码（用于登录）")
    password: inputs.Text[128]
    id_number: inputs.Text[24] = ""
    scope_note: inputs.Text[200] = ""


class ReasonIn(Schema):
    reason: inputs.Text[200]


@router.post("/agents", response={201: AccountOut}, summary="法定代表人授权经办人")
def agent_authorise(request, payload: AgentIn):
    def create():
        account = accounts.agent_authorise(actor=request.user, **payload.dict())
        return Status(201, account_out(account))

    return idempotent(request, "enterprises.agent_authorise", payload, create)


@router.post("/agents/{account_id}/revoke", response=AccountOut, summary="撤销经办人授权")
def agent_revoke(request, account_id: int, payload: ReasonIn):
    account = scope.get_for(request.user, FirmAccount, account_id)
    account = accounts.agent_revoke(actor=request.user, account=account, reason=payload.reason)
    return account_out(account)


class LegalRepIn(Schema):
    account_id: int | None = Field(None, description="本企业已有的有效账号；不填则新开账号")
    real_name: inputs.Text[40] = ""
    mobile: inputs.Text[20] = ""
    password: inputs.Text[128] = ""
    reason: inputs.Text[200]
    revoke_previous: bool = Field(False, description="同时撤销原法定代表人的账号")


@router.post(
    "/firms/{firm_id}/legal-rep",
    response=AccountOut,
    summary="变更法定代表人账号（营商办）",
)
def legal_rep_transfer(request, firm_id: int, payload: LegalRepIn):
    firm = scope.get_for(request.user, Firm, firm_id)
    account = accounts.legal_rep_change(actor=request.user, firm=firm, **payload.dict())
    return account_out(account)


# --- import -----------------------------------------------------------------------------------
class ImportErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    id: int
    file_name: str
    status: str
    total: int
    errors: list[ImportErrorOut]
    created_count: int
    updated_count: int


def import_out(job: FirmImport) -> dict:
    return {
        "id": job.pk,
        "file_name": job.file_name,
        "status": job.status,
        "total": job.total,
        "errors": job.errors,
        "created_count": job.created_count,
        "updated_count": job.updated_count,
    }


@router.post("/imports", response={201: ImportOut}, summary="上传企业名录（预览并逐行校验）")
def import_upload(request, file: File[UploadedFile]):
    job = imports.preview(actor=request.user, file=file, file_name=file.name or "")
    return Status(201, import_out(job))


@router.get("/imports/{import_id}", response=ImportOut, summary="导入预览结果")
def import_get(request, import_id: int):
    return import_out(scope.get_for(request.user, FirmImport, import_id))


@router.post(
    "/imports/{import_id}/apply", response=ImportOut, summary="确认导入（有错误行则全部不导入）"
)
def import_apply(request, import_id: int):
    job = scope.get_for(request.user, FirmImport, import_id)
    return import_out(imports.apply(actor=request.user, job=job))
