"""Public read API of the catalogue (no login): matters, their guides, 一件事 packages with the
merged form and materials; and, for staff, localising a city matter for a county (本县承接)."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from yingshang import inputs
from yingshang.apiaccess.idempotency import idempotent
from yingshang.catalog import selectors, services
from yingshang.catalog.models import Matter, Package
from yingshang.catalog.vocab import LIFE_EVENTS, THEMES
from yingshang.errors import InvalidInput
from yingshang.org import scope, tenancy
from yingshang.org.models import Unit

router = Router(tags=["事项目录 catalog"])


class MatterSummary(Schema):
    id: int
    implementation_code: str
    base_code: str
    name: str
    unit_code: str
    unit_name: str
    matter_type: str
    handling_kind: str
    legal_limit_days: int
    promised_limit_days: int
    max_visits: int
    online: bool
    version: int
    guide_url: str


class MaterialOut(Schema):
    key: str
    name: str
    required: bool
    form: str
    copies: int
    deficit_allowed: bool
    commitment_replaces: bool
    notes: str
    template_url: str | None
    example_url: str | None


class FormFieldOut(Schema):
    key: str
    label: str
    field_type: str
    required: bool
    choices: list
    profile_source: str


class FaqOut(Schema):
    q: str
    a: str


class SpecialProcedureOut(Schema):
    name: str
    max_days: int
    counted: bool


class MatterDetail(MatterSummary):
    fee: str
    conditions: str
    legal_basis: str
    address: str
    hours: str
    phone: str
    appointment: bool
    themes: list[str]
    life_events: list[str]
    faq: list[FaqOut]
    special_procedures: list[SpecialProcedureOut]
    materials: list[MaterialOut]
    form_fields: list[FormFieldOut]


class LocaliseIn(Schema):
    """A county unit adopts a city matter; the fields given replace the city version's."""

    unit: inputs.Text[40] = Field(..., description="承接单位代号（县（区）的单位）")
    promised_limit_days: inputs.Count | None = None
    fee: inputs.Text[200] | None = None
    address: inputs.Text[200] | None = None
    hours: inputs.Text[200] | None = None
    phone: inputs.Text[60] | None = None
    note: inputs.Line = ""


class MatterPage(Schema):
    count: int
    offset: int
    limit: int
    items: list[MatterSummary]


class MatterFilters(Schema):
    q: str = Field("", max_length=100)
    county: str = Field(
        "",
        max_length=32,
        description="一个区县的代码（市级部署）：该县的事项与市级事项，市级事项已被该县承接的"
        "给出本县版本；不填为全市",
    )
    unit: str = ""
    theme: str = ""
    life_event: str = ""
    offset: int = 0
    limit: int = 50


class MergedMaterialOut(MaterialOut):
    matter_ids: list[int]
    produced_by_matter_id: int | None = Field(
        None, description="由本件内该成员事项办理产出：申请人无需提交"
    )


class MergedFieldOut(FormFieldOut):
    matter_ids: list[int]
    produced_by_matter_id: int | None = Field(
        None, description="由本件内该成员事项办理产出：申请表不再询问"
    )


class PackageSummary(Schema):
    id: int
    code: str
    name: str
    lead_unit_code: str
    lead_unit_name: str
    promised_limit_days: int
    description: str
    life_event: str
    theme: str
    matter_ids: list[int]
    guide_url: str


class PackageDetail(PackageSummary):
    matters: list[MatterSummary]
    materials: list[MergedMaterialOut]
    form_fields: list[MergedFieldOut]


def _file_url(material, kind: str) -> str | None:
    return (
        reverse("catalog:material_file", args=[material.pk, kind])
        if getattr(material, kind)
        else None
    )


def _summary(m: Matter) -> dict:
    v = m.current_version
    return {
        "id": m.pk,
        "implementation_code": m.implementation_code,
        "base_code": m.base_code,
        "name": v.name,
        "unit_code": m.unit.code,
        "unit_name": m.unit.name,
        "matter_type": v.matter_type,
        "handling_kind": v.handling_kind,
        "legal_limit_days": v.legal_limit_days,
        "promised_limit_days": v.promised_limit_days,
        "max_visits": v.max_visits,
        "online": v.online,
        "version": v.version,
        "guide_url": reverse("catalog:guide_detail", args=[m.pk]),
    }


def _material(m, template=None, example=None) -> dict:
    """`m` is a Material, or a merged material with the Materials holding its files given."""
    return {
        "key": m.key,
        "name": m.name,
        "required": m.required,
        "form": m.form,
        "copies": m.copies,
        "deficit_allowed": m.deficit_allowed,
        "commitment_replaces": m.commitment_replaces,
        "notes": m.notes,
        "template_url": _file_url(template or m, "template")
        if (template or not hasattr(m, "matters"))
        else None,
        "example_url": _file_url(example or m, "example")
        if (example or not hasattr(m, "matters"))
        else None,
    }


def _field(f) -> dict:
    return {
        "key": f.key,
        "label": f.label,
        "field_type": f.field_type,
        "required": f.required,
        "choices": list(f.choices or []),
        "profile_source": f.profile_source,
    }


def _county_path(code: str) -> str:
    """The path of the county whose code a reader asked for (the portal's chooser, by code);
    "" for none. An unknown code is refused: a county-less answer would look like its list."""
    code = (code or "").strip()
    if not code:
        return ""
    paths = {c: path for c, path, _name in tenancy.counties()}
    if code not in paths:
        raise InvalidInput(
            "CATALOG_COUNTY_UNKNOWN",
            _("没有代码为“%(code)s”的区县") % {"code": code[:32]},
            details={"field": "county", "counties": sorted(paths)},
        )
    return paths[code]


@router.get("/matters", response=MatterPage, auth=None, summary="事项列表与搜索（公开）")
def list_matters(request: HttpRequest, filters: Query[MatterFilters]):
    limit = max(1, min(filters.limit, 200))
    offset = max(0, filters.offset)
    theme = filters.theme if filters.theme in THEMES else ""
    life_event = filters.life_event if filters.life_event in LIFE_EVENTS else ""
    county = _county_path(filters.county)
    if filters.q.strip():
        matters = selectors.search(request.user, filters.q, county=county, limit=500).matters
        if filters.unit:
            matters = [m for m in matters if m.unit.code == filters.unit]
    else:
        matters = selectors.matters_for(
            request.user, county=county, unit_code=filters.unit, theme=theme, life_event=life_event
        )
    matters = selectors.filter_by_codes(matters, theme=theme, life_event=life_event)
    return {
        "count": len(matters),
        "offset": offset,
        "limit": limit,
        "items": [_summary(m) for m in matters[offset : offset + limit]],
    }


@router.get(
    "/matters/{matter_id}",
    response=MatterDetail,
    auth=None,
    summary="事项办事指南（含材料和表单字段）",
)
def get_matter(request: HttpRequest, matter_id: int):
    matter = scope.get_for(
        request.user,
        Matter,
        matter_id,
        queryset=Matter.objects.filter(current_version__isnull=False).select_related(
            "unit", "current_version"
        ),
    )
    return _detail(matter)


@router.post(
    "/matters/{matter_id}/localise",
    response={201: MatterDetail},
    summary="本地化市级事项（本县承接）",
)
def localise_matter(request: HttpRequest, matter_id: inputs.DbId, payload: LocaliseIn):
    """Errors: CATALOG_NOT_CITY_MATTER, CATALOG_UNIT_UNKNOWN, CATALOG_UNIT_NOT_IN_COUNTY,
    CATALOG_ALREADY_LOCALISED, CATALOG_INVALID (e.g. promised above the legal limit; 400),
    CATALOG_FORBIDDEN (403)."""
    source = scope.get_for(request.user, Matter, matter_id)
    unit = scope.visible_to(request.user, Unit).filter(code=payload.unit).first()
    if unit is None:
        raise InvalidInput(
            "CATALOG_UNIT_UNKNOWN",
            _("承接单位不存在"),
            details={"fields": {"unit": _("承接单位不存在")}},
        )
    changes = {k: v for k, v in payload.dict(exclude={"unit", "note"}).items() if v is not None}

    def localise():
        matter = services.matter_localise(
            actor=request.user, source=source, unit=unit, changes=changes, note=payload.note
        )
        return 201, _detail(matter)

    return idempotent(
        request, "catalog.localise", {"matter": matter_id, **payload.dict()}, localise
    )


def _detail(matter: Matter) -> dict:
    v = matter.current_version
    return {
        **_summary(matter),
        "fee": v.fee,
        "conditions": v.conditions,
        "legal_basis": v.legal_basis,
        "address": v.address,
        "hours": v.hours,
        "phone": v.phone,
        "appointment": v.appointment,
        "themes": v.themes,
        "life_events": v.life_events,
        "faq": v.faq,
        "special_procedures": v.special_procedures,
        "materials": [_material(m) for m in v.materials.all()],
        "form_fields": [_field(f) for f in v.form_fields.all()],
    }


def _package_summary(p: Package, matter_ids: list[int]) -> dict:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "lead_unit_code": p.lead_unit.code,
        "lead_unit_name": p.lead_unit.name,
        "promised_limit_days": p.promised_limit_days,
        "description": p.description,
        "life_event": p.life_event,
        "theme": p.theme,
        "matter_ids": matter_ids,
        "guide_url": reverse("catalog:package_detail", args=[p.code]),
    }


@router.get("/packages", response=list[PackageSummary], auth=None, summary="一件事列表（公开）")
def list_packages(request: HttpRequest):
    packages = list(selectors.packages_for(request.user).prefetch_related("members"))
    return [_package_summary(p, [pm.matter_id for pm in p.members.all()]) for p in packages]


@router.get(
    "/packages/{code}", response=PackageDetail, auth=None, summary="一件事详情：合并表单与合并材料"
)
def get_package(request: HttpRequest, code: str):
    package = scope.get_for(
        request.user,
        Package,
        code,
        field="code",
        queryset=Package.objects.select_related("lead_unit"),
    )
    versions = selectors.package_versions(package)
    merged_materials = selectors.merged_materials(package, versions)
    merged_fields = selectors.merged_form_fields(package, versions)
    return {
        **_package_summary(package, [v.matter.pk for v in versions]),
        "matters": [_summary(v.matter) for v in versions],
        "materials": [
            {
                **_material(m, m.template, m.example),
                **(
                    {"template_url": m.joint_form_url, "example_url": None}
                    if m.joint_form_url
                    else {}
                ),
                "matter_ids": [x.pk for x in m.matters],
                "produced_by_matter_id": m.produced_by.pk if m.produced_by else None,
            }
            for m in merged_materials
        ],
        "form_fields": [
            {
                **_field(f),
                "matter_ids": [x.pk for x in f.matters],
                "produced_by_matter_id": f.produced_by.pk if f.produced_by else None,
            }
            for f in merged_fields
        ],
    }
