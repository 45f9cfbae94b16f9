"""The registers part of the inspections API (一单两库一细则 and the county's rules), mounted
on inspections.api.router."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from yingshang import inputs
from yingshang.apiaccess.idempotency import idempotent
from yingshang.errors import InvalidInput
from yingshang.inspections import services
from yingshang.inspections.models import Inspector, Matter, RuleDoc
from yingshang.org import scope
from yingshang.org.models import Unit

router = Router(tags=["inspections"])


def unit_or_400(user, pk: int) -> Unit:
    unit = scope.visible_to(user, Unit).filter(pk=pk).first()
    if unit is None:
        raise InvalidInput(
            "INSPECTIONS_UNIT_UNKNOWN", _("单位不存在"), details={"field": "unit_id"}
        )
    return unit


_unit = unit_or_400


# --- rules and registers ----------------------------------------------------------------------
class ConfigOut(Schema):
    min_ratio_bp: int
    quiet_from: int
    quiet_to: int
    exception_lead_days: int
    publish_days: int


class ConfigIn(Schema):
    min_ratio_bp: int = Field(500, ge=1, le=10000)
    quiet_from: int = Field(1, ge=1, le=31)
    quiet_to: int = Field(20, ge=1, le=31)
    exception_lead_days: int = Field(3, ge=0, le=30)
    publish_days: int = Field(20, ge=1, le=60)


@router.get(
    "/config", response=ConfigOut, auth=None, summary="抽查规则（最低比例、宁静日、时限，公开）"
)
def config_get(request):
    return services.config()


@router.put("/config", response=ConfigOut, summary="修改抽查规则")
def config_put(request, payload: ConfigIn):
    return services.config_save(actor=request.auth, **payload.dict())


class MatterOut(Schema):
    id: int
    unit_id: int
    code: str
    name: str
    legal_basis: str
    checklist: list[str]
    active: bool


class MatterIn(Schema):
    unit_id: inputs.DbId
    code: inputs.Text[40]
    name: inputs.Text[120]
    legal_basis: inputs.Text[2000]
    checklist: list[inputs.Text[200]]


@router.get("/matters", response=list[MatterOut], summary="抽查事项清单")
def matters_list(request):
    return scope.visible_to(request.auth, Matter).order_by("unit_id", "code")


@router.post("/matters", response={201: MatterOut}, summary="新增抽查事项")
def matters_add(request, payload: MatterIn):
    return idempotent(
        request,
        "inspections.matter_add",
        payload,
        lambda: (
            201,
            services.matter_add(
                actor=request.auth,
                unit=_unit(request.auth, payload.unit_id),
                code=payload.code,
                name=payload.name,
                legal_basis=payload.legal_basis,
                checklist=payload.checklist,
            ),
        ),
    )


class InspectorOut(Schema):
    id: int
    unit_id: int
    code: str
    name: str
    region_code: str
    qualifications: str
    active: bool
    conflicts: int


class InspectorIn(Schema):
    unit_id: inputs.DbId
    code: inputs.Text[40]
    name: inputs.Text[40]
    region_code: inputs.Text[12] = ""
    qualifications: inputs.Text[200] = ""


class ConflictIn(Schema):
    uscc: inputs.Text[18]
    reason: inputs.Text[200]


class ReasonIn(Schema):
    reason: inputs.Text[300] = ""


def _inspector_out(i: Inspector) -> dict:
    return {
        **{
            f: getattr(i, f)
            for f in ("id", "unit_id", "code", "name", "region_code", "qualifications", "active")
        },
        "conflicts": i.conflicts.filter(active=True).count(),
    }


def _inspector(request, pk: int) -> Inspector:
    return scope.get_for(request.auth, Inspector, pk)


@router.get("/inspectors", response=list[InspectorOut], summary="执法检查人员名录库")
def inspectors_list(request, unit_id: int | None = None):
    qs = scope.visible_to(request.auth, Inspector)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return [_inspector_out(i) for i in qs.order_by("code")[:2000]]


@router.post("/inspectors", response={201: InspectorOut}, summary="执法人员入库")
def inspectors_add(request, payload: InspectorIn):
    def make():
        data = payload.dict()
        return 201, _inspector_out(
            services.inspector_add(
                actor=request.auth, unit=_unit(request.auth, data.pop("unit_id")), **data
            )
        )

    return idempotent(request, "inspections.inspector_add", payload, make)


@router.post(
    "/inspectors/{pk}/conflicts", response={201: InspectorOut}, summary="申报利益冲突（回避）"
)
def inspectors_conflict(request, pk: int, payload: ConflictIn):
    from yingshang.enterprises.selectors import firm_by_uscc

    inspector = _inspector(request, pk)
    firm = firm_by_uscc(payload.uscc)
    if firm is None:
        raise InvalidInput(
            "INSPECTIONS_FIRM_UNKNOWN",
            _("企业名录中没有这个统一社会信用代码"),
            details={"field": "uscc"},
        )
    services.conflict_declare(
        actor=request.auth, inspector=inspector, firm=firm, reason=payload.reason
    )
    return 201, _inspector_out(inspector)


@router.post("/inspectors/{pk}/withdraw", response=InspectorOut, summary="执法人员出库")
def inspectors_withdraw(request, pk: int, payload: ReasonIn):
    return _inspector_out(
        services.inspector_withdraw(
            actor=request.auth, inspector=_inspector(request, pk), reason=payload.reason
        )
    )


class RuleOut(Schema):
    id: int
    unit_id: int
    title: str
    body: str
    published_at: dt.datetime


class RuleIn(Schema):
    unit_id: inputs.DbId
    title: inputs.Text[120]
    body: inputs.Text[20000]


@router.get("/rules", response=list[RuleOut], auth=None, summary="抽查细则（公开）")
def rules_list(request):
    return RuleDoc.objects.order_by("-published_at")[:200]


@router.post("/rules", response={201: RuleOut}, summary="发布抽查细则")
def rules_add(request, payload: RuleIn):
    return idempotent(
        request,
        "inspections.rule_publish",
        payload,
        lambda: (
            201,
            services.rule_publish(
                actor=request.auth,
                unit=_unit(request.auth, payload.unit_id),
                title=payload.title,
                body=payload.body,
            ),
        ),
    )
